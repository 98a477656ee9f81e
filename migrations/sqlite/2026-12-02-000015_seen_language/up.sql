-- The language a user's browser last asked for, for mail to users whose
-- setting is "the browser's" (a mail has no browser to ask).
ALTER TABLE users ADD COLUMN seen_lang TEXT;
