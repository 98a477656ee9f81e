DROP TABLE search_state;
DROP TABLE search_docs;
DROP FUNCTION search_docs_tsv();
