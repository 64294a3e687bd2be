-- +goose Up
-- Lists run latest received first, per municipality and regime.
CREATE INDEX appeals_received ON appeals (tenant_id, regime, received_ms);

-- +goose Down
DROP INDEX appeals_received;
