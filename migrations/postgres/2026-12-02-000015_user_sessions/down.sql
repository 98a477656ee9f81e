ALTER TABLE users DROP COLUMN seen_lang;
ALTER TABLE users DROP COLUMN session_epoch;
