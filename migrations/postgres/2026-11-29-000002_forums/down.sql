DROP TABLE audit_log;
DROP TABLE thread_reads;
DROP TABLE thread_tags;
DROP TABLE post_revisions;
DROP TABLE posts;
DROP TABLE threads;
DROP TABLE categories;
