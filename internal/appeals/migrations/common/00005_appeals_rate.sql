-- +goose Up
-- Submissions per network address (hashed), for the per-IP rate limit;
-- rows older than a day are purged.
CREATE TABLE appeals_rate (
    ip_hash TEXT NOT NULL,
    at_ms   BIGINT NOT NULL
);
CREATE INDEX appeals_rate_ip ON appeals_rate (ip_hash, at_ms);

-- +goose Down
DROP TABLE appeals_rate;
