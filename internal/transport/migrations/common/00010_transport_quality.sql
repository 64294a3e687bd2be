-- +goose Up
-- Service quality: what realtime data says actually happened. One row
-- per (service date, trip, stop sequence) a vehicle was seen at: from a
-- trip update's stop time event already in the past when the message was
-- made, or a vehicle position STOPPED_AT the stop. scheduled_ms is the
-- timetable's time for it in the feed version active when it was seen.
CREATE TABLE transport_observations (
    tenant_id    TEXT NOT NULL,
    service_date TEXT NOT NULL,   -- YYYYMMDD
    trip_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    stop_id      TEXT NOT NULL,
    route_id     TEXT NOT NULL,
    scheduled_ms BIGINT NOT NULL,
    observed_ms  BIGINT NOT NULL,
    source       TEXT NOT NULL,   -- trip_update | vehicle
    PRIMARY KEY (tenant_id, service_date, trip_id, seq)
);

-- Trips an operator reported CANCELED for a service date.
CREATE TABLE transport_cancellations (
    tenant_id    TEXT NOT NULL,
    service_date TEXT NOT NULL,
    trip_id      TEXT NOT NULL,
    route_id     TEXT NOT NULL,
    reported_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, service_date, trip_id)
);

-- +goose Down
DROP TABLE transport_cancellations;
DROP TABLE transport_observations;
