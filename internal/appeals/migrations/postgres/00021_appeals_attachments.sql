-- +goose Up
-- Files an official attaches to an answer (PDF, JPEG, PNG), kept with the
-- item like its photos: in its transaction, in every backup. step_seq is
-- the history step (the answer) they came with. Never public.
CREATE TABLE appeals_attachments (
    appeal_id    TEXT NOT NULL REFERENCES appeals (id),
    n            BIGINT NOT NULL,
    step_seq     BIGINT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    author_id    TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, n)
);

-- +goose Down
DROP TABLE appeals_attachments;
