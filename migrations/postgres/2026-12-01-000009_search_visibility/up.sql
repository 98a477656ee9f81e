-- Who may see a document, kept on the document (see the SQLite migration
-- of the same name).
ALTER TABLE search_docs ADD COLUMN category_id BIGINT;
ALTER TABLE search_docs ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE;

-- Only a change of terms recomputes the tsvectors.
DROP TRIGGER search_docs_tsv ON search_docs;
CREATE TRIGGER search_docs_tsv
    BEFORE INSERT OR UPDATE OF terms_title, terms_names, terms_tags, terms_body, terms_exact
    ON search_docs FOR EACH ROW EXECUTE FUNCTION search_docs_tsv();

-- New documents wait in each GIN index's pending list, which every search
-- reads through; a short list keeps searches fast between vacuums (a
-- rebuild empties it, see search::index::rebuild).
ALTER INDEX search_docs_tsv SET (gin_pending_list_limit = 512);
ALTER INDEX search_docs_tsv_exact SET (gin_pending_list_limit = 512);

UPDATE search_state SET built = FALSE;
