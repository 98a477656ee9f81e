CREATE TABLE categories (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    -- Comma-separated roles that may read (and post in) the category.
    readable_by TEXT NOT NULL DEFAULT 'rep,marketer,admin',
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE threads (
    id BIGSERIAL PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES categories(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    reply_count INTEGER NOT NULL DEFAULT 0,
    last_post_id BIGINT NOT NULL DEFAULT 0,
    -- Bumped by every change to the thread or its posts: the key of the
    -- rendered-page cache.
    version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    last_activity_at TIMESTAMP NOT NULL
);
CREATE INDEX threads_category_activity ON threads(category_id, pinned, last_activity_at);
CREATE INDEX threads_activity ON threads(last_activity_at);

-- Posts form a tree per thread. `path` is the materialized path: the
-- fixed-width ids of the ancestors and the post itself, so ordering by path
-- gives the whole tree in display order with one query.
CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES threads(id),
    parent_id BIGINT REFERENCES posts(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    path TEXT NOT NULL,
    depth INTEGER NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP
);
CREATE INDEX posts_thread_path ON posts(thread_id, path);
CREATE INDEX posts_author ON posts(author_id);

CREATE TABLE post_revisions (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id),
    body TEXT NOT NULL,
    editor_id BIGINT NOT NULL REFERENCES users(id),
    edited_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions(post_id);

CREATE TABLE thread_tags (
    thread_id BIGINT NOT NULL REFERENCES threads(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (thread_id, tag)
);
CREATE INDEX thread_tags_tag ON thread_tags(tag);

CREATE TABLE thread_reads (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads(id),
    last_read_post_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created ON audit_log(created_at);

-- A sensible starting set; admins rename, reorder or archive them.
INSERT INTO categories (slug, name, description, position, readable_by, created_at) VALUES
 ('customers', 'Customers', 'What customers say: complaints, praise, plans, who decides.', 1, 'rep,marketer,admin', (now() AT TIME ZONE 'utc')),
 ('competitors', 'Competitors', 'Competitor moves: prices, offers, products, people.', 2, 'rep,marketer,admin', (now() AT TIME ZONE 'utc')),
 ('market-rumors', 'Market rumors', 'What is heard in the market, confirmed or not.', 3, 'rep,marketer,admin', (now() AT TIME ZONE 'utc')),
 ('product-feedback', 'Product feedback', 'What prospects and customers ask of our products.', 4, 'rep,marketer,admin', (now() AT TIME ZONE 'utc')),
 ('marketing-only', 'Marketing only', 'Internal notes of the marketing team.', 5, 'marketer,admin', (now() AT TIME ZONE 'utc'));
