package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestChunks(t *testing.T) {
	cases := []struct {
		n, cols int
		want    []int
	}{
		{0, 2, nil},
		{1, 2, []int{1}},
		{7, 2048, []int{1, 1, 1, 1, 1, 1, 1}}, // a row at the limit goes alone
		{7, 5000, []int{1, 1, 1, 1, 1, 1, 1}}, // and one past it too
		{300, 16, []int{128, 128, 32, 8, 4}},  // 2048/16 = 128 rows a statement
		{500, 13, []int{128, 128, 128, 64, 32, 16, 4}},
		{1024, 2, []int{1024}},
		{1025, 2, []int{1024, 1}},
	}
	for _, c := range cases {
		got := db.Chunks(c.n, c.cols)
		if !slices.Equal(got, c.want) {
			t.Errorf("Chunks(%d, %d) = %v, want %v", c.n, c.cols, got, c.want)
		}
		sum := 0
		for _, k := range got {
			sum += k
		}
		if sum != c.n {
			t.Errorf("Chunks(%d, %d) covers %d rows", c.n, c.cols, sum)
		}
	}
}

// TestExecRows writes rows in several chunks, skips the ones already
// there, returns the ones written, and fails in the caller's transaction
// on a row of the wrong width.
func TestExecRows(t *testing.T) {
	testdb.Run(t, []db.Migrations{things}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Writer().Exec(`INSERT INTO things (id, n) VALUES ('r0007', 0)`); err != nil {
			t.Fatal(err)
		}
		const n = 1500 // 1024 + 256 + 128 + 64 + 16 + 8 + 4 rows of 2 columns
		row := func(args []any, i int) []any { return append(args, fmt.Sprintf("r%04d", i), int64(i)) }
		var written int64
		var returned []string
		err := d.InTx(ctx, func(ctx context.Context) error {
			var err error
			written, err = d.ExecRows(ctx, `INSERT INTO things (id, n) VALUES `, ` ON CONFLICT (id) DO NOTHING`, n/2, 2, row)
			if err != nil {
				return err
			}
			return d.QueryRows(ctx, `INSERT INTO things (id, n) VALUES `, ` ON CONFLICT (id) DO NOTHING RETURNING id`, n, 2, row,
				func(rs *sql.Rows) error {
					var id string
					err := rs.Scan(&id)
					returned = append(returned, id)
					return err
				})
		})
		if err != nil {
			t.Fatal(err)
		}
		if written != n/2-1 || len(returned) != n/2 {
			t.Fatalf("written %d, then returned %d", written, len(returned))
		}
		slices.Sort(returned)
		if returned[0] != fmt.Sprintf("r%04d", n/2) || returned[len(returned)-1] != fmt.Sprintf("r%04d", n-1) {
			t.Fatalf("returned %s … %s", returned[0], returned[len(returned)-1])
		}
		var count, sum int64
		if err := d.Writer().QueryRow(`SELECT COUNT(*), SUM(n) FROM things`).Scan(&count, &sum); err != nil {
			t.Fatal(err)
		}
		if count != n || sum != n*(n-1)/2-7 {
			t.Fatalf("%d rows summing to %d", count, sum)
		}
		err = d.InTx(ctx, func(ctx context.Context) error {
			if _, err := d.ExecRows(ctx, `INSERT INTO things (id, n) VALUES `, ``, 300, 2, func(args []any, i int) []any {
				return append(args, fmt.Sprintf("s%04d", i), int64(i))
			}); err != nil {
				return err
			}
			_, err := d.ExecRows(ctx, `INSERT INTO things (id, n) VALUES `, ``, 3, 2, func(args []any, i int) []any { return append(args, "bad") })
			return err
		})
		if err == nil {
			t.Fatal("a row of one value for two columns was accepted")
		}
		if err := d.Writer().QueryRow(`SELECT COUNT(*) FROM things`).Scan(&count); err != nil || count != n {
			t.Fatalf("%d rows after the failed transaction (%v), want %d", count, err, n)
		}
		if _, err := d.ExecRows(ctx, `INSERT INTO things (id, n) VALUES `, ``, 0, 2, row); err != nil {
			t.Fatalf("no rows: %v", err)
		}
	})
}
