-- +goose Up
-- The files of an application, one per file field (a new upload replaces
-- the old), kept in the database with the application: in its
-- transaction, in every backup. Never public.
CREATE TABLE services_files (
    application_id TEXT NOT NULL REFERENCES services_applications (id),
    field          TEXT NOT NULL,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    data           BYTEA NOT NULL,
    at_ms          BIGINT NOT NULL,
    PRIMARY KEY (application_id, field)
);

-- +goose Down
DROP TABLE services_files;
