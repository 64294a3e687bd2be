-- +goose Up
-- Open311 and the public list filtered by one category run latest
-- received first: without this they walk every report of the period.
CREATE INDEX appeals_category_received ON appeals (tenant_id, regime, category_id, received_ms);

-- +goose Down
DROP INDEX appeals_category_received;
