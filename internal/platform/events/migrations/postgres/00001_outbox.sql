-- +goose Up
CREATE TABLE event_outbox (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    tenant_id    TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    published_ms BIGINT
);
CREATE INDEX event_outbox_pending ON event_outbox (published_ms, seq);
CREATE TABLE event_processed (
    consumer     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    processed_ms BIGINT NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
-- +goose Down
DROP TABLE event_processed;
DROP TABLE event_outbox;
