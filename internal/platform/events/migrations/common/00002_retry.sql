-- +goose Up
-- Per-consumer retries of the in-process bus: a consumer whose handler
-- failed retries on its own schedule, without holding back the others.
CREATE TABLE event_retry (
    consumer   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    next_ms    BIGINT NOT NULL,
    last_error TEXT NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX event_retry_due ON event_retry (next_ms);
-- +goose Down
DROP TABLE event_retry;
