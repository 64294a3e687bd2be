package audit_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

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
