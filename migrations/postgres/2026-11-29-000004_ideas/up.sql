-- Idea discussions live in the forum, as threads of this category.
INSERT INTO categories (slug, name, description, position, readable_by, created_at) VALUES
 ('ideas', 'Idea discussions', 'Comments on the ideas of the idea box.', 90, 'rep,marketer,admin', (now() AT TIME ZONE 'utc'));

CREATE TABLE ideas (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'open',
    thread_id BIGINT NOT NULL REFERENCES threads(id),
    merged_into BIGINT REFERENCES ideas(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ideas_status ON ideas(status);

-- One vote per user and idea: the primary key keeps counts exact under
-- concurrent voting.
CREATE TABLE idea_votes (
    idea_id BIGINT NOT NULL REFERENCES ideas(id),
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (idea_id, user_id)
);

CREATE TABLE idea_status_changes (
    id BIGSERIAL PRIMARY KEY,
    idea_id BIGINT NOT NULL REFERENCES ideas(id),
    status TEXT NOT NULL,
    response TEXT,
    response_html TEXT,
    changed_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_status_changes_idea ON idea_status_changes(idea_id);

CREATE TABLE idea_accounts (
    idea_id BIGINT NOT NULL REFERENCES ideas(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (idea_id, account_id)
);
CREATE INDEX idea_accounts_account ON idea_accounts(account_id);

CREATE TABLE idea_competitors (
    idea_id BIGINT NOT NULL REFERENCES ideas(id),
    competitor_id BIGINT NOT NULL REFERENCES competitors(id),
    PRIMARY KEY (idea_id, competitor_id)
);

CREATE TABLE idea_tags (
    idea_id BIGINT NOT NULL REFERENCES ideas(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (idea_id, tag)
);
