-- +goose Up
-- Alarms raised by the detectors (or an official): raised → acknowledged
-- → cleared. At most one alarm per (municipality, kind, target) is open at
-- a time; a detector that finds the condition again refreshes it.
CREATE TABLE metering_alarms (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,          -- night_flow, zone_loss, outage, offline, stuck, reverse_flow, spike, continuous_flow
    target_type TEXT NOT NULL,          -- zone, point, device, channel
    target_id   TEXT NOT NULL,
    target_name TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL,          -- info, warning, critical
    status      TEXT NOT NULL,          -- raised, acknowledged, cleared
    since_ms    BIGINT NOT NULL,        -- when the condition began
    raised_ms   BIGINT NOT NULL,
    seen_ms     BIGINT NOT NULL,        -- last confirmed by a detector
    acked_ms    BIGINT,
    acked_by    TEXT NOT NULL DEFAULT '',
    cleared_ms  BIGINT,
    cleared_by  TEXT NOT NULL DEFAULT '', -- an official's id, or "detector"
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX metering_alarms_open ON metering_alarms (tenant_id, kind, target_id) WHERE status <> 'cleared';
CREATE INDEX metering_alarms_tenant ON metering_alarms (tenant_id, status, raised_ms);

-- +goose Down
DROP TABLE metering_alarms;
