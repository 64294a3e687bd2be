package participation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/muni-platform/muni/internal/platform/db"
)

const resultColumns = `id, tenant_id, process_id, budget_id, project_id, proposal_id, title, description, status, progress,
	budget_kop, spent_kop, demo, created_ms, updated_ms`

func scanResult(s scanner) (Result, error) {
	var r Result
	var demo int
	var created, updated int64
	err := s.Scan(&r.ID, &r.TenantID, &r.ProcessID, &r.BudgetID, &r.ProjectID, &r.ProposalID, &r.Title, &r.Description,
		&r.Status, &r.Progress, &r.Budget, &r.Spent, &demo, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	r.Demo, r.CreatedAt, r.UpdatedAt = demo == 1, db.Time(created), db.Time(updated)
	return r, err
}

func (s *store) createResult(ctx context.Context, r Result) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_results (`+resultColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		r.ID, r.TenantID, r.ProcessID, r.BudgetID, r.ProjectID, r.ProposalID, r.Title, r.Description, r.Status, r.Progress,
		r.Budget, r.Spent, b2i(r.Demo), db.Millis(r.CreatedAt), db.Millis(r.UpdatedAt))
	return err
}

func (s *store) updateResult(ctx context.Context, r Result) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE participation_results SET title = $2, description = $3, status = $4,
		progress = $5, budget_kop = $6, spent_kop = $7, updated_ms = $8 WHERE id = $1`,
		r.ID, r.Title, r.Description, r.Status, r.Progress, r.Budget, r.Spent, db.Millis(r.UpdatedAt))
	return err
}

func (s *store) touchResult(ctx context.Context, id string, at int64) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE participation_results SET updated_ms = $2 WHERE id = $1`, id, at)
	return err
}

// result reads a result with its milestones and photos (without bytes).
func (s *store) result(ctx context.Context, id string) (Result, error) {
	q := s.db.R(ctx)
	r, err := scanResult(q.QueryRowContext(ctx, `SELECT `+resultColumns+` FROM participation_results WHERE id = $1`, id))
	if err != nil {
		return r, err
	}
	r.Milestones, r.Photos = []Milestone{}, []Photo{}
	rows, err := q.QueryContext(ctx, `SELECT id, result_id, title, due, done, done_ms, position
		FROM participation_result_milestones WHERE result_id = $1 ORDER BY position`, id)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var m Milestone
		var done int
		var at sql.NullInt64
		if err := rows.Scan(&m.ID, &m.ResultID, &m.Title, &m.Due, &done, &at, &m.Position); err != nil {
			rows.Close()
			return r, err
		}
		m.Done = done == 1
		m.DoneAt = db.TimePtr(at)
		r.Milestones = append(r.Milestones, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	if rows, err = q.QueryContext(ctx, `SELECT id, result_id, content_type, width, height, caption, created_ms
		FROM participation_result_photos WHERE result_id = $1 ORDER BY created_ms, id`, id); err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var p Photo
		var at int64
		if err := rows.Scan(&p.ID, &p.ResultID, &p.ContentType, &p.Width, &p.Height, &p.Caption, &at); err != nil {
			return r, err
		}
		p.CreatedAt = db.Time(at)
		r.Photos = append(r.Photos, p)
	}
	return r, rows.Err()
}

func (s *store) results(ctx context.Context, tenantID string, f ResultFilter) ([]Result, error) {
	query, args := `SELECT `+resultColumns+` FROM participation_results WHERE tenant_id = $1`, []any{tenantID}
	if f.Status != "" {
		args = append(args, f.Status)
		query += ` AND status = $` + itoa(len(args))
	}
	if f.ProcessID != "" {
		args = append(args, f.ProcessID)
		query += ` AND process_id = $` + itoa(len(args))
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, query+` ORDER BY updated_ms DESC, id LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Result{}
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *store) resultFor(ctx context.Context, projectID, proposalID string) (Result, error) {
	if projectID == "" && proposalID == "" {
		return Result{}, ErrNotFound
	}
	col, v := "project_id", projectID
	if projectID == "" {
		col, v = "proposal_id", proposalID
	}
	return scanResult(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+resultColumns+` FROM participation_results WHERE `+col+` = $1`, v))
}

// resultsByProject maps the projects of a budget to their results' ids.
func (s *store) resultsByProject(ctx context.Context, budgetID string) (map[string]string, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT project_id, id FROM participation_results WHERE budget_id = $1`, budgetID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, id string
		if err := rows.Scan(&p, &id); err != nil {
			return nil, err
		}
		out[p] = id
	}
	return out, rows.Err()
}

func (s *store) createMilestone(ctx context.Context, m Milestone) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_result_milestones (id, result_id, title, due, done, position)
		VALUES ($1, $2, $3, $4, 0, $5)`, m.ID, m.ResultID, m.Title, m.Due, m.Position)
	return err
}

func (s *store) markMilestone(ctx context.Context, m Milestone) error {
	var at any
	if m.DoneAt != nil {
		at = db.Millis(*m.DoneAt)
	}
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE participation_result_milestones SET done = $2, done_ms = $3 WHERE id = $1`,
		m.ID, b2i(m.Done), at)
	return err
}

func (s *store) createPhoto(ctx context.Context, p Photo, data []byte) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_result_photos
		(id, result_id, content_type, width, height, caption, data, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.ID, p.ResultID, p.ContentType, p.Width, p.Height, p.Caption, data, db.Millis(p.CreatedAt))
	return err
}

func (s *store) photo(ctx context.Context, id string) (Photo, []byte, error) {
	var p Photo
	var data []byte
	var at int64
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT id, result_id, content_type, width, height, caption, data, created_ms
		FROM participation_result_photos WHERE id = $1`, id).Scan(&p.ID, &p.ResultID, &p.ContentType, &p.Width, &p.Height,
		&p.Caption, &data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil, ErrNotFound
	}
	p.CreatedAt = db.Time(at)
	return p, data, err
}
