package auth

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/muni-platform/muni/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Migrations is the session table's schema.
var Migrations = db.Migrations{Domain: "sessions", FS: db.Sub(migrations, "migrations")}

// SessionCookie is the session cookie's name.
const SessionCookie = "muni_session"

// NewSessions returns a session manager that keeps sessions in the
// database: HttpOnly, SameSite=Lax, Secure when secure is set, ending
// after idle inactivity or max after creation, whichever comes first.
func NewSessions(d *db.DB, idle, max time.Duration, secure bool) *scs.SessionManager {
	m := scs.New()
	m.Store = &sessionStore{db: d}
	m.IdleTimeout = idle
	m.Lifetime = max
	m.Cookie.Name = SessionCookie
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = secure
	m.Cookie.Path = "/"
	return m
}

// sessionStore is an scs.CtxStore over portable SQL, so one store serves
// both engines.
type sessionStore struct{ db *db.DB }

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry_ms > $2`,
		token, db.Millis(time.Now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, err
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO sessions (token, data, expiry_ms) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry_ms = excluded.expiry_ms`, token, b, db.Millis(expiry))
	return err
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// PurgeSessions deletes expired sessions; serve runs it periodically.
func PurgeSessions(ctx context.Context, d *db.DB) (int64, error) {
	res, err := d.Q(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE expiry_ms <= $1`, db.Millis(time.Now()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
