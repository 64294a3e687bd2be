package participation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store holds the participation SQL, one method per query.
type store struct{ db *db.DB }

type scanner interface{ Scan(dest ...any) error }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const processColumns = `id, tenant_id, tenant_path, slug, title, description, threshold_bp, flag_limit, demo, created_ms`

func scanProcess(s scanner) (Process, error) {
	var p Process
	var demo int
	var created int64
	err := s.Scan(&p.ID, &p.TenantID, &p.TenantPath, &p.Slug, &p.Title, &p.Description, &p.ThresholdBP, &p.FlagLimit, &demo, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.Demo, p.CreatedAt = demo == 1, db.Time(created)
	return p, err
}

func (s *store) createProcess(ctx context.Context, p Process) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_processes (`+processColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.TenantID, p.TenantPath, p.Slug, p.Title, p.Description, p.ThresholdBP, p.FlagLimit, b2i(p.Demo), db.Millis(p.CreatedAt))
	return err
}

func (s *store) createPhase(ctx context.Context, ph Phase) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_phases (id, process_id, kind, position, starts_ms, ends_ms)
		VALUES ($1, $2, $3, $4, $5, $6)`, ph.ID, ph.ProcessID, ph.Kind, ph.Position, db.Millis(ph.StartsAt), db.Millis(ph.EndsAt)); err != nil {
		return err
	}
	for _, x := range ph.Permissions {
		if _, err := q.ExecContext(ctx, `INSERT INTO participation_permissions (phase_id, action, level, territory_node_id,
			territory_path, min_age) VALUES ($1, $2, $3, $4, $5, $6)`,
			ph.ID, x.Action, x.Level, x.TerritoryNodeID, x.TerritoryPath, x.MinAge); err != nil {
			return err
		}
	}
	return nil
}

// process reads a process with its phases (by position) and their
// permissions.
func (s *store) process(ctx context.Context, id string) (Process, error) {
	p, err := scanProcess(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+processColumns+` FROM participation_processes WHERE id = $1`, id))
	if err != nil {
		return p, err
	}
	p.Phases, err = s.phases(ctx, id)
	return p, err
}

func (s *store) processBySlug(ctx context.Context, tenantID, slug string) (Process, error) {
	p, err := scanProcess(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+processColumns+`
		FROM participation_processes WHERE tenant_id = $1 AND slug = $2`, tenantID, slug))
	if err != nil {
		return p, err
	}
	p.Phases, err = s.phases(ctx, p.ID)
	return p, err
}

// processes lists a municipality's processes, newest first, with phases.
func (s *store) processes(ctx context.Context, tenantID string) ([]Process, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+processColumns+` FROM participation_processes
		WHERE tenant_id = $1 ORDER BY created_ms DESC, id DESC`, tenantID)
	if err != nil {
		return nil, err
	}
	var out []Process
	for rows.Next() {
		p, err := scanProcess(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Phases, err = s.phases(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *store) phases(ctx context.Context, processID string) ([]Phase, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT ph.id, ph.kind, ph.position, ph.starts_ms, ph.ends_ms,
		COALESCE(pm.action, ''), COALESCE(pm.level, ''), COALESCE(pm.territory_node_id, ''), COALESCE(pm.territory_path, ''),
		COALESCE(pm.min_age, 0)
		FROM participation_phases ph LEFT JOIN participation_permissions pm ON pm.phase_id = ph.id
		WHERE ph.process_id = $1 ORDER BY ph.position, pm.action`, processID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Phase
	for rows.Next() {
		var ph Phase
		var starts, ends int64
		var x Permission
		if err := rows.Scan(&ph.ID, &ph.Kind, &ph.Position, &starts, &ends, &x.Action, &x.Level, &x.TerritoryNodeID,
			&x.TerritoryPath, &x.MinAge); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != ph.ID {
			ph.ProcessID, ph.StartsAt, ph.EndsAt = processID, db.Time(starts), db.Time(ends)
			out = append(out, ph)
		}
		if x.Action != "" {
			last := &out[len(out)-1]
			last.Permissions = append(last.Permissions, x)
		}
	}
	return out, rows.Err()
}
