package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestCopyRows writes rows by COPY inside a transaction on PostgreSQL
// (multi-row INSERTs on SQLite, and for few rows or outside a
// transaction), fails the transaction on a row of the wrong width or a
// row that is not new, and gives every connection back to the pool.
func TestCopyRows(t *testing.T) {
	testdb.Run(t, []db.Migrations{things}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		row := func(prefix string) db.RowArgs {
			return func(args []any, i int) []any { return append(args, fmt.Sprintf("%s%04d", prefix, i), int64(i)) }
		}
		cols := []string{"id", "n"}
		var n int64
		err := d.InTx(ctx, func(ctx context.Context) error {
			var err error
			n, err = d.CopyRows(ctx, "things", cols, 300, row("a"))
			if err != nil {
				return err
			}
			_, err = d.CopyRows(ctx, "things", cols, 3, row("b"))
			return err
		})
		if err != nil || n != 300 {
			t.Fatalf("copied %d: %v", n, err)
		}
		if n, err := d.CopyRows(ctx, "things", cols, 2, row("c")); err != nil || n != 2 {
			t.Fatalf("outside a transaction: %d %v", n, err)
		}
		for name, rows := range map[string]db.RowArgs{
			"narrow row": func(args []any, i int) []any { return append(args, fmt.Sprintf("d%04d", i)) },
			"taken row":  func(args []any, i int) []any { return append(args, fmt.Sprintf("a%04d", 299-i), int64(i)) },
		} {
			err := d.InTx(ctx, func(ctx context.Context) error {
				if _, err := d.CopyRows(ctx, "things", cols, 200, row("e")); err != nil {
					return err
				}
				_, err := d.CopyRows(ctx, "things", cols, 200, rows)
				return err
			})
			if err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		if got := count(t, d); got != 305 {
			t.Fatalf("%d rows, want 305", got)
		}
		func() {
			defer func() { recover() }()
			d.InTx(ctx, func(ctx context.Context) error { panic("boom") })
		}()
		// (SQLite's one writer connection is taken after a commit, briefly,
		// to prepare the statements it saw: only PostgreSQL's count is sure.)
		if w, _ := d.Stats(); d.Engine == db.Postgres && w.InUse != 0 {
			t.Fatalf("%d connections still in use", w.InUse)
		}
	})
}

// TestInsertNew writes the rows whose key is free and reports which:
// all new (by COPY on PostgreSQL), some taken (the same rows again,
// skipping those), and few; the transaction goes on after a fallback.
func TestInsertNew(t *testing.T) {
	testdb.Run(t, []db.Migrations{things}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cols := []string{"id", "n"}
		row := func(args []any, i int) []any { return append(args, fmt.Sprintf("k%04d", i), int64(i)) }
		insert := func(n int) []bool {
			t.Helper()
			var written []bool
			err := d.InTx(ctx, func(ctx context.Context) error {
				var err error
				if written, err = d.InsertNew(ctx, "things", cols, "(id)", n, row); err != nil {
					return err
				}
				_, err = d.Q(ctx).ExecContext(ctx, `INSERT INTO things (id, n) VALUES ($1, 0)`, fmt.Sprint("after-", n))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return written
		}
		if _, err := d.Writer().Exec(`INSERT INTO things (id, n) VALUES ('k0150', 0), ('k0003', 0)`); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			n     int
			taken []int
		}{
			{2, nil},            // few, all new
			{5, []int{0, 1, 3}}, // few, some taken
			{200, []int{0, 1, 2, 3, 4, 150}},
			{400, nil},
		} {
			if c.n == 400 {
				if _, err := d.Writer().Exec(`DELETE FROM things`); err != nil {
					t.Fatal(err)
				}
			}
			written := insert(c.n)
			for i, ok := range written {
				if ok == slices.Contains(c.taken, i) {
					t.Fatalf("%d rows: row %d written %v, taken %v", c.n, i, ok, c.taken)
				}
			}
			if len(written) != c.n {
				t.Fatalf("%d rows: %d reported", c.n, len(written))
			}
		}
		if got := count(t, d); got != 401 {
			t.Fatalf("%d rows, want 401", got)
		}
	})
}

func count(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.Writer().QueryRow(`SELECT COUNT(*) FROM things`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
