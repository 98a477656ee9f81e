ALTER TABLE audit_log DROP COLUMN ip;
DROP TABLE oidc_logins;
DROP TABLE user_identities;
