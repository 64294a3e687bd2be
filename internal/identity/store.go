package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store holds identity's SQL; one method per query.
type store struct{ db *db.DB }

const userColumns = `id, email, name, password_hash, home_id, home_path, tenant_id, status,
	email_confirmed_ms, oidc_subject, sessions_after_ms, created_ms, lang`

type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (User, error) {
	var u User
	var confirmed sql.NullInt64
	var oidcSub sql.NullString
	var created int64
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.passwordHash, &u.HomeID, &u.HomePath, &u.TenantID, &u.Status,
		&confirmed, &oidcSub, &u.sessionsAfter, &created, &u.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("identity: scan user: %w", err)
	}
	u.EmailConfirmed, u.OIDCLinked, u.HasPassword = confirmed.Valid, oidcSub.Valid, u.passwordHash != ""
	u.Created = db.Time(created)
	return u, nil
}

func (s *store) insertUser(ctx context.Context, u User, now int64) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO users (id, email, name, search, password_hash, home_id, home_path,
		tenant_id, status, sessions_after_ms, created_ms, updated_ms, lang) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)`,
		u.ID, u.Email, u.Name, searchText(u.Name, u.Email), u.passwordHash, u.HomeID, u.HomePath, u.TenantID, u.Status, now, u.Lang)
	if db.IsUnique(err) {
		return ErrEmailTaken
	}
	return err
}

func (s *store) user(ctx context.Context, id string) (User, error) {
	return scanUser(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

func (s *store) userByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
}

func (s *store) userByOIDC(ctx context.Context, issuer, subject string) (User, error) {
	return scanUser(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE oidc_issuer = $1 AND oidc_subject = $2`, issuer, subject))
}

func (s *store) exec(ctx context.Context, q string, args ...any) error {
	res, err := s.db.Q(ctx).ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s *store) setPassword(ctx context.Context, id, hash string, now int64) error {
	return s.exec(ctx, `UPDATE users SET password_hash = $2, sessions_after_ms = $3, updated_ms = $3 WHERE id = $1`, id, hash, now)
}

// setStatus changes the status; ending sessions moves sessions_after_ms so
// every session opened before now stops authenticating.
func (s *store) setStatus(ctx context.Context, id string, st Status, now int64, endSessions bool) error {
	if endSessions {
		return s.exec(ctx, `UPDATE users SET status = $2, sessions_after_ms = $3, updated_ms = $3 WHERE id = $1`, id, st, now)
	}
	return s.exec(ctx, `UPDATE users SET status = $2, updated_ms = $3 WHERE id = $1`, id, st, now)
}

func (s *store) setHome(ctx context.Context, id string, p Place, now int64) error {
	return s.exec(ctx, `UPDATE users SET home_id = $2, home_path = $3, tenant_id = $4, updated_ms = $5 WHERE id = $1`,
		id, p.ID, p.Path, p.TenantID, now)
}

func (s *store) confirmEmail(ctx context.Context, id string, now int64) error {
	return s.exec(ctx, `UPDATE users SET email_confirmed_ms = $2, updated_ms = $2 WHERE id = $1 AND email_confirmed_ms IS NULL`, id, now)
}

func (s *store) linkOIDC(ctx context.Context, id, issuer, subject string, now int64) error {
	return s.exec(ctx, `UPDATE users SET oidc_issuer = $2, oidc_subject = $3, updated_ms = $4,
		email_confirmed_ms = COALESCE(email_confirmed_ms, $4) WHERE id = $1`, id, issuer, subject, now)
}

func (s *store) insertConsent(ctx context.Context, userID string, c Consent) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO consents (id, user_id, version, lang, text_hash, accepted_ms,
		accepted_ip, withdrawn_ip) VALUES ($1, $2, $3, $4, $5, $6, $7, '')`,
		c.ID, userID, c.Version, c.Lang, c.TextHash, db.Millis(c.Accepted), c.IP)
	return err
}

func (s *store) consents(ctx context.Context, userID string) ([]Consent, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id, version, lang, text_hash, accepted_ms, accepted_ip, withdrawn_ms
		FROM consents WHERE user_id = $1 ORDER BY accepted_ms DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("identity: consents: %w", err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var acc int64
		var wd sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Version, &c.Lang, &c.TextHash, &acc, &c.IP, &wd); err != nil {
			return nil, err
		}
		c.Accepted = db.Time(acc)
		c.Withdrawn = db.TimePtr(wd)
		out = append(out, c)
	}
	return out, rows.Err()
}

// withdrawConsents ends every consent of the user in force; it returns how many.
func (s *store) withdrawConsents(ctx context.Context, userID, ip string, now int64) (int64, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE consents SET withdrawn_ms = $2, withdrawn_ip = $3
		WHERE user_id = $1 AND withdrawn_ms IS NULL`, userID, now, ip)
	if err != nil {
		return 0, fmt.Errorf("identity: withdraw: %w", err)
	}
	return res.RowsAffected()
}

func (s *store) insertToken(ctx context.Context, hash, userID, purpose string, now, expires int64) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO user_tokens (hash, user_id, purpose, created_ms, expires_ms)
		VALUES ($1, $2, $3, $4, $5)`, hash, userID, purpose, now, expires)
	return err
}

// useToken marks an unused, unexpired token used and returns its user:
// one statement, so a link works exactly once even under races.
func (s *store) useToken(ctx context.Context, hash, purpose string, now int64) (string, error) {
	var userID string
	err := s.db.Q(ctx).QueryRowContext(ctx, `UPDATE user_tokens SET used_ms = $3
		WHERE hash = $1 AND purpose = $2 AND used_ms IS NULL AND expires_ms > $3 RETURNING user_id`,
		hash, purpose, now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrTokenInvalid
	}
	return userID, err
}

// placeholders appends args and returns "$n" for each.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// scopeCond matches rows whose column lies under one of scopes.
func scopeCond(a *args, column string, scopes []string) string {
	var or []string
	for _, sc := range scopes {
		p := a.add(sc)
		or = append(or, fmt.Sprintf("substr(%s, 1, length(%s)) = %s", column, p, p))
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}
