-- +goose Up
-- Who follows a proposal: its author, whoever supports or comments on it,
-- and whoever presses "follow"; they are told of answers and comments.
CREATE TABLE participation_follows (
    proposal_id TEXT NOT NULL REFERENCES participation_proposals (id),
    user_id     TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX participation_follows_user ON participation_follows (user_id);

-- +goose Down
DROP TABLE participation_follows;
