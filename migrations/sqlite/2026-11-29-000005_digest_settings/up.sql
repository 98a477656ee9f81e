-- Each user's digest and notification choices. No row: the defaults of
-- their role (see src/digest.rs).
CREATE TABLE digest_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'off')),
    hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    timezone TEXT NOT NULL,
    email_mentions BOOLEAN NOT NULL,
    email_replies BOOLEAN NOT NULL,
    email_ideas BOOLEAN NOT NULL,
    email_follows BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
