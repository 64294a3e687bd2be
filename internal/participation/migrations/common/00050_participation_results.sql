-- +goose Up
-- Accountability: what became of a winning budget project or an accepted
-- proposal — its status, progress, money spent against its budget, dated
-- milestones and photos. Public; officials edit, every change audited.
CREATE TABLE participation_results (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    process_id   TEXT NOT NULL REFERENCES participation_processes (id),
    budget_id    TEXT NOT NULL DEFAULT '',
    project_id   TEXT NOT NULL DEFAULT '',
    proposal_id  TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    status       TEXT NOT NULL,
    progress     INTEGER NOT NULL,
    budget_kop   BIGINT NOT NULL,
    spent_kop    BIGINT NOT NULL,
    demo         INTEGER NOT NULL DEFAULT 0,
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL
);
CREATE INDEX participation_results_tenant ON participation_results (tenant_id, status, updated_ms);
CREATE INDEX participation_results_process ON participation_results (process_id);
-- One result per winning project and per accepted proposal.
CREATE UNIQUE INDEX participation_results_project ON participation_results (project_id) WHERE project_id <> '';
CREATE UNIQUE INDEX participation_results_proposal ON participation_results (proposal_id) WHERE proposal_id <> '';

CREATE TABLE participation_result_milestones (
    id         TEXT PRIMARY KEY,
    result_id  TEXT NOT NULL REFERENCES participation_results (id),
    title      TEXT NOT NULL,
    due        TEXT NOT NULL, -- YYYY-MM-DD
    done       INTEGER NOT NULL DEFAULT 0,
    done_ms    BIGINT,
    position   INTEGER NOT NULL,
    UNIQUE (result_id, position)
);

-- +goose Down
DROP TABLE participation_result_milestones;
DROP TABLE participation_results;
