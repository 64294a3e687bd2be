package appeals

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// benchReports is how many reports the benchmarks store first
// (MUNI_BENCH_REPORTS, 50,000 by default; the target is 1,000,000).
func benchReports() int {
	if n, err := strconv.Atoi(os.Getenv("MUNI_BENCH_REPORTS")); err == nil && n > 0 {
		return n
	}
	return 50000
}

// benchEnv is a service over the engine MUNI_BENCH_ENGINE names
// (sqlite by default, postgres with MUNI_TEST_POSTGRES_URL set), holding
// n reports of muni A spread over the last 365 days.
func benchEnv(b *testing.B, n int) (*Service, Category) {
	b.Helper()
	engine := db.SQLite
	if os.Getenv("MUNI_BENCH_ENGINE") == "postgres" {
		engine = db.Postgres
	}
	d := testdb.Open(b, engine, sets...)
	now := time.Now()
	s := New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: fakePlaces{}, PerAccount: 1 << 30, PerIP: 1 << 30,
		Now: func() time.Time { return now }})
	cat, err := s.CreateCategory(admin(muniA), muniA.ID, CategoryInput{Code: "pothole", Regime: RegimeReport, NameRU: "Яма",
		SLA: SLA{Amount: 10, Unit: Days, Working: true}})
	if err != nil {
		b.Fatal(err)
	}
	err = d.InTx(context.Background(), func(ctx context.Context) error {
		for i := 0; i < n; i++ {
			at := now.Add(-time.Duration(i%(365*24)) * time.Hour)
			a := Appeal{ID: db.NewID(), TenantID: muniA.ID, TenantPath: muniA.Path, Regime: RegimeReport, CategoryID: cat.ID,
				State: []State{Received, InProgress, Fixed}[i%3], Description: "Яма у дома.", Address: "ул. Ленина, " + strconv.Itoa(i%300),
				Point: &Point{Lat: 59.9 + float64(i%1000)/10000, Lon: 30.3 + float64(i%997)/10000}, ReceivedAt: at, UpdatedAt: at}
			if err := s.st.createAppeal(ctx, a); err != nil {
				return err
			}
			due := s.clocks.Due(cat.SLA.Rule(cat.NameRU), at, time.UTC)
			if err := s.st.addDeadline(ctx, a.ID, due); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, cat
}

// BenchmarkOpen311Requests serves GET requests.json with every filter
// over the stored reports and reports the 99th percentile latency.
func BenchmarkOpen311Requests(b *testing.B) {
	s, _ := benchEnv(b, benchReports())
	h := testServer(b, s, nil)
	end := time.Now()
	start := end.Add(-30 * 24 * time.Hour)
	path := fmt.Sprintf("/open311/v2/requests.json?jurisdiction_id=a&service_code=pothole&status=open&start_date=%s&end_date=%s",
		start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		took = append(took, time.Since(t0))
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "[{") {
			b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkSubmitAPI files reports through the JSON API, in parallel, over
// the stored reports, and reports submissions per second.
func BenchmarkSubmitAPI(b *testing.B) {
	s, cat := benchEnv(b, benchReports())
	s.perAccount = DefaultPerAccount // many residents, each under the limit; one load generator's address
	actors := map[string]*auth.Actor{}
	for i := range 5000 {
		actors[strconv.Itoa(i)] = auth.From(resident("bench-" + strconv.Itoa(i)))
	}
	h := testServer(b, s, actors)
	var next atomic.Int64
	body := `{"regime":"report","category_id":"` + cat.ID + `","description":"Яма у остановки школы.","point":{"lat":59.93,"lon":30.31}}`
	b.ResetTimer()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v1/municipalities/a/appeals", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Test-Actor", strconv.Itoa(int(next.Add(1)%5000)))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 201 {
				b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "submissions/s")
}
