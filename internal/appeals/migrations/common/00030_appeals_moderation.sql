-- +goose Up
-- Items held for moderation: flagged for obscene or abusive language when
-- submitted, nothing of them public until an official approves them; or
-- hidden for good, the item still handled. An item without a row here is
-- clean.
CREATE TABLE appeals_moderation (
    appeal_id   TEXT PRIMARY KEY REFERENCES appeals (id),
    tenant_id   TEXT NOT NULL,
    status      TEXT NOT NULL,            -- pending, approved, hidden
    word        TEXT NOT NULL,            -- what the detector found, as written
    reason      TEXT NOT NULL DEFAULT '', -- why it was hidden
    flagged_ms  BIGINT NOT NULL,
    decided_ms  BIGINT,
    decided_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appeals_moderation_pending ON appeals_moderation (tenant_id, flagged_ms) WHERE status = 'pending';

-- +goose Down
DROP TABLE appeals_moderation;
