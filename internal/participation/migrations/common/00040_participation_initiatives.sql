-- +goose Up
-- Initiative projects (art. 26.1 of 131-FZ): a group of residents proposes
-- a project, gathers support, the administration considers and scores it,
-- and residents and organisations co-finance it through a ledger.

-- The municipality's rules, kept as data: minimum group size and the
-- consideration period in days.
CREATE TABLE participation_initiative_rules (
    tenant_id          TEXT PRIMARY KEY,
    min_group          INTEGER NOT NULL,
    consideration_days INTEGER NOT NULL
);

-- The commission's scoring criteria of a municipality, with weights.
CREATE TABLE participation_initiative_criteria (
    tenant_id TEXT NOT NULL,
    code      TEXT NOT NULL,
    label     TEXT NOT NULL,
    label_en  TEXT NOT NULL,
    weight    INTEGER NOT NULL,
    max_score INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

CREATE TABLE participation_initiatives (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    node_path    TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    cost_kop     BIGINT NOT NULL,
    status       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    submitted_ms BIGINT NOT NULL DEFAULT 0,
    due_ms       BIGINT NOT NULL DEFAULT 0,
    decided_ms   BIGINT NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',
    demo         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX participation_initiatives_tenant ON participation_initiatives (tenant_id, created_ms);

-- The initiative group; a person is in a group once.
CREATE TABLE participation_initiative_members (
    initiative_id TEXT NOT NULL REFERENCES participation_initiatives (id),
    user_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    joined_ms     BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, user_id)
);

-- Online support: one per person and project, enforced here.
CREATE TABLE participation_initiative_supports (
    initiative_id TEXT NOT NULL REFERENCES participation_initiatives (id),
    user_id       TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, user_id)
);

-- Meetings of residents an official recorded.
CREATE TABLE participation_initiative_meetings (
    id            TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES participation_initiatives (id),
    held_on       TEXT NOT NULL,
    place         TEXT NOT NULL,
    attendees     INTEGER NOT NULL,
    votes_for     INTEGER NOT NULL,
    minutes       TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    created_ms    BIGINT NOT NULL
);
CREATE INDEX participation_initiative_meetings_init ON participation_initiative_meetings (initiative_id, held_on);

-- Each commission member's score of each criterion.
CREATE TABLE participation_initiative_scores (
    initiative_id TEXT NOT NULL REFERENCES participation_initiatives (id),
    member_id     TEXT NOT NULL,
    member_name   TEXT NOT NULL,
    criterion     TEXT NOT NULL,
    score         INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, member_id, criterion)
);

-- Co-financing payers: a resident or an organisation.
CREATE TABLE participation_initiative_payers (
    id            TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES participation_initiatives (id),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    created_ms    BIGINT NOT NULL
);

-- The double-entry ledger: every movement debits one account and credits
-- another by the same positive amount, numbered per initiative.
CREATE TABLE participation_initiative_entries (
    initiative_id TEXT NOT NULL REFERENCES participation_initiatives (id),
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    payer_id      TEXT NOT NULL,
    debit         TEXT NOT NULL,
    credit        TEXT NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    created_ms    BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, seq),
    CHECK (debit <> credit)
);

-- +goose Down
DROP TABLE participation_initiative_entries;
DROP TABLE participation_initiative_payers;
DROP TABLE participation_initiative_scores;
DROP TABLE participation_initiative_meetings;
DROP TABLE participation_initiative_supports;
DROP TABLE participation_initiative_members;
DROP TABLE participation_initiatives;
DROP TABLE participation_initiative_criteria;
DROP TABLE participation_initiative_rules;
