DROP TABLE events;
DROP TABLE setup_tokens;
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE users;
