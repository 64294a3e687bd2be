package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/db"
)

// scaleDemo copies the rows every tile of the situation centre reads —
// appeals (with their deadlines), service applications, alarms, outages,
// road works and the transport observations punctuality is computed
// from — times-1 more times, so the demo is scaled ×times. Copies get
// keys of their own (and alarms targets of their own, since one target
// has one open alarm); copied appeals sit a little to the north-east.
// It returns the number of appeals after scaling.
func scaleDemo(b *testing.B, d *db.DB, times int) int {
	b.Helper()
	ctx := context.Background()
	cols := func(table string) []string {
		rows, err := d.Writer().QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 0`)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		cs, err := rows.Columns()
		if err != nil {
			b.Fatal(err)
		}
		return cs
	}
	// copyRows copies the original rows of table once more, suffixing the
	// key columns (the first one tells originals from copies).
	copyRows := func(table string, k int, keys ...string) {
		cs := cols(table)
		exprs := slices.Clone(cs)
		for i, c := range cs {
			switch {
			case slices.Contains(keys, c):
				exprs[i] = fmt.Sprintf("%s || '-x%d'", c, k)
			case table == "appeals" && (c == "lat" || c == "lon"):
				exprs[i] = fmt.Sprintf("%s + %f", c, 0.002*float64(k))
			}
		}
		q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s NOT LIKE '%%-x%%'`, table, strings.Join(cs, ", "), strings.Join(exprs, ", "), table, keys[0])
		if _, err := d.Writer().ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", table, err)
		}
	}
	for k := 1; k < times; k++ {
		copyRows("appeals", k, "id")
		copyRows("appeals_deadlines", k, "appeal_id")
		copyRows("services_applications", k, "id", "number")
		copyRows("metering_alarms", k, "id", "target_id")
		copyRows("metering_outages", k, "id")
		copyRows("transport_road_works", k, "id")
		copyRows("transport_observations", k, "trip_id")
	}
	var n int
	if err := d.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM appeals`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if _, err := d.Writer().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return n
}

// percentiles reports the 50th, 95th and 99th percentile of took.
func percentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	ms := func(q int) float64 { return float64(took[min(len(took)-1, len(took)*q/100)].Microseconds()) / 1000 }
	b.ReportMetric(ms(50), "p50-ms")
	b.ReportMetric(ms(95), "p95-ms")
	b.ReportMetric(ms(99), "p99-ms")
}

// BenchmarkSituationData serves the situation centre's JSON to the demo
// municipality's administrator, in process: over the demo as seeded
// (the baseline), then with its data scaled ×10 (scaleDemo); /healthz is the
// floor of the middleware chain. Each request reads every tile afresh
// (no ?since), as the first poll of a screen does.
func BenchmarkSituationData(b *testing.B) {
	a := newTestApp(b, db.SQLite)
	w, err := a.SeedDemo(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var admin app.DemoLogin
	for _, l := range w.Logins {
		if l.Role == "municipal_admin" {
			admin = l
			break
		}
	}
	ts := httptest.NewServer(a.Handler())
	b.Cleanup(ts.Close)
	cookie := sessionCookie(b, ts.URL, admin.Email, admin.Password)
	h := a.Handler()
	path := "/api/v1/municipalities/" + w.Municipality + "/situation"
	run := func(name, path string) {
		b.Run(name, func(b *testing.B) {
			took := make([]time.Duration, 0, 1024)
			for b.Loop() {
				t0 := time.Now()
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Cookie", cookie)
				h.ServeHTTP(rec, req)
				took = append(took, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %.200s", path, rec.Code, rec.Body.String())
				}
			}
			percentiles(b, took)
		})
	}
	run("healthz", "/healthz")
	run("demo", path)
	n := scaleDemo(b, a.DB, 10)
	b.Logf("appeals after scaling: %d", n)
	run("demo-x10", path)
}

// sessionCookie signs in through the form and returns the session cookie.
func sessionCookie(b *testing.B, base, email, password string) string {
	b.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Post(base+"/login", "application/x-www-form-urlencoded", strings.NewReader("email="+email+"&password="+password))
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Value != "" {
			return ck.Name + "=" + ck.Value
		}
	}
	b.Fatalf("no session cookie for %s (status %d)", email, res.StatusCode)
	return ""
}
