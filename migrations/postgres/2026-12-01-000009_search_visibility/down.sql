ALTER INDEX search_docs_tsv RESET (gin_pending_list_limit);
ALTER INDEX search_docs_tsv_exact RESET (gin_pending_list_limit);
DROP TRIGGER search_docs_tsv ON search_docs;
CREATE TRIGGER search_docs_tsv BEFORE INSERT OR UPDATE ON search_docs
    FOR EACH ROW EXECUTE FUNCTION search_docs_tsv();
ALTER TABLE search_docs DROP COLUMN hidden;
ALTER TABLE search_docs DROP COLUMN category_id;
