-- +goose Up
-- The registry of one municipality's utility networks. Every row carries
-- its municipality (tenant_id); codes are the municipality's own stable
-- keys, the ones CSV imports and devices refer to.

CREATE TABLE metering_networks (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    code       TEXT NOT NULL,
    resource   TEXT NOT NULL,          -- water, heat, power, gas
    name       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE metering_objects (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    code       TEXT NOT NULL,
    kind       TEXT NOT NULL,          -- building, pumping_station, substation, boiler_house, …
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    lat        DOUBLE PRECISION,
    lon        DOUBLE PRECISION,
    created_ms BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE metering_zones (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    network_id TEXT NOT NULL REFERENCES metering_networks (id),
    code       TEXT NOT NULL,
    kind       TEXT NOT NULL,          -- dma, feeder, heat_circuit, gas_zone
    name       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

-- A metering point is the logical place something is measured, stable
-- across meter swaps. role says how it counts in its network's balance.
CREATE TABLE metering_points (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    network_id          TEXT NOT NULL REFERENCES metering_networks (id),
    object_id           TEXT REFERENCES metering_objects (id),
    code                TEXT NOT NULL,
    name                TEXT NOT NULL,
    role                TEXT NOT NULL,  -- boundary, consumer, internal
    apartment           TEXT NOT NULL DEFAULT '',
    resident_account_id TEXT NOT NULL DEFAULT '', -- the resident who may submit readings
    created_ms          BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX metering_points_resident ON metering_points (resident_account_id) WHERE resident_account_id <> '';
CREATE INDEX metering_points_object ON metering_points (object_id);

-- A zone is defined by its signed boundary points: +1 flows in, -1 flows
-- out; consumers are the zone's points with role consumer.
CREATE TABLE metering_zone_points (
    zone_id  TEXT NOT NULL REFERENCES metering_zones (id),
    point_id TEXT NOT NULL REFERENCES metering_points (id),
    sign     INTEGER NOT NULL,         -- +1 in, -1 out, 0 consumer inside the zone
    PRIMARY KEY (zone_id, point_id)
);
CREATE INDEX metering_zone_points_point ON metering_zone_points (point_id);

CREATE TABLE metering_devices (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    serial             TEXT NOT NULL,
    model              TEXT NOT NULL DEFAULT '',
    firmware           TEXT NOT NULL DEFAULT '',
    calibrated_ms      BIGINT,          -- last поверка
    calibration_months INTEGER NOT NULL DEFAULT 0,
    seal               TEXT NOT NULL DEFAULT '',
    interval_s         INTEGER NOT NULL DEFAULT 0, -- expected reporting interval
    token_hash         TEXT NOT NULL DEFAULT '',   -- SHA-256 of the device's secret
    created_ms         BIGINT NOT NULL,
    UNIQUE (tenant_id, serial)
);

-- A device is installed on a point from from_ms until to_ms (NULL: still
-- there), with the register values read when it went in and came out.
CREATE TABLE metering_installations (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    device_id      TEXT NOT NULL REFERENCES metering_devices (id),
    point_id       TEXT NOT NULL REFERENCES metering_points (id),
    from_ms        BIGINT NOT NULL,
    to_ms          BIGINT,
    start_register DOUBLE PRECISION NOT NULL DEFAULT 0,
    end_register   DOUBLE PRECISION,
    created_ms     BIGINT NOT NULL
);
CREATE INDEX metering_installations_device ON metering_installations (device_id, from_ms);
CREATE INDEX metering_installations_point ON metering_installations (point_id, from_ms);

-- +goose Down
DROP TABLE metering_installations;
DROP TABLE metering_devices;
DROP TABLE metering_zone_points;
DROP TABLE metering_points;
DROP TABLE metering_zones;
DROP TABLE metering_objects;
DROP TABLE metering_networks;
