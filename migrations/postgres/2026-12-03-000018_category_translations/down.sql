ALTER TABLE categories DROP COLUMN translations;
