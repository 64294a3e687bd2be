-- +goose Up
CREATE TABLE sessions (
    token     TEXT PRIMARY KEY,
    data      BYTEA NOT NULL,
    expiry_ms BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_ms);
-- +goose Down
DROP TABLE sessions;
