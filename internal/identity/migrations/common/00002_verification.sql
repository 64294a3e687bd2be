-- +goose Up
-- The voter roll: a person's verified residence and birth date, one row
-- per person, replaced by a newer verification.
CREATE TABLE verifications (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    node_id     TEXT NOT NULL,
    node_path   TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    method      TEXT NOT NULL,
    document    TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    verified_ms BIGINT NOT NULL
);
CREATE INDEX verifications_path ON verifications (node_path);

-- What a resident says of themselves so the census can confirm it.
CREATE TABLE residence_claims (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    tenant_id   TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    address_key TEXT NOT NULL,
    claimed_ms  BIGINT NOT NULL
);
CREATE INDEX residence_claims_match ON residence_claims (tenant_id, name_key, birth_date, address_key);

-- Imported census rows, normalised for matching; only keys are kept.
CREATE TABLE census_rows (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    batch_id    TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    address_key TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    node_path   TEXT NOT NULL,
    imported_ms BIGINT NOT NULL
);
CREATE INDEX census_rows_match ON census_rows (tenant_id, name_key, birth_date, address_key);

-- +goose Down
DROP TABLE census_rows;
DROP TABLE residence_claims;
DROP TABLE verifications;
