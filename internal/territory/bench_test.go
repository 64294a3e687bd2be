package territory

import (
	"net/http/httptest"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// BenchmarkHome serves the demo municipality's home page.
func BenchmarkHome(b *testing.B) {
	d := testdb.Open(b, db.SQLite, sets...)
	s := newService(d)
	if _, err := SeedDemo(platformAdmin(), s); err != nil {
		b.Fatal(err)
	}
	h := testServer(b, s, nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/m/luga/", nil))
			if rec.Code != 200 {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
