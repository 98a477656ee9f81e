-- A user's team, for the contribution figures (set by admins and by
-- `grapevine user add --team`).
ALTER TABLE users ADD COLUMN team TEXT;

-- "Useful to marketing": one mark per marker and post.
CREATE TABLE post_marks (
    post_id BIGINT NOT NULL REFERENCES posts(id),
    marker_id BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, marker_id)
);
CREATE INDEX post_marks_by_time ON post_marks (created_at);

CREATE INDEX thread_reads_by_thread ON thread_reads (thread_id);
CREATE INDEX posts_by_time ON posts (created_at);
CREATE INDEX threads_by_time ON threads (created_at);
CREATE INDEX idea_votes_by_time ON idea_votes (created_at);
