DROP TRIGGER search_docs_au;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES ('delete', old.id, old.terms_title, old.terms_names, old.terms_tags, old.terms_body, old.terms_exact);
    INSERT INTO search_fts(rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES (new.id, new.terms_title, new.terms_names, new.terms_tags, new.terms_body, new.terms_exact);
END;
ALTER TABLE search_docs DROP COLUMN hidden;
ALTER TABLE search_docs DROP COLUMN category_id;
