package territory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/db"
)

const deptColumns = `id, muni_id, code, name_ru, name_en, email, phone, description, description_en, created_ms, updated_ms`

func scanDept(s scanner) (Department, error) {
	var d Department
	var created, updated int64
	err := s.Scan(&d.ID, &d.MuniID, &d.Code, &d.NameRU, &d.NameEN, &d.Email, &d.Phone, &d.Description, &d.DescriptionEN, &created, &updated)
	d.CreatedAt, d.UpdatedAt = db.Time(created), db.Time(updated)
	return d, err
}

func (s *store) createDept(ctx context.Context, d Department) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO territory_departments (`+deptColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		d.ID, d.MuniID, d.Code, d.NameRU, d.NameEN, d.Email, d.Phone, d.Description, d.DescriptionEN,
		db.Millis(d.CreatedAt), db.Millis(d.UpdatedAt))
	return err
}

func (s *store) updateDept(ctx context.Context, d Department) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE territory_departments SET code = $2, name_ru = $3, name_en = $4,
		email = $5, phone = $6, description = $7, description_en = $8, updated_ms = $9 WHERE id = $1`,
		d.ID, d.Code, d.NameRU, d.NameEN, d.Email, d.Phone, d.Description, d.DescriptionEN, db.Millis(d.UpdatedAt))
	return err
}

func (s *store) deleteDept(ctx context.Context, id string) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM territory_departments WHERE id = $1`, id)
	return err
}

func (s *store) dept(ctx context.Context, id string) (Department, error) {
	d, err := scanDept(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+deptColumns+` FROM territory_departments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("territory: department: %w", err)
	}
	return d, nil
}

// deptsOf lists a municipality's departments by code, after a cursor.
func (s *store) deptsOf(ctx context.Context, muniID, afterCode string, limit int) ([]Department, error) {
	q := `SELECT ` + deptColumns + ` FROM territory_departments WHERE muni_id = $1 AND code > $2 ORDER BY code`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, q, muniID, afterCode)
	if err != nil {
		return nil, fmt.Errorf("territory: departments: %w", err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		d, err := scanDept(rows)
		if err != nil {
			return nil, fmt.Errorf("territory: scan department: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
