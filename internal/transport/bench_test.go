package transport

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// benchSpec generates about a million stop_times: 50 lines × 2
// directions × 50 stops, weekday trips every 6 minutes and weekend ones
// every 12 between 05:30 and 21:30.
var benchSpec = GenSpec{Agency: "Bench", AgencyURL: "https://bench.example.org/", TimeZone: "Europe/Moscow",
	Places: []Place{{"Луга", 58.737, 29.846}, {"Толмачёво", 58.857, 29.915}, {"Ям-Тёсово", 58.898, 30.093},
		{"Оредеж", 58.822, 30.341}, {"Серебрянский", 58.846, 29.709}, {"Володарское", 58.701, 29.592}},
	Routes: 50, StopsPerRoute: 50, WeekdayEvery: 6, WeekendEvery: 12, FirstMinute: 330, LastMinute: 1290,
	StartDate: "20260101", EndDate: "20261231", SpeedKMH: 35}

func benchFeed(b *testing.B) (string, int) {
	b.Helper()
	spec := benchSpec
	if os.Getenv("MUNI_BENCH_SMALL") != "" { // a tenth, for profiling
		spec.Routes = 5
	}
	p := filepath.Join(b.TempDir(), "bench.zip")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := Generate(f, spec); err != nil {
		b.Fatal(err)
	}
	f.Close()
	src, _ := OpenSource(p)
	defer src.Close()
	rc, _ := src.Open("stop_times.txt")
	defer rc.Close()
	n := -1
	buf := make([]byte, 1<<16)
	for {
		k, err := rc.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			break
		}
	}
	return p, n
}

// BenchmarkImport imports a generated feed of about a million stop_times
// (go test -run '^$' -bench Import -benchtime 1x ./internal/transport/).
func BenchmarkImport(b *testing.B) {
	p, rows := benchFeed(b)
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			b.StopTimer()
			for range b.N {
				d := testdb.Open(b, e, sets...)
				svc := newService(d)
				src, err := OpenSource(p)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				f, err := svc.Import(as(adminOf(muniA)), muniA.ID, "bench.zip", src)
				b.StopTimer()
				src.Close()
				if err != nil || f.Status != StatusActive || f.Counts["stop_times.txt"] != rows {
					b.Fatalf("import: %v %s %v (want %d stop_times) %v", err, f.Status, f.Counts, rows, codes(f))
				}
				d.Close()
			}
			b.ReportMetric(float64(rows), "stop_times")
		})
	}
}

// discard is a Querier that writes nothing: the baseline of reading and
// checking a feed without a database.
type discard struct{}

func (discard) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return driver.RowsAffected(0), nil
}
func (discard) QueryContext(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, errors.New("discard: no reads")
}
func (discard) QueryRowContext(context.Context, string, ...any) *sql.Row { return nil }

// BenchmarkParseOnly reads and checks the same feed with no database, the
// floor under BenchmarkImport in the same run.
func BenchmarkParseOnly(b *testing.B) {
	p, rows := benchFeed(b)
	b.ResetTimer()
	for range b.N {
		src, err := OpenSource(p)
		if err != nil {
			b.Fatal(err)
		}
		var ns Notices
		_, counts, err := loadInto(context.Background(), discard{}, db.SQLite, 1, src, &ns)
		src.Close()
		if err != nil || counts["stop_times.txt"] != rows {
			b.Fatalf("%v %v %v", err, counts, ns.Groups())
		}
	}
	b.ReportMetric(float64(rows), "stop_times")
}

// BenchmarkNextDepartures asks for the next 10 departures at random stops
// and times of the million-row feed and reports the 99th percentile.
func BenchmarkNextDepartures(b *testing.B) {
	p, _ := benchFeed(b)
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, sets...)
			svc := newService(d)
			src, _ := OpenSource(p)
			if _, err := svc.Import(as(adminOf(muniA)), muniA.ID, "bench.zip", src); err != nil {
				b.Fatal(err)
			}
			src.Close()
			stops := benchStops(b, d)
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			ctx := context.Background()
			base := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for b.Loop() {
				stop := stops[rng.IntN(len(stops))]
				at := base.Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)
				t0 := time.Now()
				if _, err := svc.NextDepartures(ctx, muniA.Slug, stop, at, 10); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			reportLatency(b, lat)
			// The floor in the same run: one stop read by its key.
			b.StopTimer()
			var floor []time.Duration
			for i := range 2000 {
				t0 := time.Now()
				if _, err := svc.st.stop(ctx, 1, stops[i%len(stops)]); err != nil {
					b.Fatal(err)
				}
				floor = append(floor, time.Since(t0))
			}
			slices.Sort(floor)
			b.ReportMetric(float64(floor[len(floor)*99/100].Microseconds())/1000, "floor-p99-ms")
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

func benchStops(b *testing.B, d *db.DB) []string {
	rows, err := d.Writer().Query(`SELECT stop_id FROM transport_stops`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	if len(out) == 0 {
		b.Fatal(fmt.Errorf("no stops"))
	}
	return out
}
