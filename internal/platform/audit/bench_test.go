package audit_test

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// BenchmarkAuditRecord measures one audited change: a transaction that
// writes one audit entry (the chain head update included). Its baseline,
// BenchmarkRawInsert, is a transaction with a single plain insert.
func BenchmarkAuditRecord(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, audit.Migrations)
			log := audit.New(d)
			ctx := auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: "bench"})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := d.InTx(ctx, func(ctx context.Context) error {
					return log.Record(ctx, audit.Entry{Action: "bench.write", ObjectType: "thing", ObjectID: "x", TenantID: "t"})
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRawInsert(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, audit.Migrations)
			d.Writer().Exec(`CREATE TABLE bench_raw (id TEXT PRIMARY KEY, v TEXT NOT NULL)`)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := d.InTx(ctx, func(ctx context.Context) error {
					_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO bench_raw (id, v) VALUES ($1, $2)`, db.NewID(), "x")
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
