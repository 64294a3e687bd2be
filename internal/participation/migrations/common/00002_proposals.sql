-- +goose Up
CREATE TABLE participation_proposals (
    id                TEXT PRIMARY KEY,
    process_id        TEXT NOT NULL REFERENCES participation_processes (id),
    tenant_id         TEXT NOT NULL,
    territory_node_id TEXT NOT NULL,
    territory_path    TEXT NOT NULL,
    author_id         TEXT NOT NULL,
    author_name       TEXT NOT NULL,
    title             TEXT NOT NULL,
    body              TEXT NOT NULL,
    supports          INTEGER NOT NULL DEFAULT 0,
    threshold         INTEGER NOT NULL,
    reached_ms        BIGINT,
    flags             INTEGER NOT NULL DEFAULT 0,
    moderation        TEXT NOT NULL DEFAULT '',
    visible           INTEGER NOT NULL DEFAULT 1,
    answer_state      TEXT NOT NULL DEFAULT '',
    answer            TEXT NOT NULL DEFAULT '',
    answered_ms       BIGINT,
    demo              INTEGER NOT NULL DEFAULT 0,
    created_ms        BIGINT NOT NULL
);
-- The public list: visible proposals of a process, newest or most
-- supported first, read by keyset.
CREATE INDEX participation_proposals_new ON participation_proposals (process_id, visible, created_ms DESC, id DESC);
CREATE INDEX participation_proposals_top ON participation_proposals (process_id, visible, supports DESC, id DESC);
CREATE INDEX participation_proposals_author ON participation_proposals (author_id, created_ms);
CREATE INDEX participation_proposals_pending ON participation_proposals (tenant_id, moderation);

-- Title word stems, for suggesting similar proposals.
CREATE TABLE participation_proposal_words (
    process_id  TEXT NOT NULL,
    stem        TEXT NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES participation_proposals (id),
    PRIMARY KEY (process_id, stem, proposal_id)
);

-- One support per person and proposal, enforced here.
CREATE TABLE participation_supports (
    proposal_id TEXT NOT NULL REFERENCES participation_proposals (id),
    user_id     TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);

CREATE TABLE participation_comments (
    id          TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES participation_proposals (id),
    parent_id   TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    stance      TEXT NOT NULL,
    body        TEXT NOT NULL,
    flags       INTEGER NOT NULL DEFAULT 0,
    moderation  TEXT NOT NULL DEFAULT '',
    visible     INTEGER NOT NULL DEFAULT 1,
    demo        INTEGER NOT NULL DEFAULT 0,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX participation_comments_proposal ON participation_comments (proposal_id, created_ms);
CREATE INDEX participation_comments_pending ON participation_comments (moderation);

-- One flag per person and item.
CREATE TABLE participation_flags (
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    PRIMARY KEY (object_type, object_id, user_id)
);

-- +goose Down
DROP TABLE participation_flags;
DROP TABLE participation_comments;
DROP TABLE participation_supports;
DROP TABLE participation_proposal_words;
DROP TABLE participation_proposals;
