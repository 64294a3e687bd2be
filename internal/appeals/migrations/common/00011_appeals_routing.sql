-- +goose Up
-- The routing table: a category's items in a district (or anywhere, '')
-- go to a department.
CREATE TABLE appeals_routes (
    tenant_id     TEXT NOT NULL,
    category_id   TEXT NOT NULL REFERENCES appeals_categories (id),
    district_id   TEXT NOT NULL DEFAULT '',
    department_id TEXT NOT NULL,
    updated_ms    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, category_id, district_id)
);

-- Items the table could not route (near a district boundary, outside
-- every district, no rule): an official picks the department.
CREATE TABLE appeals_triage (
    appeal_id   TEXT PRIMARY KEY REFERENCES appeals (id),
    tenant_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    resolved_ms BIGINT
);
CREATE INDEX appeals_triage_open ON appeals_triage (tenant_id) WHERE resolved_ms IS NULL;

-- +goose Down
DROP TABLE appeals_triage;
DROP TABLE appeals_routes;
