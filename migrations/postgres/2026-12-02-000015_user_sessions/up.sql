-- The language a user's browser last asked for, for mail to users whose
-- setting is "the browser's" (a mail has no browser to ask).
ALTER TABLE users ADD COLUMN seen_lang TEXT;

-- Sessions live in signed cookies; a user's sessions all end when this
-- number moves on ("sign out everywhere").
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
