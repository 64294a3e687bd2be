-- +goose Up
-- Officials' internal comments on an item; residents never see them.
CREATE TABLE appeals_comments (
    id          TEXT PRIMARY KEY,
    appeal_id   TEXT NOT NULL REFERENCES appeals (id),
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body        TEXT NOT NULL,
    at_ms       BIGINT NOT NULL
);
CREATE INDEX appeals_comments_appeal ON appeals_comments (appeal_id, at_ms);

-- Duplicates linked, not merged: each author still gets their own answer.
CREATE TABLE appeals_links (
    appeal_id TEXT NOT NULL REFERENCES appeals (id),
    other_id  TEXT NOT NULL REFERENCES appeals (id),
    at_ms     BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, other_id)
);

-- +goose Down
DROP TABLE appeals_links;
DROP TABLE appeals_comments;
