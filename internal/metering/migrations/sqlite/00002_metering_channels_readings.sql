-- +goose Up
-- A channel is one register of a device (its SenML name). Its key is an
-- integer, not a UUID: it is repeated in every reading, and a small key
-- keeps the readings table and its primary key compact.
CREATE TABLE metering_channels (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    device_id   TEXT NOT NULL REFERENCES metering_devices (id),
    name        TEXT NOT NULL,          -- SenML name the device sends
    quantity    TEXT NOT NULL,          -- volume, energy, heat, flow, temperature, …
    unit        TEXT NOT NULL,          -- UN/CEFACT-style unit: m3, kWh, Gcal, …
    kind        TEXT NOT NULL,          -- cumulative, interval, instantaneous, state
    multiplier  DOUBLE PRECISION NOT NULL DEFAULT 1,
    digits      INTEGER NOT NULL DEFAULT 0, -- register digits; rollover at 10^digits
    direction   TEXT NOT NULL DEFAULT 'forward', -- forward, reverse
    created_ms  BIGINT NOT NULL,
    UNIQUE (device_id, name)
);
CREATE INDEX metering_channels_tenant ON metering_channels (tenant_id);

-- Raw readings, append-only and idempotent on (channel_id, ts_ms).
-- quality: 0 measured, 1 estimated, 2 edited, 3 suspect, 4 missing.
-- source: 1 mqtt, 2 http, 3 manual, 4 resident, 5 import.
-- No tenant column: the channel carries it, and every reading is
-- validated against its channel before it is written.
CREATE TABLE metering_readings (
    channel_id  INTEGER NOT NULL,
    ts_ms       INTEGER NOT NULL,
    value       REAL NOT NULL,
    quality     INTEGER NOT NULL DEFAULT 0,
    source      INTEGER NOT NULL DEFAULT 0,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (channel_id, ts_ms)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE metering_readings;
DROP TABLE metering_channels;
