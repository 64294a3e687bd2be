-- +goose Up
-- Outage notices, public: a planned or unplanned interruption of one
-- service in a zone or a set of buildings. Unplanned ones are opened by
-- outage inference (alarm_id) or by an official; ended_ms stays NULL
-- while the outage lasts.
CREATE TABLE metering_outages (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    service    TEXT NOT NULL,          -- heating, hot_water, cold_water, power, gas
    zone_id    TEXT,
    planned    INTEGER NOT NULL,       -- 1 planned works, 0 unplanned
    reason     TEXT NOT NULL DEFAULT '',
    addresses  TEXT NOT NULL DEFAULT '', -- affected addresses, one per line, as published
    starts_ms  BIGINT NOT NULL,
    ends_ms    BIGINT,                 -- announced end
    ended_ms   BIGINT,                 -- actual end
    alarm_id   TEXT,
    created_ms BIGINT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX metering_outages_tenant ON metering_outages (tenant_id, starts_ms);

-- The interruption ledger: one row per building and outage.
CREATE TABLE metering_interruptions (
    id        TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    object_id TEXT NOT NULL REFERENCES metering_objects (id),
    outage_id TEXT NOT NULL REFERENCES metering_outages (id),
    service   TEXT NOT NULL,
    planned   INTEGER NOT NULL,
    from_ms   BIGINT NOT NULL,
    to_ms     BIGINT,                  -- NULL while it lasts
    UNIQUE (outage_id, object_id)
);
CREATE INDEX metering_interruptions_object ON metering_interruptions (object_id, from_ms);

-- Permitted interruptions and the charge reduction past them, as data:
-- Government Decree 354 of 6 May 2011, Appendix 1 (figures to be checked
-- against the text in force; a deployment may correct them here).
CREATE TABLE metering_interruption_limits (
    service            TEXT PRIMARY KEY,
    max_single_hours   DOUBLE PRECISION NOT NULL, -- 0: no limit at a time
    max_month_hours    DOUBLE PRECISION NOT NULL, -- 0: no monthly limit
    reduction_per_hour DOUBLE PRECISION NOT NULL, -- percent of the month's charge per hour over
    basis              TEXT NOT NULL
);
INSERT INTO metering_interruption_limits (service, max_single_hours, max_month_hours, reduction_per_hour, basis) VALUES
    ('cold_water', 4, 8, 0.15, 'ПП РФ № 354, прил. 1, п. 1'),
    ('hot_water', 4, 8, 0.1, 'ПП РФ № 354, прил. 1, п. 5'),
    ('power', 24, 0, 0.15, 'ПП РФ № 354, прил. 1, п. 9'), -- one supply source; 72 h a year is not modelled
    ('gas', 0, 4, 0.15, 'ПП РФ № 354, прил. 1, п. 10'),
    ('heating', 16, 24, 0.15, 'ПП РФ № 354, прил. 1, п. 15');

-- +goose Down
DROP TABLE metering_interruption_limits;
DROP TABLE metering_interruptions;
DROP TABLE metering_outages;
