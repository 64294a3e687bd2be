-- +goose Up
-- The language a person reads muni in: e-mail notifications are written
-- in it. Empty means the site's first language.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN lang;
