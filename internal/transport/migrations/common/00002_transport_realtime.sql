-- +goose Up
-- The latest GTFS-Realtime state per municipality: one row per trip
-- update and per vehicle, replaced by each newer message. updates holds
-- the stop time updates as JSON [[stop_sequence, delay_seconds], …].
CREATE TABLE transport_rt_trips (
    tenant_id  TEXT NOT NULL,
    trip_id    TEXT NOT NULL,
    start_date TEXT NOT NULL DEFAULT '',
    delay      INTEGER,
    updates    TEXT NOT NULL DEFAULT '[]',
    canceled   INTEGER NOT NULL DEFAULT 0,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, trip_id, start_date)
);

CREATE TABLE transport_rt_vehicles (
    tenant_id   TEXT NOT NULL,
    vehicle_id  TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    trip_id     TEXT NOT NULL DEFAULT '',
    route_id    TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    bearing     DOUBLE PRECISION,
    observed_ms BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, vehicle_id)
);

-- +goose Down
DROP TABLE transport_rt_vehicles;
DROP TABLE transport_rt_trips;
