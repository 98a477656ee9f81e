-- The search index. One row per findable thing (a thread's opening post, a
-- reply, an idea, an account, a competitor), with its text normalised in
-- Rust (lower case, accents folded, stemmed: see src/search/text.rs) so
-- both engines match alike. Who may see a row is decided at query time by
-- joining the thread, post or idea it stands for, never stored here.
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- thread, post, idea, account or competitor
    kind TEXT NOT NULL,
    -- the post, idea, account or competitor id
    ref_id BIGINT NOT NULL,
    -- the thread holding it (an idea's discussion thread)
    thread_id BIGINT,
    title TEXT NOT NULL,
    -- plain text, for snippets
    body TEXT NOT NULL,
    author_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    terms_title TEXT NOT NULL,
    terms_names TEXT NOT NULL,
    terms_tags TEXT NOT NULL,
    terms_body TEXT NOT NULL,
    -- folded words as written, for exact phrases and prefixes
    terms_exact TEXT NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_thread ON search_docs(thread_id);

-- SQLite's engine: FTS5 over the normalised terms of search_docs, kept in
-- step by triggers in the writer's transaction.
CREATE VIRTUAL TABLE search_fts USING fts5(
    terms_title, terms_names, terms_tags, terms_body, terms_exact,
    content = 'search_docs', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts(rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES (new.id, new.terms_title, new.terms_names, new.terms_tags, new.terms_body, new.terms_exact);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES ('delete', old.id, old.terms_title, old.terms_names, old.terms_tags, old.terms_body, old.terms_exact);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES ('delete', old.id, old.terms_title, old.terms_names, old.terms_tags, old.terms_body, old.terms_exact);
    INSERT INTO search_fts(rowid, terms_title, terms_names, terms_tags, terms_body, terms_exact)
    VALUES (new.id, new.terms_title, new.terms_names, new.terms_tags, new.terms_body, new.terms_exact);
END;

-- Whether the index has been built from the content (a fresh install or an
-- upgrade builds it at start, right after this migration).
CREATE TABLE search_state (
    id INTEGER PRIMARY KEY,
    built BOOLEAN NOT NULL
);
INSERT INTO search_state (id, built) VALUES (1, FALSE);
