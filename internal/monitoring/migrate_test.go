package monitoring

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"testing"
	"testing/fstest"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// Figures stored under the numbering before migration 00002 (items 12–39
// without the form's gap at 12) move to the form's numbers 13–40 with
// their indicator; the dropped 607.40 stays where it was.
func TestMigrationRenumbers607(t *testing.T) {
	first, err := fs.ReadFile(migrationFS, "migrations/common/00001_monitoring_values.sql")
	if err != nil {
		t.Fatal(err)
	}
	before := db.Migrations{Domain: "monitoring", FS: fstest.MapFS{"common/00001_monitoring_values.sql": {Data: first}}}
	testdb.Run(t, []db.Migrations{before}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		old := map[string]float64{"607.7": 7, "607.12": 12, "607.17": 17, "607.19.3": 193, "607.22": 22, "607.25.2": 252,
			"607.36": 36, "607.37": 37, "607.38.1": 381, "607.39.5": 395, "607.40": 40}
		for code, v := range old {
			if _, err := d.Writer().ExecContext(ctx, `INSERT INTO monitoring_values (tenant_id, code, kind, period, value, source, updated_ms) VALUES ('t', $1, 'actual', '2025', $2, 'manual', 1)`, code, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), Migrations); err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		rows, err := d.Writer().QueryContext(ctx, `SELECT code, value FROM monitoring_values`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var v float64
			if err := rows.Scan(&code, &v); err != nil {
				t.Fatal(err)
			}
			got[code] = v
		}
		want := map[string]float64{"607.7": 7, "607.13": 12, "607.18": 17, "607.20.3": 193, "607.23": 22, "607.26.2": 252,
			"607.37": 36, "607.38": 37, "607.39.1": 381, "607.40.5": 395, "607.40": 40}
		if len(got) != len(want) {
			t.Errorf("codes after migration: %v", got)
		}
		for code, v := range want {
			if got[code] != v {
				t.Errorf("%s = %v, want %v (all: %v)", code, got[code], v, got)
			}
		}
		c, err := DefaultCatalog()
		if err != nil {
			t.Fatal(err)
		}
		for code := range want {
			if _, ok := c.Indicator(code); !ok && code != "607.40" {
				t.Errorf("%s moved to a code the catalog does not have", code)
			}
		}
	})
}
