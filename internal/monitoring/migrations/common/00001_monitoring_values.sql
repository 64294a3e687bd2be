-- +goose Up
-- Indicator values and targets of a municipality per reporting period
-- (2025, 2025-Q2, 2025-03). The registry of indicators is data shipped
-- with muni (data/indicators.csv); a row names its indicator by code.
CREATE TABLE monitoring_values (
    tenant_id  TEXT NOT NULL,
    code       TEXT NOT NULL,
    kind       TEXT NOT NULL,             -- actual or target
    period     TEXT NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    source     TEXT NOT NULL,             -- manual, imported or computed
    note       TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, code, kind, period)
);
-- The region view reads one indicator of one period across municipalities.
CREATE INDEX monitoring_values_code ON monitoring_values (code, kind, period);

-- +goose Down
DROP TABLE monitoring_values;
