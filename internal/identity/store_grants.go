package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

const grantColumns = `id, user_id, role, scope_id, scope_path, tenant_id, department_id, granted_by, created_ms`

func scanGrant(s scanner) (GrantRecord, error) {
	var g GrantRecord
	var created int64
	err := s.Scan(&g.ID, &g.UserID, &g.Role, &g.ScopeID, &g.ScopePath, &g.TenantID, &g.DepartmentID, &g.GrantedBy, &created)
	g.Created = db.Time(created)
	return g, err
}

func (s *store) insertGrant(ctx context.Context, g GrantRecord) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO grants (`+grantColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		g.ID, g.UserID, g.Role, g.ScopeID, g.ScopePath, g.TenantID, g.DepartmentID, g.GrantedBy, db.Millis(g.Created))
	if db.IsUnique(err) {
		return ErrGrantExists
	}
	return err
}

func (s *store) grants(ctx context.Context, userID string) ([]GrantRecord, error) {
	return s.queryGrants(ctx, `SELECT `+grantColumns+` FROM grants WHERE user_id = $1 ORDER BY created_ms, id`, userID)
}

func (s *store) grant(ctx context.Context, id string) (GrantRecord, error) {
	gs, err := s.queryGrants(ctx, `SELECT `+grantColumns+` FROM grants WHERE id = $1`, id)
	if err != nil {
		return GrantRecord{}, err
	}
	if len(gs) == 0 {
		return GrantRecord{}, ErrNotFound
	}
	return gs[0], nil
}

func (s *store) queryGrants(ctx context.Context, q string, a ...any) ([]GrantRecord, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("identity: grants: %w", err)
	}
	defer rows.Close()
	var out []GrantRecord
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *store) deleteGrant(ctx context.Context, id string) error {
	return s.exec(ctx, `DELETE FROM grants WHERE id = $1`, id)
}

// UserQuery narrows the admin's list of accounts.
type UserQuery struct {
	Search string // part of a name or e-mail
	After  string // cursor: the last id of the previous page
	Limit  int
}

// users lists accounts visible under scopes: living there, or holding a
// grant there.
func (s *store) users(ctx context.Context, scopes []string, q UserQuery) ([]User, error) {
	var a args
	home := scopeCond(&a, "u.home_path", scopes)
	granted := scopeCond(&a, "g.scope_path", scopes)
	where := []string{"(" + home + " OR EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND " + granted + "))"}
	if q.Search != "" {
		where = append(where, `u.search LIKE `+a.add("%"+escapeLike(strings.ToLower(q.Search))+"%")+` ESCAPE '\'`)
	}
	if q.After != "" {
		where = append(where, "u.id > "+a.add(q.After))
	}
	query := `SELECT ` + strings.ReplaceAll(userColumns, "\n\t", " ") + ` FROM users u WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY u.id LIMIT %d`, q.Limit)
	rows, err := s.db.R(ctx).QueryContext(ctx, query, a...)
	if err != nil {
		return nil, fmt.Errorf("identity: users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
