DROP INDEX idea_votes_by_time;
DROP INDEX posts_by_time;
DROP INDEX threads_by_time;
DROP INDEX thread_reads_by_thread;
DROP TABLE post_marks;
ALTER TABLE users DROP COLUMN team;
