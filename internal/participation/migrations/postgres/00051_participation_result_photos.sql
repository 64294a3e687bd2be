-- +goose Up
-- Photos of a result, re-encoded on upload (no camera metadata, no GPS).
CREATE TABLE participation_result_photos (
    id           TEXT PRIMARY KEY,
    result_id    TEXT NOT NULL REFERENCES participation_results (id),
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    caption      TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_ms   BIGINT NOT NULL
);
CREATE INDEX participation_result_photos_result ON participation_result_photos (result_id, created_ms);

-- +goose Down
DROP TABLE participation_result_photos;
