-- +goose Up
-- GTFS static feeds, one numbered version per import, per municipality
-- (tenant_id). status: active (the one residents see, at most one per
-- municipality), inactive (kept), rejected (had ERROR notices; only this
-- row and its notices are kept).
CREATE TABLE transport_feeds (
    id             TEXT PRIMARY KEY,
    no             BIGINT NOT NULL UNIQUE,        -- the short key the feed's rows carry
    tenant_id      TEXT NOT NULL,
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL,
    source_name    TEXT NOT NULL DEFAULT '',
    timezone       TEXT NOT NULL DEFAULT '',
    publisher_name TEXT NOT NULL DEFAULT '',
    publisher_url  TEXT NOT NULL DEFAULT '',
    feed_lang      TEXT NOT NULL DEFAULT '',
    default_lang   TEXT NOT NULL DEFAULT '',
    start_date     TEXT NOT NULL DEFAULT '',
    end_date       TEXT NOT NULL DEFAULT '',
    feed_version   TEXT NOT NULL DEFAULT '',
    contact_email  TEXT NOT NULL DEFAULT '',
    contact_url    TEXT NOT NULL DEFAULT '',
    has_feed_info  INTEGER NOT NULL DEFAULT 0,
    counts         TEXT NOT NULL DEFAULT '{}',  -- JSON: rows per file
    created_ms     BIGINT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, version)
);
CREATE UNIQUE INDEX transport_feeds_active ON transport_feeds (tenant_id) WHERE status = 'active';

-- The report: one row per notice code with its total and a few samples.
CREATE TABLE transport_notices (
    feed_id  TEXT NOT NULL REFERENCES transport_feeds (id) ON DELETE CASCADE,
    code     TEXT NOT NULL,
    severity TEXT NOT NULL,
    total    INTEGER NOT NULL,
    samples  TEXT NOT NULL,                      -- JSON array
    PRIMARY KEY (feed_id, code)
);

CREATE TABLE transport_agencies (
    feed_id   BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    agency_id TEXT NOT NULL,
    name      TEXT NOT NULL,
    url       TEXT NOT NULL,
    timezone  TEXT NOT NULL,
    lang      TEXT NOT NULL DEFAULT '',
    phone     TEXT NOT NULL DEFAULT '',
    fare_url  TEXT NOT NULL DEFAULT '',
    email     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (feed_id, agency_id)
);

CREATE TABLE transport_stops (
    feed_id        BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    stop_id        TEXT NOT NULL,
    code           TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    lat            DOUBLE PRECISION,
    lon            DOUBLE PRECISION,
    zone_id        TEXT NOT NULL DEFAULT '',
    url            TEXT NOT NULL DEFAULT '',
    location_type  INTEGER NOT NULL DEFAULT 0,
    parent_station TEXT NOT NULL DEFAULT '',
    timezone       TEXT NOT NULL DEFAULT '',
    wheelchair     INTEGER NOT NULL DEFAULT 0,
    level_id       TEXT NOT NULL DEFAULT '',
    platform_code  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (feed_id, stop_id)
);

CREATE TABLE transport_routes (
    feed_id    BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    route_id   TEXT NOT NULL,
    agency_id  TEXT NOT NULL DEFAULT '',
    short_name TEXT NOT NULL DEFAULT '',
    long_name  TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    route_type INTEGER NOT NULL,
    url        TEXT NOT NULL DEFAULT '',
    color      TEXT NOT NULL DEFAULT '',
    text_color TEXT NOT NULL DEFAULT '',
    sort_order INTEGER,
    PRIMARY KEY (feed_id, route_id)
);

CREATE TABLE transport_calendar (
    feed_id    BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    service_id TEXT NOT NULL,
    days       INTEGER NOT NULL,  -- bit 0 Monday … bit 6 Sunday
    start_date TEXT NOT NULL,     -- YYYYMMDD
    end_date   TEXT NOT NULL,
    PRIMARY KEY (feed_id, service_id)
);

CREATE TABLE transport_calendar_dates (
    feed_id        BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    service_id     TEXT NOT NULL,
    date           TEXT NOT NULL,
    exception_type INTEGER NOT NULL, -- 1 added, 2 removed
    PRIMARY KEY (feed_id, service_id, date)
);

CREATE TABLE transport_shapes (
    feed_id  BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    shape_id TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    lat      DOUBLE PRECISION NOT NULL,
    lon      DOUBLE PRECISION NOT NULL,
    dist     DOUBLE PRECISION,
    PRIMARY KEY (feed_id, shape_id, seq)
);

CREATE TABLE transport_trips (
    feed_id      BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    trip_id      TEXT NOT NULL,
    route_id     TEXT NOT NULL,
    service_id   TEXT NOT NULL,
    headsign     TEXT NOT NULL DEFAULT '',
    short_name   TEXT NOT NULL DEFAULT '',
    direction_id INTEGER,
    block_id     TEXT NOT NULL DEFAULT '',
    shape_id     TEXT NOT NULL DEFAULT '',
    wheelchair   INTEGER NOT NULL DEFAULT 0,
    bikes        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feed_id, trip_id)
);
CREATE INDEX transport_trips_route ON transport_trips (feed_id, route_id);

-- Times are seconds after the service day's noon minus 12 h, so past
-- 24:00 stays past 86400; NULL where the feed leaves them to be
-- interpolated.
CREATE TABLE transport_stop_times (
    feed_id    BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    trip_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    stop_id    TEXT NOT NULL,
    arrival    INTEGER,
    departure  INTEGER,
    headsign   TEXT NOT NULL DEFAULT '',
    pickup     INTEGER NOT NULL DEFAULT 0,
    drop_off   INTEGER NOT NULL DEFAULT 0,
    dist       DOUBLE PRECISION,
    timepoint  INTEGER,
    PRIMARY KEY (feed_id, trip_id, seq)
);
-- Next departures: a stop's times in order, one index range per query.
CREATE INDEX transport_stop_times_stop ON transport_stop_times (feed_id, stop_id, departure);

CREATE TABLE transport_frequencies (
    feed_id     BIGINT NOT NULL REFERENCES transport_feeds (no) ON DELETE CASCADE,
    trip_id     TEXT NOT NULL,
    start_time  INTEGER NOT NULL,
    end_time    INTEGER NOT NULL,
    headway     INTEGER NOT NULL,
    exact_times INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feed_id, trip_id, start_time)
);

-- +goose Down
DROP TABLE transport_frequencies;
DROP TABLE transport_stop_times;
DROP TABLE transport_trips;
DROP TABLE transport_shapes;
DROP TABLE transport_calendar_dates;
DROP TABLE transport_calendar;
DROP TABLE transport_routes;
DROP TABLE transport_stops;
DROP TABLE transport_agencies;
DROP TABLE transport_notices;
DROP TABLE transport_feeds;
