-- CRM accounts, keyed by the CRM's own id.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    domain TEXT,
    industry TEXT,
    owner_id BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX accounts_name ON accounts(name);

CREATE TABLE competitors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    website TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE thread_accounts (
    thread_id BIGINT NOT NULL REFERENCES threads(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (thread_id, account_id)
);
CREATE INDEX thread_accounts_account ON thread_accounts(account_id);

CREATE TABLE thread_competitors (
    thread_id BIGINT NOT NULL REFERENCES threads(id),
    competitor_id BIGINT NOT NULL REFERENCES competitors(id),
    PRIMARY KEY (thread_id, competitor_id)
);
CREATE INDEX thread_competitors_competitor ON thread_competitors(competitor_id);

-- What a user follows: kind is category, thread, account, competitor or tag;
-- key is the slug, id, external id or tag.
CREATE TABLE follows (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind, key)
);
CREATE INDEX follows_target ON follows(kind, key);
