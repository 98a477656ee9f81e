-- Every mail is recorded here first, then sent, then marked sent. A mail is
-- unique by its dedup key (a digest per user and period, a notification per
-- user and event), so a second writer of the same mail writes nothing.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message TEXT NOT NULL,
    -- pending, sent or failed (gave up after the last try).
    state TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A sender holds a mail until then; another may take it afterwards.
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- One digest per user and period (daily:2026-11-29, weekly:2026-W48),
-- claimed before it is built. state: building, queued or empty (nothing was
-- new). A building claim older than its lease is taken over, so a crash
-- never skips a digest.
CREATE TABLE digest_claims (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    period_key TEXT NOT NULL,
    state TEXT NOT NULL,
    since TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, period_key)
);
CREATE INDEX digest_claims_period ON digest_claims(period_key);
