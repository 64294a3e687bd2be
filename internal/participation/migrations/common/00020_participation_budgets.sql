-- +goose Up
-- A budget of a process: one district's money and its projects.
CREATE TABLE participation_budgets (
    id            TEXT PRIMARY KEY,
    process_id    TEXT NOT NULL REFERENCES participation_processes (id),
    tenant_id     TEXT NOT NULL,
    district_id   TEXT NOT NULL,
    district_path TEXT NOT NULL,
    title         TEXT NOT NULL,
    limit_kop     BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    min_projects  INTEGER NOT NULL,
    max_projects  INTEGER NOT NULL,
    min_spend_pct INTEGER NOT NULL,
    demo          INTEGER NOT NULL DEFAULT 0,
    created_ms    BIGINT NOT NULL
);
CREATE INDEX participation_budgets_process ON participation_budgets (process_id);

CREATE TABLE participation_budget_projects (
    id          TEXT PRIMARY KEY,
    budget_id   TEXT NOT NULL REFERENCES participation_budgets (id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    cost_kop    BIGINT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (budget_id, position)
);

-- The published, append-only log of ballots (RFC 6962 leaves). Public.
CREATE TABLE participation_ballot_leaves (
    budget_id TEXT NOT NULL,
    idx       BIGINT NOT NULL,
    leaf      TEXT NOT NULL,
    hash      TEXT NOT NULL,
    receipt   TEXT NOT NULL,
    PRIMARY KEY (budget_id, idx)
);
CREATE UNIQUE INDEX participation_ballot_leaves_receipt ON participation_ballot_leaves (receipt);

-- The log's state: its compact range and its latest signed checkpoint.
CREATE TABLE participation_ballot_logs (
    budget_id TEXT PRIMARY KEY REFERENCES participation_budgets (id),
    size      BIGINT NOT NULL,
    frontier  TEXT NOT NULL,
    root      TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- ed25519 keys that sign checkpoints (seed hex), when none is configured.
CREATE TABLE participation_signing_keys (
    id         TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    seed       TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

-- +goose Down
DROP TABLE participation_signing_keys;
DROP TABLE participation_ballot_logs;
DROP TABLE participation_ballot_leaves;
DROP TABLE participation_budget_projects;
DROP TABLE participation_budgets;
