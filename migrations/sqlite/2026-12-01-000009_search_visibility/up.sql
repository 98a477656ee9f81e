-- Who may see a document, kept on the document: the category it is read
-- in (none for accounts and competitors) and whether it is hidden (its
-- thread or itself). Searches then filter on the document alone, inside
-- the engine's scan, without joining every match to its thread and post.
-- Moderation and moves update these columns in their own transaction.
ALTER TABLE search_docs ADD COLUMN category_id BIGINT;
ALTER TABLE search_docs ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE;

-- Only a change of terms re-indexes a document in FTS5 (hiding or moving
-- it changes no term).
DROP TRIGGER search_docs_au;
CREATE TRIGGER search_docs_au
AFTER UPDATE OF terms_title, terms_names, terms_tags, terms_body, terms_exact ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES ('delete', old.id, old.terms_title, old.terms_names, old.terms_tags, old.terms_body, old.terms_exact);
    INSERT INTO search_fts(rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES (new.id, new.terms_title, new.terms_names, new.terms_tags, new.terms_body, new.terms_exact);
END;

-- The next start rebuilds the index, filling the new columns.
UPDATE search_state SET built = FALSE;
