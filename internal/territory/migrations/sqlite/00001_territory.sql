-- +goose Up
CREATE TABLE territory_nodes (
    id          TEXT PRIMARY KEY,
    parent_id   TEXT REFERENCES territory_nodes (id),
    path        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    oktmo       TEXT NOT NULL UNIQUE,
    name_ru     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    slug        TEXT NOT NULL UNIQUE,
    time_zone   TEXT NOT NULL,
    population  BIGINT NOT NULL DEFAULT 0,
    center_lat  REAL,
    center_lon  REAL,
    boundary    TEXT NOT NULL DEFAULT '',
    demo        INTEGER NOT NULL DEFAULT 0,
    source      TEXT NOT NULL DEFAULT '',
    tenant_id   TEXT NOT NULL DEFAULT '',
    head        TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL
);
CREATE INDEX territory_nodes_parent ON territory_nodes (parent_id, oktmo);
CREATE INDEX territory_nodes_kind ON territory_nodes (kind, oktmo);

CREATE TABLE territory_departments (
    id          TEXT PRIMARY KEY,
    muni_id     TEXT NOT NULL REFERENCES territory_nodes (id),
    code        TEXT NOT NULL,
    name_ru     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    UNIQUE (muni_id, code),
    UNIQUE (muni_id, name_ru)
);

-- +goose Down
DROP TABLE territory_departments;
DROP TABLE territory_nodes;
