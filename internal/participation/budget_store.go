package participation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/muni-platform/muni/internal/platform/db"
)

const budgetColumns = `id, process_id, tenant_id, district_id, district_path, title, limit_kop, kind,
	min_projects, max_projects, min_spend_pct, demo, created_ms`

func scanBudget(s scanner) (Budget, error) {
	var b Budget
	var demo int
	var created int64
	err := s.Scan(&b.ID, &b.ProcessID, &b.TenantID, &b.DistrictID, &b.DistrictPath, &b.Title, &b.Limit, &b.Rules.Kind,
		&b.Rules.MinProjects, &b.Rules.MaxProjects, &b.Rules.MinSpendPercent, &demo, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	b.Demo, b.CreatedAt = demo == 1, db.Time(created)
	return b, err
}

// createBudget writes a budget and its empty ballot log.
func (s *store) createBudget(ctx context.Context, b Budget) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_budgets (`+budgetColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		b.ID, b.ProcessID, b.TenantID, b.DistrictID, b.DistrictPath, b.Title, b.Limit, string(b.Rules.Kind),
		b.Rules.MinProjects, b.Rules.MaxProjects, b.Rules.MinSpendPercent, b2i(b.Demo), db.Millis(b.CreatedAt)); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO participation_ballot_logs
		(budget_id, size, frontier, root, key_id, signature) VALUES ($1, 0, '', $2, '', '')`, b.ID, hexHash(EmptyRoot))
	return err
}

func (s *store) createProject(ctx context.Context, p BudgetProject) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_budget_projects
		(id, budget_id, title, description, cost_kop, position) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.BudgetID, p.Title, p.Description, p.Cost, p.Position)
	return err
}

// budget reads a budget and its projects, by position.
func (s *store) budget(ctx context.Context, id string) (Budget, error) {
	b, err := scanBudget(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+budgetColumns+` FROM participation_budgets WHERE id = $1`, id))
	if err != nil {
		return b, err
	}
	b.Projects, err = s.projects(ctx, id)
	return b, err
}

func (s *store) budgets(ctx context.Context, processID string) ([]Budget, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+budgetColumns+` FROM participation_budgets
		WHERE process_id = $1 ORDER BY created_ms, id`, processID)
	if err != nil {
		return nil, err
	}
	var out []Budget
	for rows.Next() {
		b, err := scanBudget(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Projects, err = s.projects(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *store) projects(ctx context.Context, budgetID string) ([]BudgetProject, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id, title, description, cost_kop, position
		FROM participation_budget_projects WHERE budget_id = $1 ORDER BY position`, budgetID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BudgetProject
	for rows.Next() {
		p := BudgetProject{BudgetID: budgetID}
		if err := rows.Scan(&p.ID, &p.Title, &p.Description, &p.Cost, &p.Position); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// recentBudgets lists the newest budgets of all municipalities, without
// their projects.
func (s *store) recentBudgets(ctx context.Context, limit int) ([]Budget, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+budgetColumns+` FROM participation_budgets
		ORDER BY created_ms DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Budget
	for rows.Next() {
		b, err := scanBudget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
