package db_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// Concurrent grouped transactions: each call's writes stand or fall alone
// (a failing or panicking call loses only its own rows and hooks), every
// successful call is visible once it returns, and a statement the writer
// has prepared serves later transactions.
func TestInTxGroup(t *testing.T) {
	testdb.Run(t, []db.Migrations{things}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 200
		var hooks atomic.Int64
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = d.InTxGroup(ctx, func(ctx context.Context) error {
					db.AfterCommit(ctx, func() { hooks.Add(1) })
					if _, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO things (id, n) VALUES ($1, $2)`, fmt.Sprint("g", i), i); err != nil {
						return err
					}
					// A nested InTx joins the group's transaction.
					if err := d.InTx(ctx, func(ctx context.Context) error {
						_, err := d.Q(ctx).ExecContext(ctx, `UPDATE things SET n = n + 1000 WHERE id = $1`, fmt.Sprint("g", i))
						return err
					}); err != nil {
						return err
					}
					switch {
					case i%10 == 3:
						return errors.New("refused")
					case i%50 == 7:
						panic("boom")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		want := 0
		for i, err := range errs {
			failed := i%10 == 3 || i%50 == 7
			if failed != (err != nil) {
				t.Errorf("call %d: err %v", i, err)
			}
			if !failed {
				want++
			}
		}
		var got, sum int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(n), 0) FROM things WHERE id LIKE 'g%'`).Scan(&got, &sum); err != nil {
			t.Fatal(err)
		}
		if got != want || int(hooks.Load()) != want {
			t.Fatalf("%d rows and %d after-commit hooks, want %d of each", got, hooks.Load(), want)
		}
		wantSum := 0
		for i := range n {
			if i%10 != 3 && i%50 != 7 {
				wantSum += i + 1000
			}
		}
		if sum != wantSum {
			t.Fatalf("sum %d, want %d: a call's writes were split", sum, wantSum)
		}
		// A duplicate key fails its own call only, and the writer still works.
		if err := d.InTxGroup(ctx, func(ctx context.Context) error {
			_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO things (id, n) VALUES ('g0', 1)`)
			return err
		}); !db.IsUnique(err) {
			t.Fatalf("duplicate: %v", err)
		}
		if err := d.InTx(ctx, func(ctx context.Context) error {
			_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO things (id, n) VALUES ($1, $2)`, "after", 1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
