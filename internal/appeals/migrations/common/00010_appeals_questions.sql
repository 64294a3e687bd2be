-- +goose Up
-- A category's extra questions, asked in order on the submission form and
-- listed as Open311 attributes of its service definition.
CREATE TABLE appeals_questions (
    id          TEXT PRIMARY KEY,
    category_id TEXT NOT NULL REFERENCES appeals_categories (id),
    tenant_id   TEXT NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    label_ru    TEXT NOT NULL,
    label_en    TEXT NOT NULL DEFAULT '',
    hint_ru     TEXT NOT NULL DEFAULT '',
    hint_en     TEXT NOT NULL DEFAULT '',
    required    INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL,
    options     TEXT NOT NULL DEFAULT '[]', -- JSON [{"key","ru","en"}] of a list question
    created_ms  BIGINT NOT NULL,
    UNIQUE (category_id, code)
);

-- What the author answered, one row per question answered; a list of
-- several choices is stored as a JSON array of option keys.
CREATE TABLE appeals_answers (
    appeal_id   TEXT NOT NULL REFERENCES appeals (id),
    question_id TEXT NOT NULL,
    code        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (appeal_id, code)
);

-- +goose Down
DROP TABLE appeals_answers;
DROP TABLE appeals_questions;
