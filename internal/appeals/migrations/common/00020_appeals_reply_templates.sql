-- +goose Up
-- Reply templates an official picks to prefill an answer: per
-- municipality, optionally narrowed to one category ('' = any).
CREATE TABLE appeals_reply_templates (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    category_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX appeals_reply_templates_tenant ON appeals_reply_templates (tenant_id, name);

-- +goose Down
DROP TABLE appeals_reply_templates;
