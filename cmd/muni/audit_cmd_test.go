package main

import (
	"context"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestAuditVerifyOnDemo: `muni audit verify` passes on the demo and, once
// one row is altered behind muni's back, fails naming that entry.
func TestAuditVerifyOnDemo(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			environ := []string{"MUNI_DATABASE_URL=" + url, "MUNI_LOG_LEVEL=error"}
			ctx := context.Background()
			if err := run(ctx, []string{"demo", "-seed-only"}, environ); err != nil {
				t.Fatalf("demo: %v", err)
			}
			if err := run(ctx, []string{"audit", "verify"}, environ); err != nil {
				t.Fatalf("verify on the demo: %v", err)
			}
			d, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var n int64
			d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n)
			if n < 200 {
				t.Fatalf("the demo wrote only %d audit entries", n)
			}
			victim := n / 2
			var id string
			d.Writer().QueryRow(`SELECT id FROM audit_log WHERE seq = $1`, victim).Scan(&id)
			if _, err := d.Writer().Exec(`UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = $1`, victim); err != nil {
				t.Fatal(err)
			}
			err = run(ctx, []string{"audit", "verify"}, environ)
			if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), id) {
				t.Fatalf("verify after tampering with entry %d (%s): %v", victim, id, err)
			}
		})
	}
}
