-- +goose Up
CREATE TABLE appeals_categories (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    code            TEXT NOT NULL,
    regime          TEXT NOT NULL,
    name_ru         TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    sla_amount      INTEGER NOT NULL DEFAULT 0,
    sla_unit        TEXT NOT NULL DEFAULT '',
    sla_working     INTEGER NOT NULL DEFAULT 0,
    allow_anonymous INTEGER NOT NULL DEFAULT 0,
    department_id   TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    created_ms      BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE appeals (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    tenant_path   TEXT NOT NULL,
    regime        TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT '',
    collective    INTEGER NOT NULL DEFAULT 0,
    category_id   TEXT NOT NULL DEFAULT '',
    author_id     TEXT NOT NULL DEFAULT '',
    author_name   TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    department_id TEXT NOT NULL DEFAULT '',
    assignee_id   TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL,
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    address       TEXT NOT NULL DEFAULT '',
    extended      INTEGER NOT NULL DEFAULT 0,
    answer        TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    redirect_to   TEXT NOT NULL DEFAULT '',
    demo          INTEGER NOT NULL DEFAULT 0,
    received_ms   BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);
CREATE INDEX appeals_tenant_state ON appeals (tenant_id, state);
CREATE INDEX appeals_author ON appeals (author_id, received_ms);

-- One row per workflow step; never updated or deleted.
CREATE TABLE appeals_history (
    appeal_id  TEXT NOT NULL REFERENCES appeals (id),
    seq        INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    at_ms      BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, seq)
);

-- Each deadline with the rule, legal basis and calendar it was computed by.
CREATE TABLE appeals_deadlines (
    appeal_id TEXT NOT NULL REFERENCES appeals (id),
    clock     TEXT NOT NULL,
    rule      TEXT NOT NULL,
    basis     TEXT NOT NULL,
    calendar  TEXT NOT NULL,
    from_ms   BIGINT NOT NULL,
    due_ms    BIGINT NOT NULL,
    closed_ms BIGINT,
    PRIMARY KEY (appeal_id, clock, from_ms)
);
CREATE INDEX appeals_deadlines_open ON appeals_deadlines (due_ms) WHERE closed_ms IS NULL;

-- +goose Down
DROP TABLE appeals_deadlines;
DROP TABLE appeals_history;
DROP TABLE appeals;
DROP TABLE appeals_categories;
