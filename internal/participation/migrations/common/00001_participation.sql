-- +goose Up
CREATE TABLE participation_processes (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    tenant_path  TEXT NOT NULL,
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    threshold_bp INTEGER NOT NULL,
    flag_limit   INTEGER NOT NULL,
    demo         INTEGER NOT NULL DEFAULT 0,
    created_ms   BIGINT NOT NULL,
    UNIQUE (tenant_id, slug)
);

CREATE TABLE participation_phases (
    id         TEXT PRIMARY KEY,
    process_id TEXT NOT NULL REFERENCES participation_processes (id),
    kind       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    starts_ms  BIGINT NOT NULL,
    ends_ms    BIGINT NOT NULL,
    UNIQUE (process_id, position)
);

-- One row per allowed action of a phase.
CREATE TABLE participation_permissions (
    phase_id          TEXT NOT NULL REFERENCES participation_phases (id),
    action            TEXT NOT NULL,
    level             TEXT NOT NULL,
    territory_node_id TEXT NOT NULL,
    territory_path    TEXT NOT NULL,
    min_age           INTEGER NOT NULL,
    PRIMARY KEY (phase_id, action)
);

-- +goose Down
DROP TABLE participation_permissions;
DROP TABLE participation_phases;
DROP TABLE participation_processes;
