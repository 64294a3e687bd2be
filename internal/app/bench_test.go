package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// BenchmarkHomePage serves the demo municipality's home page in process
// (no network): as an anonymous visitor (page cache), with a session
// cookie (rendered afresh each time), and /healthz as the floor of the
// middleware chain. The over-the-wire figures come from
// scripts/bench-home.sh with wrk.
func BenchmarkHomePage(b *testing.B) {
	a := newTestApp(b, db.SQLite)
	w, err := a.SeedDemo(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	home := "/m/" + w.Municipality + "/"
	for _, tc := range []struct{ name, path, cookie string }{
		{"healthz", "/healthz", ""},
		{"home-anonymous", home, ""},
		{"home-uncached", home, "muni_session=bench"},
	} {
		path := tc.path
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := httptest.NewRecorder()
					req := httptest.NewRequest("GET", path, nil)
					if tc.cookie != "" {
						req.Header.Set("Cookie", tc.cookie)
					}
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", path, rec.Code)
					}
				}
			})
		})
	}
}
