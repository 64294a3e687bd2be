-- +goose Up
-- Requests for information sent to another body (59-FZ art. 10 p. 2);
-- each runs the 15-day info_request clock until the answer comes.
CREATE TABLE appeals_info_requests (
    id           TEXT PRIMARY KEY,
    appeal_id    TEXT NOT NULL REFERENCES appeals (id),
    body         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    requested_ms BIGINT NOT NULL,
    due_ms       BIGINT NOT NULL,
    received_ms  BIGINT,
    result       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appeals_info_requests_appeal ON appeals_info_requests (appeal_id, requested_ms);

-- +goose Down
DROP TABLE appeals_info_requests;
