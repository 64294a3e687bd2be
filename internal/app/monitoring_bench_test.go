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

// scaleAppeals copies every demo appeal (and its deadlines) times-1 more
// times, each copy a little to the north-east, so the demo's appeals are
// scaled ×times: the situation centre counts and maps them all.
func scaleAppeals(b *testing.B, d *db.DB, times int) int {
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
	copyRows := func(table, key string, k int) {
		cs := cols(table)
		exprs := slices.Clone(cs)
		for i, c := range cs {
			switch c {
			case key:
				exprs[i] = fmt.Sprintf("%s || '-x%d'", c, k)
			case "lat", "lon":
				if table == "appeals" {
					exprs[i] = fmt.Sprintf("%s + %f", c, 0.002*float64(k))
				}
			}
		}
		q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s NOT LIKE '%%-x%%'`, table, strings.Join(cs, ", "), strings.Join(exprs, ", "), table, key)
		if _, err := d.Writer().ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", table, err)
		}
	}
	for k := 1; k < times; k++ {
		copyRows("appeals", "id", k)
		copyRows("appeals_deadlines", "appeal_id", k)
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
// (the baseline), then with its appeals scaled ×10; /healthz is the
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
	n := scaleAppeals(b, a.DB, 10)
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
