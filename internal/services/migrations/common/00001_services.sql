-- +goose Up
-- The catalogue of municipal services (реестр муниципальных услуг), one
-- row per service of a municipality. Lists (documents, refusal reasons)
-- and the application form are JSON: forms are data, edited by officials.
CREATE TABLE services_catalog (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    code             TEXT NOT NULL,
    name_ru          TEXT NOT NULL,
    name_en          TEXT NOT NULL DEFAULT '',
    description_ru   TEXT NOT NULL DEFAULT '',
    description_en   TEXT NOT NULL DEFAULT '',
    department_id    TEXT NOT NULL DEFAULT '',
    legal_basis      TEXT NOT NULL,
    term_days        INTEGER NOT NULL,
    term_working     INTEGER NOT NULL DEFAULT 1,
    fee_kopecks      BIGINT NOT NULL DEFAULT 0,
    documents_ru     TEXT NOT NULL DEFAULT '[]',
    documents_en     TEXT NOT NULL DEFAULT '[]',
    result_ru        TEXT NOT NULL DEFAULT '',
    result_en        TEXT NOT NULL DEFAULT '',
    extraterritorial INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1,
    form             TEXT NOT NULL DEFAULT '[]',
    reasons          TEXT NOT NULL DEFAULT '[]',
    updated_ms       BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

-- Applications. number is given at submission (empty for a draft); vals
-- holds the form's values as JSON; due_ms is the regulated deadline and
-- calendar the production calendar it was counted with.
CREATE TABLE services_applications (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    tenant_path    TEXT NOT NULL,
    service_id     TEXT NOT NULL REFERENCES services_catalog (id),
    applicant_id   TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    number         TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    vals           TEXT NOT NULL DEFAULT '{}',
    created_ms     BIGINT NOT NULL,
    updated_ms     BIGINT NOT NULL,
    submitted_ms   BIGINT,
    due_ms         BIGINT,
    calendar       TEXT NOT NULL DEFAULT '',
    decided_ms     BIGINT,
    refusal_code   TEXT NOT NULL DEFAULT '',
    request        TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX services_applications_applicant ON services_applications (applicant_id, updated_ms);
CREATE INDEX services_applications_tenant ON services_applications (tenant_id, state);
CREATE INDEX services_applications_path ON services_applications (tenant_path, state);
CREATE INDEX services_applications_service ON services_applications (service_id, state);

-- Every step of an application, in order.
CREATE TABLE services_history (
    application_id TEXT NOT NULL REFERENCES services_applications (id),
    seq            INTEGER NOT NULL,
    at_ms          BIGINT NOT NULL,
    actor_id       TEXT NOT NULL,
    action         TEXT NOT NULL,
    state          TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, seq)
);

-- Per municipality and year, the last application number given.
CREATE TABLE services_counters (
    tenant_id TEXT NOT NULL,
    year      INTEGER NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- +goose Down
DROP TABLE services_counters;
DROP TABLE services_history;
DROP TABLE services_applications;
DROP TABLE services_catalog;
