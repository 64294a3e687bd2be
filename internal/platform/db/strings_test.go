package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestStrings(t *testing.T) {
	testdb.Run(t, []db.Migrations{things}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, id := range []string{"b", "a", "c"} {
			if _, err := d.Writer().Exec(`INSERT INTO things (id, n) VALUES ($1, 1)`, id); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Strings(ctx, d.R(ctx), `SELECT id FROM things WHERE n = $1 ORDER BY id`, 1)
		if err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("Strings = %q, %v", got, err)
		}
		if got, err := db.Strings(ctx, d.R(ctx), `SELECT id FROM things WHERE n = $1`, 2); err != nil || got != nil {
			t.Fatalf("no rows: %q, %v", got, err)
		}
		if _, err := db.Strings(ctx, d.R(ctx), `SELECT id, n FROM things`); err == nil {
			t.Fatal("two columns scanned into one string without an error")
		}
		if _, err := db.Strings(ctx, d.R(ctx), `SELECT id FROM no_such_table`); err == nil {
			t.Fatal("a bad query gave no error")
		}
	})
}
