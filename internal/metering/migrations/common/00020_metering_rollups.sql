-- +goose Up
-- Consumption per channel by the municipality's local hour and day,
-- recomputed from the raw readings for the buckets new readings touch.
-- quality: as readings (0 measured, 1 estimated, 2 edited, 3 suspect);
-- suspect counts reverse movements of the register left out of value.
CREATE TABLE metering_hourly (
    channel_id BIGINT NOT NULL,
    start_ms   BIGINT NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    quality    SMALLINT NOT NULL DEFAULT 0,
    suspect    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, start_ms)
);

CREATE TABLE metering_daily (
    channel_id BIGINT NOT NULL,
    day_ms     BIGINT NOT NULL,        -- local midnight in UTC milliseconds
    value      DOUBLE PRECISION NOT NULL,
    quality    SMALLINT NOT NULL DEFAULT 0,
    suspect    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, day_ms)
);

-- A zone's daily balance, kept beside the channels' so that a year of a
-- zone is 365 rows whatever its number of points.
CREATE TABLE metering_zone_daily (
    zone_id   TEXT NOT NULL,
    day_ms    BIGINT NOT NULL,
    inflow    DOUBLE PRECISION NOT NULL,
    outflow   DOUBLE PRECISION NOT NULL,
    consumers DOUBLE PRECISION NOT NULL,
    quality   SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, day_ms)
);

-- Channels with readings not yet rolled up: the span of their new
-- readings' timestamps, widened by every batch; rev tells the job whether
-- a batch came in while it was computing.
CREATE TABLE metering_rollup_dirty (
    channel_id BIGINT PRIMARY KEY,
    from_ms    BIGINT NOT NULL,
    to_ms      BIGINT NOT NULL,
    rev        BIGINT NOT NULL DEFAULT 1
);

-- Settings the rollup job keeps: raw_kept_from_ms is where raw readings
-- were purged up to; rollups before it are final and never recomputed.
CREATE TABLE metering_rollup_state (
    name     TEXT PRIMARY KEY,
    value_ms BIGINT NOT NULL
);

-- +goose Down
DROP TABLE metering_rollup_state;
DROP TABLE metering_rollup_dirty;
DROP TABLE metering_zone_daily;
DROP TABLE metering_daily;
DROP TABLE metering_hourly;
