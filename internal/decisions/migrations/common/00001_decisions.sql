-- +goose Up
-- Decision cases: a question, and in model (JSON, see decisions.Model)
-- its criteria, options with scores, costs and evidence, the weights
-- (AHP judgements or direct) and the budget scenarios. The analysis is
-- recomputed from the model on every read, so it never goes stale.
CREATE TABLE decision_cases (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    title       TEXT NOT NULL,
    question    TEXT NOT NULL DEFAULT '',
    model       TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_cases_tenant ON decision_cases (tenant_id, updated_ms);

-- The decision register. A draft (published_ms = 0) is seen by officials
-- only; status is the implementation status. search holds the lowercased
-- searchable text, because SQLite's lower() knows only ASCII.
CREATE TABLE decisions (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    case_id       TEXT NOT NULL DEFAULT '',
    decided_on    TEXT NOT NULL,            -- YYYY-MM-DD
    body          TEXT NOT NULL,            -- head | council | administration
    number        TEXT NOT NULL,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    rationale     TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    links         TEXT NOT NULL DEFAULT '[]', -- JSON: evidence and proposals
    search        TEXT NOT NULL DEFAULT '',
    demo          INTEGER NOT NULL DEFAULT 0,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL,
    published_ms  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX decisions_register ON decisions (tenant_id, published_ms, decided_on);
CREATE UNIQUE INDEX decisions_number ON decisions (tenant_id, body, number);

-- Every change of a decision's implementation status, with its note.
CREATE TABLE decision_status_history (
    id           TEXT PRIMARY KEY,
    decision_id  TEXT NOT NULL REFERENCES decisions (id),
    status       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    at_ms        BIGINT NOT NULL
);
CREATE INDEX decision_status_history_decision ON decision_status_history (decision_id, at_ms);

-- Residents following the register of a municipality (decision_id = '')
-- or one decision.
CREATE TABLE decision_subscriptions (
    user_id      TEXT NOT NULL,
    tenant_id    TEXT NOT NULL,
    decision_id  TEXT NOT NULL DEFAULT '',
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (user_id, tenant_id, decision_id)
);
CREATE INDEX decision_subscriptions_target ON decision_subscriptions (tenant_id, decision_id);

-- +goose Down
DROP TABLE decision_subscriptions;
DROP TABLE decision_status_history;
DROP TABLE decisions;
DROP TABLE decision_cases;
