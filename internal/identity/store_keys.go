package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/db"
)

const keyColumns = `id, prefix, secret_hash, name, role, scope_id, scope_path, tenant_id, created_by, created_ms, last_used_ms, revoked_ms`

func scanKey(s scanner) (APIKey, error) {
	var k APIKey
	var created int64
	var used, revoked sql.NullInt64
	err := s.Scan(&k.ID, &k.Prefix, &k.hash, &k.Name, &k.Role, &k.ScopeID, &k.scopePath, &k.TenantID, &k.CreatedBy,
		&created, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return k, ErrNotFound
	}
	k.Created = db.Time(created)
	k.LastUsed = db.TimePtr(used)
	k.Revoked = db.TimePtr(revoked)
	return k, err
}

func (s *store) insertKey(ctx context.Context, k APIKey) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO api_keys (id, prefix, secret_hash, name, role, scope_id, scope_path,
		tenant_id, created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		k.ID, k.Prefix, k.hash, k.Name, k.Role, k.ScopeID, k.scopePath, k.TenantID, k.CreatedBy, db.Millis(k.Created))
	return err
}

func (s *store) keyByPrefix(ctx context.Context, prefix string) (APIKey, error) {
	return scanKey(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE prefix = $1`, prefix))
}

func (s *store) key(ctx context.Context, id string) (APIKey, error) {
	return scanKey(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id))
}

// keys lists keys scoped under scopes, or (with scopes nil) created by creator.
func (s *store) keys(ctx context.Context, scopes []string, creator string) ([]APIKey, error) {
	var a args
	cond := scopeCond(&a, "scope_path", scopes)
	if scopes == nil {
		cond = "created_by = " + a.add(creator)
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE `+cond+` ORDER BY created_ms DESC, id DESC`, a...)
	if err != nil {
		return nil, fmt.Errorf("identity: keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *store) revokeKey(ctx context.Context, id string, now int64) error {
	return s.exec(ctx, `UPDATE api_keys SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL`, id, now)
}

// touchKey records use at most once a minute, so that busy machines do
// not turn every read into a write.
func (s *store) touchKey(ctx context.Context, id string, now int64) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE api_keys SET last_used_ms = $2
		WHERE id = $1 AND (last_used_ms IS NULL OR last_used_ms < $3)`, id, now, now-60_000)
	return err
}
