package territory

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var sets = []db.Migrations{audit.Migrations, events.Migrations, Migrations}

// run runs body on every test engine with a fresh service.
func run(t *testing.T, body func(t *testing.T, d *db.DB, s *Service)) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		body(t, d, newService(d))
	})
}

func newService(d *db.DB) *Service { return New(d, audit.New(d), events.NewOutbox(d)) }

// platformAdmin is a context acting as a platform administrator.
func platformAdmin() context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: "root",
		Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}})
}

// actorOn is a context acting with role on node n.
func actorOn(id string, role auth.Role, n Node) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id,
		Grants: []auth.Grant{{Role: role, ScopeID: n.ID, ScopePath: n.Path}}})
}

// counts returns the number of rows in each table that a write touches.
func counts(t *testing.T, d *db.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tbl := range []string{"territory_nodes", "territory_departments", "audit_log", "event_outbox"} {
		var n int
		if err := d.Writer().QueryRow("SELECT COUNT(*) FROM " + tbl).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tbl] = n
	}
	return out
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
