package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// BenchmarkHomePage renders the demo municipality's home page in process
// (no network), beside /healthz as the floor of the middleware chain. The
// over-the-wire figures come from scripts/bench-home.sh with wrk.
func BenchmarkHomePage(b *testing.B) {
	a := newTestApp(b, db.SQLite)
	w, err := a.SeedDemo(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	for _, path := range []string{"/healthz", "/m/" + w.Municipality + "/"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", path, rec.Code)
					}
				}
			})
		})
	}
}
