-- Notification mails about one thread wait here for a short window
-- (GRAPEVINE_MAIL_BATCH_SECONDS) and leave as one mail: three replies in a
-- minute make one email, not three. `items` is a JSON list of what each
-- notification would have said.
CREATE TABLE mail_batches (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    items TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX mail_batches_due ON mail_batches(due_at);
