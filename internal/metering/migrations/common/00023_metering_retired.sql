-- +goose Up
-- Retiring a network, zone, object or metering point hides it from the
-- registry's and dashboards' active lists and, for a point, stops the
-- readings of the device installed on it; its history stays.
ALTER TABLE metering_networks ADD COLUMN retired_ms BIGINT;
ALTER TABLE metering_zones ADD COLUMN retired_ms BIGINT;
ALTER TABLE metering_objects ADD COLUMN retired_ms BIGINT;
ALTER TABLE metering_points ADD COLUMN retired_ms BIGINT;

-- +goose Down
ALTER TABLE metering_points DROP COLUMN retired_ms;
ALTER TABLE metering_objects DROP COLUMN retired_ms;
ALTER TABLE metering_zones DROP COLUMN retired_ms;
ALTER TABLE metering_networks DROP COLUMN retired_ms;
