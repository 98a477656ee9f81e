-- Uploaded files. One row per upload; the bytes live in the configured
-- store under their SHA-256, so the same bytes are kept once.
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    hash TEXT NOT NULL,
    thumb_hash TEXT NOT NULL,
    thumb_type TEXT NOT NULL,
    -- A document's text, for search.
    text TEXT NOT NULL DEFAULT '',
    -- Where it is attached: one post or one idea, or nowhere yet.
    post_id BIGINT REFERENCES posts(id),
    idea_id BIGINT REFERENCES ideas(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX uploads_post ON uploads(post_id) WHERE post_id IS NOT NULL;
CREATE INDEX uploads_idea ON uploads(idea_id) WHERE idea_id IS NOT NULL;
CREATE INDEX uploads_unattached ON uploads(created_at) WHERE post_id IS NULL AND idea_id IS NULL;
CREATE INDEX uploads_hash ON uploads(hash);
CREATE INDEX uploads_thumb_hash ON uploads(thumb_hash);

-- The `database` store (GRAPEVINE_STORAGE=database).
CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
