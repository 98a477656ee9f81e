-- Ids made by clients (a phone's offline queue) for what they created, so
-- a replayed request creates nothing: one row per user and id.
CREATE TABLE client_ids (
    user_id BIGINT NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    -- thread, post or idea
    kind TEXT NOT NULL,
    -- 0 until the first request's write is done (in its transaction).
    ref_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_id)
);
