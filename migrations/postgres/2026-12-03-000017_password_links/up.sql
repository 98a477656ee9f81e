-- One-time links that set a password: an admin's invitation (days) or a
-- user's reset request (an hour). Only the token's hash is kept; using a
-- link removes every link of that user.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- invite or reset
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX password_links_user ON password_links(user_id);
