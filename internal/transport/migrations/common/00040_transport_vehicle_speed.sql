-- +goose Up
-- A vehicle's last reported speed in metres per second (GTFS-Realtime
-- Position.speed, or the MQTT position's speed), when it said one.
ALTER TABLE transport_rt_vehicles ADD COLUMN speed DOUBLE PRECISION;

-- +goose Down
ALTER TABLE transport_rt_vehicles DROP COLUMN speed;
