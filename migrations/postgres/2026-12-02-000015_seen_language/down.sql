ALTER TABLE users DROP COLUMN seen_lang;
