-- +goose Up
CREATE TABLE participation_polls (
    id          TEXT PRIMARY KEY,
    process_id  TEXT NOT NULL REFERENCES participation_processes (id),
    tenant_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    question    TEXT NOT NULL,
    max_choices INTEGER NOT NULL,
    live        INTEGER NOT NULL,
    closes_ms   BIGINT NOT NULL,
    demo        INTEGER NOT NULL DEFAULT 0,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX participation_polls_process ON participation_polls (process_id, created_ms);

CREATE TABLE participation_poll_options (
    poll_id  TEXT NOT NULL REFERENCES participation_polls (id),
    position INTEGER NOT NULL,
    label    TEXT NOT NULL,
    PRIMARY KEY (poll_id, position)
);

-- One response per person and poll, enforced here.
CREATE TABLE participation_poll_responses (
    id         TEXT PRIMARY KEY,
    poll_id    TEXT NOT NULL REFERENCES participation_polls (id),
    user_id    TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    UNIQUE (poll_id, user_id)
);

-- What a response chose: an option with its rank (1 = first; 0 when
-- unranked), or a free text.
CREATE TABLE participation_poll_answers (
    response_id TEXT NOT NULL REFERENCES participation_poll_responses (id),
    poll_id     TEXT NOT NULL,
    option_pos  INTEGER NOT NULL,
    rank        INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX participation_poll_answers_poll ON participation_poll_answers (poll_id, option_pos);

-- +goose Down
DROP TABLE participation_poll_answers;
DROP TABLE participation_poll_responses;
DROP TABLE participation_poll_options;
DROP TABLE participation_polls;
