-- +goose Up
ALTER TABLE territory_departments ADD COLUMN description_en TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE territory_departments DROP COLUMN description_en;
