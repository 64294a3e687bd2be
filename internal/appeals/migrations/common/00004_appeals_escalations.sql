-- +goose Up
-- Each clock's escalations, so each level is announced once.
CREATE TABLE appeals_escalations (
    appeal_id TEXT NOT NULL REFERENCES appeals (id),
    clock     TEXT NOT NULL,
    from_ms   BIGINT NOT NULL,
    level     INTEGER NOT NULL,
    at_ms     BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, clock, from_ms, level)
);

-- +goose Down
DROP TABLE appeals_escalations;
