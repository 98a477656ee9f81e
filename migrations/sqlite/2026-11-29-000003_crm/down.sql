DROP TABLE follows;
DROP TABLE thread_competitors;
DROP TABLE thread_accounts;
DROP TABLE competitors;
DROP TABLE accounts;
