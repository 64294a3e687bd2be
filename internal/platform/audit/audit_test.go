package audit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func write(t *testing.T, d *db.DB, log *audit.Log, n int) {
	t.Helper()
	ctx := auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: "u1"})
	for i := 0; i < n; i++ {
		err := d.InTx(ctx, func(ctx context.Context) error {
			return log.Record(ctx, audit.Entry{Action: "test.write", ObjectType: "thing", ObjectID: "x", Detail: map[string]any{"i": i}})
		})
		if err != nil {
			t.Error(err)
			return
		}
	}
}

func TestChainDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string
		wantSeq string
	}{
		{"altered", `UPDATE audit_log SET action = 'evil' WHERE seq = 3`, "entry 3"},
		{"deleted", `DELETE FROM audit_log WHERE seq = 2`, "entry 3"},
		{"deleted-last", `DELETE FROM audit_log WHERE seq = 5`, "entries at the end were deleted"},
		{"rehashed", `UPDATE audit_log SET detail = '{"i":9}', hash = 'abc' WHERE seq = 4`, "entry 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Run(t, []db.Migrations{audit.Migrations}, func(t *testing.T, d *db.DB) {
				log := audit.New(d)
				write(t, d, log, 5)
				if n, err := log.Verify(context.Background()); err != nil || n != 5 {
					t.Fatalf("intact chain: n=%d err=%v", n, err)
				}
				if _, err := d.Writer().Exec(tc.tamper); err != nil {
					t.Fatal(err)
				}
				_, err := log.Verify(context.Background())
				var b *audit.Broken
				if !errors.As(err, &b) || !strings.Contains(err.Error(), tc.wantSeq) {
					t.Fatalf("want broken at %q, got %v", tc.wantSeq, err)
				}
			})
		})
	}
}

func TestRecordNeedsTransaction(t *testing.T) {
	d := testdb.Open(t, db.SQLite, audit.Migrations)
	err := audit.New(d).Record(context.Background(), audit.Entry{Action: "x"})
	if !errors.Is(err, audit.ErrNoTx) {
		t.Fatalf("got %v", err)
	}
}

func TestConcurrentWritersKeepOneChain(t *testing.T) {
	testdb.Run(t, []db.Migrations{audit.Migrations}, func(t *testing.T, d *db.DB) {
		log := audit.New(d)
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() { defer wg.Done(); write(t, d, log, 10) }()
		}
		wg.Wait()
		n, err := log.Verify(context.Background())
		if err != nil || n != 40 {
			t.Fatalf("n=%d err=%v", n, err)
		}
		got, err := log.List(context.Background(), audit.Filter{ActorID: "u1", Limit: 5})
		if err != nil || len(got) != 5 || got[0].Seq != 40 {
			t.Fatalf("list: %v %+v", err, got)
		}
	})
}

// TestRecordAllMatchesRecord: appending entries with one RecordAll call
// writes exactly the chain (sequence numbers, hashes, every field) that
// Record writes appending them one by one, given the same ids and time,
// continuing a chain already there; the batch spans several statements.
func TestRecordAllMatchesRecord(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := audit.WithRequestID(auth.With(context.Background(), &auth.Actor{Kind: auth.Machine, ID: "k1"}), "req-1")
			at := time.Date(2026, 11, 27, 6, 0, 0, 123e6, time.UTC)
			entries := make([]audit.Entry, 700)
			for i := range entries {
				entries[i] = audit.Entry{Action: "test.bulk", ObjectType: "thing", ObjectID: fmt.Sprint("x", i), TenantID: "t" + fmt.Sprint(i%3),
					Detail: map[string]any{"i": i, "odd": i%2 == 1}}
			}
			entries[5].Detail = nil
			chains := make([][]string, 2)
			for k, batch := range []bool{false, true} {
				d := testdb.Open(t, e, audit.Migrations)
				log := audit.New(d)
				n := 0
				log.SetSource(func() time.Time { return at }, func() string { n++; return fmt.Sprintf("id-%04d", n) })
				write(t, d, log, 2)
				err := d.InTx(ctx, func(ctx context.Context) error {
					if batch {
						return log.RecordAll(ctx, entries)
					}
					for _, e := range entries {
						if err := log.Record(ctx, e); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if n, err := log.Verify(context.Background()); err != nil || n != 702 {
					t.Fatalf("batch %v: verify n=%d err=%v", batch, n, err)
				}
				chains[k] = dump(t, d)
			}
			if !slices.Equal(chains[0], chains[1]) {
				for i := range chains[0] {
					if chains[0][i] != chains[1][i] {
						t.Fatalf("entry %d differs:\none by one %s\nbatch      %s", i+1, chains[0][i], chains[1][i])
					}
				}
				t.Fatalf("%d entries one by one, %d in a batch", len(chains[0]), len(chains[1]))
			}
		})
	}
}

// dump is every stored entry and the head, one line each, in order.
func dump(t *testing.T, d *db.DB) []string {
	t.Helper()
	rows, err := d.Writer().Query(`SELECT seq, id, at_ms, actor_kind, actor_id, action, object_type, object_id, tenant_id, request_id, detail, prev_hash, hash
		FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var seq, at int64
		var f [11]string
		if err := rows.Scan(&seq, &f[0], &at, &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10]); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(seq, at, f))
	}
	var seq int64
	var hash string
	if err := d.Writer().QueryRow(`SELECT seq, hash FROM audit_head`).Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	return append(out, fmt.Sprint("head ", seq, hash))
}

// TestRecordAllRollsBack: a batch rolled back with its transaction leaves
// no entry and the head where it was, and the next entry continues the
// chain; a batch outside a transaction writes nothing.
func TestRecordAllRollsBack(t *testing.T) {
	testdb.Run(t, []db.Migrations{audit.Migrations}, func(t *testing.T, d *db.DB) {
		log := audit.New(d)
		write(t, d, log, 3)
		ctx := auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: "u1"})
		failed := errors.New("the change failed")
		err := d.InTx(ctx, func(ctx context.Context) error {
			if err := log.RecordAll(ctx, make([]audit.Entry, 300)); err != nil {
				return err
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("got %v", err)
		}
		if err := log.RecordAll(ctx, []audit.Entry{{Action: "x"}}); !errors.Is(err, audit.ErrNoTx) {
			t.Fatalf("outside a transaction: %v", err)
		}
		if err := d.InTx(ctx, func(ctx context.Context) error { return log.RecordAll(ctx, nil) }); err != nil {
			t.Fatal(err)
		}
		write(t, d, log, 1)
		if n, err := log.Verify(context.Background()); err != nil || n != 4 {
			t.Fatalf("n=%d err=%v", n, err)
		}
	})
}
