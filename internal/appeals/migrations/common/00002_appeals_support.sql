-- +goose Up
-- "Me too": who supports a report instead of filing a duplicate.
CREATE TABLE appeals_supports (
    appeal_id  TEXT NOT NULL REFERENCES appeals (id),
    user_id    TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, user_id)
);
ALTER TABLE appeals ADD COLUMN supporters INTEGER NOT NULL DEFAULT 0;
-- The author's confirmation of a fix, with a 1–5 rating.
ALTER TABLE appeals ADD COLUMN confirmed_ms BIGINT;
ALTER TABLE appeals ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;
CREATE INDEX appeals_place ON appeals (tenant_id, category_id, lat, lon);

-- +goose Down
DROP INDEX appeals_place;
ALTER TABLE appeals DROP COLUMN rating;
ALTER TABLE appeals DROP COLUMN confirmed_ms;
ALTER TABLE appeals DROP COLUMN supporters;
DROP TABLE appeals_supports;
