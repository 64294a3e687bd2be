// Package testdb gives each test a fresh, migrated database: a SQLite file
// in the test's temp dir always, and a PostgreSQL schema of its own when
// MUNI_TEST_POSTGRES_URL is set. Run repeats a test body on every engine
// available, so store and service tests are written once.
package testdb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// PostgresEnv names the variable that turns on the PostgreSQL runs.
const PostgresEnv = "MUNI_TEST_POSTGRES_URL"

// Run calls body once per engine, as subtests "sqlite" and "postgres",
// each with a fresh database migrated with sets.
func Run(t *testing.T, sets []db.Migrations, body func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			body(t, Open(t, e, sets...))
		})
	}
}

// Engines lists the engines this run covers. In CI (CI=true) a missing
// PostgreSQL URL fails the test instead of silently shrinking coverage.
func Engines(t testing.TB) []db.Engine {
	if os.Getenv(PostgresEnv) != "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("testdb: %s must be set in CI so tests run on PostgreSQL too", PostgresEnv)
	}
	return []db.Engine{db.SQLite}
}

// Open returns a fresh database on engine e, migrated with sets and closed
// (and, on PostgreSQL, dropped) when the test ends.
func Open(t testing.TB, e db.Engine, sets ...db.Migrations) *db.DB {
	t.Helper()
	ctx := context.Background()
	var rawURL string
	switch e {
	case db.SQLite:
		rawURL = "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	case db.Postgres:
		rawURL = postgresSchema(t)
	}
	d, err := db.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("testdb: open %s: %v", e, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), sets...); err != nil {
		t.Fatalf("testdb: migrate: %v", err)
	}
	return d
}

// URL returns a database URL for a fresh, empty database on engine e, for
// tests that run the muni binary or App against it.
func URL(t testing.TB, e db.Engine) string {
	if e == db.Postgres {
		return postgresSchema(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
}

// postgresSchema creates a schema of the test's own and returns a URL
// whose search_path points at it.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("testdb: %s is not set", PostgresEnv)
	}
	ctx := context.Background()
	admin, err := db.Open(ctx, base)
	if err != nil {
		t.Fatalf("testdb: PostgreSQL at %s: %v", db.Redacted(base), err)
	}
	defer admin.Close()
	schema := "t_" + strings.ToLower(strings.ReplaceAll(auth.NewToken(9), "-", "_"))
	schema = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, schema)
	if _, err := admin.Writer().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("testdb: create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := db.Open(context.Background(), base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Writer().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Name is a readable label for a subtest per engine.
func Name(e db.Engine, what string) string { return fmt.Sprintf("%s/%s", e, what) }
