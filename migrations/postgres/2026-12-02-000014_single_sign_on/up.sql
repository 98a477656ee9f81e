-- Who a user is at an identity provider: issuer + subject, never the
-- email (an address can change hands; `sub` cannot).
CREATE TABLE user_identities (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX user_identities_by_user ON user_identities (user_id);

-- An OpenID Connect sign-in under way, kept here rather than in the
-- browser's cookie so the callback may reach any instance, and so the
-- nonce and the PKCE verifier never leave the server. One use each.
CREATE TABLE oidc_logins (
    state TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    next TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX oidc_logins_by_time ON oidc_logins (created_at);

-- Where an audited action came from (the client's address, believed from
-- X-Forwarded-For only behind a trusted proxy); empty for older entries.
ALTER TABLE audit_log ADD COLUMN ip TEXT;
