-- +goose Up
-- Road segments whose congestion is computed from traffic detectors.
-- The detectors are metering points (resource traffic) named by their
-- codes in detectors, a JSON array; geometry is a GeoJSON LineString.
CREATE TABLE transport_road_segments (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    geometry      TEXT NOT NULL,
    length_m      DOUBLE PRECISION NOT NULL,
    free_flow_kmh DOUBLE PRECISION NOT NULL,
    detectors     TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

-- Road works published to residents. geometry is a GeoJSON Point,
-- LineString or Polygon; impact: lane_closed, detour, road_closed;
-- status: scheduled, suspended, completed, cancelled (whether works are
-- current or planned follows from the period).
CREATE TABLE transport_road_works (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    title      TEXT NOT NULL,
    contractor TEXT NOT NULL,
    geometry   TEXT NOT NULL,
    starts_ms  BIGINT NOT NULL,
    ends_ms    BIGINT NOT NULL,
    impact     TEXT NOT NULL,
    status     TEXT NOT NULL,
    detour     TEXT NOT NULL DEFAULT '',
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX transport_road_works_period ON transport_road_works (tenant_id, ends_ms, starts_ms);

-- +goose Down
DROP TABLE transport_road_works;
DROP TABLE transport_road_segments;
