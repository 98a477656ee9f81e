-- In-app notifications, derived from the event log. One per user and event:
-- instances that process the same event write it once.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (user_id, event_id)
);
CREATE INDEX notifications_user ON notifications(user_id, read_at);

-- How far each background worker has read the event log.
CREATE TABLE worker_cursors (
    name TEXT PRIMARY KEY,
    last_event_id BIGINT NOT NULL
);
