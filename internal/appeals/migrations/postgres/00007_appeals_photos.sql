-- +goose Up
-- Photos of an item, cleaned of metadata before they are stored. They sit
-- in the database with the item they belong to: written in its
-- transaction (all or none), in every backup, shared by every instance.
CREATE TABLE appeals_photos (
    appeal_id    TEXT NOT NULL REFERENCES appeals (id),
    n            BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    at_ms        BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, n)
);

-- +goose Down
DROP TABLE appeals_photos;
