-- The search index (see the SQLite migration of the same name): text
-- normalised in Rust, so both engines match alike; visibility is decided
-- at query time by joining what a row stands for.
CREATE TABLE search_docs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    thread_id BIGINT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    terms_title TEXT NOT NULL,
    terms_names TEXT NOT NULL,
    terms_tags TEXT NOT NULL,
    terms_body TEXT NOT NULL,
    -- folded words as written, for exact phrases and prefixes
    terms_exact TEXT NOT NULL,
    -- PostgreSQL's engine: weighted title > names > tags > body, kept in
    -- step by the trigger below in the writer's transaction.
    tsv TSVECTOR NOT NULL DEFAULT ''::tsvector,
    tsv_exact TSVECTOR NOT NULL DEFAULT ''::tsvector,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_thread ON search_docs(thread_id);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_docs_tsv_exact ON search_docs USING GIN (tsv_exact);

CREATE FUNCTION search_docs_tsv() RETURNS trigger AS $$
BEGIN
    NEW.tsv := setweight(to_tsvector('simple', NEW.terms_title), 'A')
        || setweight(to_tsvector('simple', NEW.terms_names), 'B')
        || setweight(to_tsvector('simple', NEW.terms_tags), 'C')
        || setweight(to_tsvector('simple', NEW.terms_body), 'D');
    NEW.tsv_exact := to_tsvector('simple', NEW.terms_exact);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_docs_tsv BEFORE INSERT OR UPDATE ON search_docs
    FOR EACH ROW EXECUTE FUNCTION search_docs_tsv();

CREATE TABLE search_state (
    id BIGINT PRIMARY KEY,
    built BOOLEAN NOT NULL
);
INSERT INTO search_state (id, built) VALUES (1, FALSE);
