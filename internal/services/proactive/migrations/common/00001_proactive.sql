-- +goose Up
-- Kinds of life events, as data; effect is one of the fixed register
-- operations (see event.go).
CREATE TABLE proactive_event_types (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    effect  TEXT NOT NULL
);

INSERT INTO proactive_event_types (code, name, name_en, effect) VALUES
    ('child_born', 'Рождение ребёнка', 'A child born', 'add_child'),
    ('age_reached', 'Достижение возраста', 'An age reached', 'none'),
    ('moved_in', 'Переезд (регистрация по месту жительства)', 'Moving in', 'set_address'),
    ('building_commissioned', 'Ввод объекта в эксплуатацию', 'A building commissioned', 'set_attrs'),
    ('disability_established', 'Установление инвалидности', 'Disability established', 'set_disability'),
    ('pension_age', 'Достижение пенсионного возраста', 'Pension age reached', 'none'),
    ('large_family', 'Присвоение статуса многодетной семьи', 'Large family status', 'set_attrs'),
    ('land_acquired', 'Приобретение земельного участка', 'A land plot acquired', 'set_attrs'),
    ('kindergarten_enrolled', 'Зачисление ребёнка в детский сад', 'A child enrolled in a kindergarten', 'set_child_attrs'),
    ('business_registered', 'Регистрация индивидуального предпринимателя', 'Registered as a sole entrepreneur', 'set_attrs');

-- The register for proactive processing: one row per resident (by SNILS)
-- of a municipality. attrs and children are JSON.
CREATE TABLE proactive_residents (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    snils      TEXT NOT NULL,
    email      TEXT NOT NULL DEFAULT '',
    user_id    TEXT NOT NULL DEFAULT '',
    full_name  TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL DEFAULT '',
    sex        TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    disability TEXT NOT NULL DEFAULT '',
    attrs      TEXT NOT NULL DEFAULT '{}',
    children   TEXT NOT NULL DEFAULT '[]',
    updated_ms BIGINT NOT NULL,
    UNIQUE (tenant_id, snils)
);
CREATE INDEX proactive_residents_user ON proactive_residents (user_id);
CREATE INDEX proactive_residents_email ON proactive_residents (email);

-- Life events received, by the source's id: the same id twice is one event.
CREATE TABLE proactive_events (
    tenant_id   TEXT NOT NULL,
    external_id TEXT NOT NULL,
    id          TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL REFERENCES proactive_event_types (code),
    resident_id TEXT NOT NULL REFERENCES proactive_residents (id),
    occurred_on TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    source      TEXT NOT NULL,
    offers      INTEGER NOT NULL DEFAULT 0,
    received_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, external_id)
);
CREATE INDEX proactive_events_recent ON proactive_events (tenant_id, received_ms);

-- Rules as data; cond and prefill are JSON.
CREATE TABLE proactive_rules (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    event_type    TEXT NOT NULL DEFAULT '',
    per_child     INTEGER NOT NULL DEFAULT 0,
    cond          TEXT NOT NULL DEFAULT '',
    service_code  TEXT NOT NULL,
    prefill       TEXT NOT NULL DEFAULT '{}',
    lifetime_days INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    updated_ms    BIGINT NOT NULL,
    UNIQUE (tenant_id, code)
);

-- Offers: at most one per rule, resident and subject (the resident
-- itself, one child, or one event's subject), whatever became of it.
CREATE TABLE proactive_offers (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    rule_id        TEXT NOT NULL REFERENCES proactive_rules (id),
    resident_id    TEXT NOT NULL REFERENCES proactive_residents (id),
    user_id        TEXT NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    subject_label  TEXT NOT NULL DEFAULT '',
    service_code   TEXT NOT NULL,
    title          TEXT NOT NULL,
    title_en       TEXT NOT NULL DEFAULT '',
    vals           TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL,
    created_ms     BIGINT NOT NULL,
    expires_ms     BIGINT NOT NULL,
    decided_ms     BIGINT,
    application_id TEXT NOT NULL DEFAULT '',
    UNIQUE (rule_id, resident_id, subject)
);
CREATE INDEX proactive_offers_user ON proactive_offers (user_id, status);
CREATE INDEX proactive_offers_open ON proactive_offers (status, expires_ms);
CREATE INDEX proactive_offers_tenant ON proactive_offers (tenant_id, status);

-- Consent to proactive processing (152-FZ): separate, versioned,
-- withdrawable; a withdrawn consent keeps its row as the record.
CREATE TABLE proactive_consents (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    lang         TEXT NOT NULL,
    text_hash    TEXT NOT NULL,
    given_ms     BIGINT NOT NULL,
    withdrawn_ms BIGINT
);
CREATE INDEX proactive_consents_user ON proactive_consents (user_id, withdrawn_ms);

-- +goose Down
DROP TABLE proactive_consents;
DROP TABLE proactive_offers;
DROP TABLE proactive_rules;
DROP TABLE proactive_events;
DROP TABLE proactive_residents;
DROP TABLE proactive_event_types;
