package appeals

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
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

// The benchmarks of issue 3:
//
//	MUNI_BENCH_REPORTS=1000000 go test -run XXX -bench 'Open311Requests|Submit' -benchtime 200x ./internal/appeals/
//
// MUNI_BENCH_REPORTS is how many reports are stored first (50,000 by
// default); MUNI_BENCH_ENGINE=postgres runs them on PostgreSQL
// (MUNI_TEST_POSTGRES_URL). On SQLite the seeded database is built once
// and kept in the OS temp dir, keyed by the migrations' content and the
// count, so later runs only copy it.

func benchReports() int {
	if n, err := strconv.Atoi(os.Getenv("MUNI_BENCH_REPORTS")); err == nil && n > 0 {
		return n
	}
	return 50000
}

func benchEngine() db.Engine {
	if os.Getenv("MUNI_BENCH_ENGINE") == "postgres" {
		return db.Postgres
	}
	return db.SQLite
}

// benchCodes are the report categories of the seeded municipality, in the
// proportions residents file them (pothole most, snow least).
var benchCodes = []string{"pothole", "pothole", "pothole", "garbage", "garbage", "streetlight", "yard", "snow"}

// benchSeedVersion changes when the seeded rows change.
const benchSeedVersion = "2"

// benchEnv is a service over the benchmark engine holding n reports of
// muni A spread over the 365 days before the returned instant, which the
// service takes as now.
func benchEnv(b *testing.B, n int, writes bool) (*Service, map[string]Category, time.Time) {
	b.Helper()
	ctx := context.Background()
	var d *db.DB
	if benchEngine() == db.SQLite {
		d = cachedSQLite(b, n, writes)
	} else {
		d = cachedPostgres(b, n)
	}
	var last int64
	if err := d.Writer().QueryRowContext(ctx, `SELECT COALESCE(MAX(received_ms), 0) FROM appeals`).Scan(&last); err != nil {
		b.Fatal(err)
	}
	now := db.Time(last).Add(time.Minute)
	s := New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: newPlaces(), PerAccount: 1 << 30, PerIP: 1 << 30,
		Now: func() time.Time { return now }})
	cats, err := s.Categories(ctx, muniA.ID)
	if err != nil {
		b.Fatal(err)
	}
	byCode := map[string]Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	return s, byCode, now
}

// migrationsKey digests every migration file, so a cached database is
// rebuilt when the schema changes.
func migrationsKey(b *testing.B) string {
	h := sha256.New()
	for _, m := range sets {
		err := fs.WalkDir(m.FS, ".", func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return err
			}
			data, err := fs.ReadFile(m.FS, p)
			fmt.Fprintf(h, "%s/%s %d\n", m.Domain, p, len(data))
			h.Write(data)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// cachedSQLite opens a copy of the seeded SQLite database, building it
// first if the temp dir does not hold it yet.
func cachedSQLite(b *testing.B, n int, writes bool) *db.DB {
	b.Helper()
	ctx := context.Background()
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("muni-bench-appeals-%s-%s-%d.db", migrationsKey(b), benchSeedVersion, n))
	if _, err := os.Stat(cache); err != nil {
		built := filepath.Join(b.TempDir(), "seed.db")
		d, err := db.Open(ctx, "sqlite:"+built)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), sets...); err != nil {
			b.Fatal(err)
		}
		seedBench(b, d, n)
		if _, err := d.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		d.Close()
		if err := copyFile(built, cache+".tmp"); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(cache+".tmp", cache); err != nil {
			b.Fatal(err)
		}
		// Databases of an older schema or seed are of no further use.
		old, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("muni-bench-appeals-*-%d.db*", n)))
		for _, f := range old {
			if !strings.HasPrefix(f, cache) {
				os.Remove(f)
			}
		}
	}
	// A benchmark that only reads opens the cached file itself; one that
	// writes gets a copy, flushed to disk before the clock starts.
	path := cache
	if writes {
		path = filepath.Join(b.TempDir(), "bench.db")
		if err := copyFile(cache, path); err != nil {
			b.Fatal(err)
		}
	}
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), sets...); err != nil {
		b.Fatal(err)
	}
	return d
}

// cachedPostgres opens the seeded PostgreSQL schema, building it first if
// the database does not hold it yet. What a benchmark adds is deleted
// when it ends, so the next one starts from the same n reports.
func cachedPostgres(b *testing.B, n int) *db.DB {
	b.Helper()
	ctx := context.Background()
	base := os.Getenv(testdb.PostgresEnv)
	if base == "" {
		b.Skipf("%s is not set", testdb.PostgresEnv)
	}
	schema := fmt.Sprintf("bench_appeals_%s_%s_%d", migrationsKey(b), benchSeedVersion, n)
	admin, err := db.Open(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var ready bool
	if err := admin.Writer().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.tables
		WHERE table_schema = $1 AND table_name = 'bench_ready')`, schema).Scan(&ready); err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if !ready {
		// Schemas of an older schema or seed are of no further use.
		rows, err := admin.Writer().QueryContext(ctx, `SELECT schema_name FROM information_schema.schemata
			WHERE schema_name LIKE 'bench_appeals_%' AND schema_name LIKE $1 AND schema_name <> $2`, fmt.Sprintf("%%_%d", n), schema)
		if err != nil {
			b.Fatal(err)
		}
		var stale []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				b.Fatal(err)
			}
			stale = append(stale, name)
		}
		rows.Close()
		for _, name := range stale {
			admin.Writer().ExecContext(ctx, "DROP SCHEMA "+name+" CASCADE")
		}
		for _, stmt := range []string{"DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema} {
			if _, err := admin.Writer().ExecContext(ctx, stmt); err != nil {
				b.Fatal(err)
			}
		}
	}
	d, err := db.Open(ctx, u.String())
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), sets...); err != nil {
		b.Fatal(err)
	}
	if !ready {
		seedBench(b, d, n)
		if _, err := d.Writer().ExecContext(ctx, `CREATE TABLE bench_ready (n BIGINT)`); err != nil {
			b.Fatal(err)
		}
	}
	var last int64
	if err := d.Writer().QueryRowContext(ctx, `SELECT MAX(received_ms) FROM appeals`).Scan(&last); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		defer d.Close()
		for _, t := range []string{"appeals_history", "appeals_deadlines", "appeals_photos", "appeals_moderation"} {
			d.Writer().ExecContext(ctx, `DELETE FROM `+t+` WHERE appeal_id IN (SELECT id FROM appeals WHERE received_ms > $1)`, last)
		}
		d.Writer().ExecContext(ctx, `DELETE FROM appeals WHERE received_ms > $1`, last)
	})
	return d
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// seedBench stores the categories and n reports with their running or
// closed clocks, many rows per INSERT and 50,000 per transaction.
func seedBench(b *testing.B, d *db.DB, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Minute)
	s := New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: newPlaces(), Now: func() time.Time { return now }})
	cats := map[string]Category{}
	for _, code := range benchCodes {
		if _, ok := cats[code]; ok {
			continue
		}
		c, err := s.CreateCategory(admin(muniA), muniA.ID, CategoryInput{Code: code, Regime: RegimeReport, NameRU: code,
			SLA: SLA{Amount: 10, Unit: Days, Working: true}, AllowAnonymous: true})
		if err != nil {
			b.Fatal(err)
		}
		cats[code] = c
	}
	states := []State{Received, Registered, Assigned, InProgress, Fixed, Fixed, Fixed, ClosedNotFixed}
	const perStmt, perTx = 400, 50000
	appealCols := `id, tenant_id, tenant_path, regime, kind, collective, category_id, author_id, author_name, state,
		department_id, assignee_id, description, lat, lon, address, extended, answer, reason, redirect_to, demo,
		received_ms, updated_ms, supporters, confirmed_ms, rating`
	rowsSQL := func(cols, rows int) string {
		var sb strings.Builder
		k := 0
		for r := range rows {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(")
			for c := range cols {
				if c > 0 {
					sb.WriteString(", ")
				}
				k++
				if d.Engine == db.SQLite {
					sb.WriteString("?") // numbered names cost SQLite a linear search each
				} else {
					sb.WriteString("$" + strconv.Itoa(k))
				}
			}
			sb.WriteString(")")
		}
		return sb.String()
	}
	insert := func(rows int) (appeals, deadlines string) {
		return `INSERT INTO appeals (` + appealCols + `) VALUES ` + rowsSQL(26, rows),
			`INSERT INTO appeals_deadlines (appeal_id, clock, rule, basis, calendar, from_ms, due_ms, closed_ms) VALUES ` + rowsSQL(8, rows)
	}
	insAppeals, insDeadlines := insert(perStmt)
	prepare := func(tx *sql.Tx, q string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	step := 365 * 24 * time.Hour / time.Duration(n)
	for done := 0; done < n; {
		tx, err := d.Writer().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		stA, stD := prepare(tx, insAppeals), prepare(tx, insDeadlines)
		for end := min(done+perTx, n); done < end; {
			rows := min(perStmt, n-done)
			var av, dv []any
			for i := done; i < done+rows; i++ {
				at := now.Add(-time.Duration(i) * step)
				cat := cats[benchCodes[i%len(benchCodes)]]
				st := states[(i/len(benchCodes))%len(states)]
				id := db.NewID()
				lat, lon := 59.85+float64(i%1999)/10000, 30.2+float64(i%2003)/10000
				updated := at
				if st.Closed() {
					updated = at.Add(72 * time.Hour)
				}
				av = append(av, id, muniA.ID, muniA.Path, RegimeReport, "", 0, cat.ID, "", "", st, cat.DepartmentID, "",
					"Яма у дома "+strconv.Itoa(i%300)+".", lat, lon, "ул. Ленина, "+strconv.Itoa(i%300), 0, "", "", "", 0,
					db.Millis(at), db.Millis(updated), i%7, nil, 0)
				due := s.clocks.Due(cat.SLA.Rule(cat.NameRU), at, time.UTC)
				var closed any
				if st.Closed() {
					closed = db.Millis(updated)
				}
				dv = append(dv, id, due.Clock, due.Rule, due.Basis, due.Calendar, db.Millis(due.From), db.Millis(due.At), closed)
			}
			qa, qd := stA, stD
			if rows != perStmt {
				sa, sd := insert(rows)
				qa, qd = prepare(tx, sa), prepare(tx, sd)
			}
			if _, err := qa.ExecContext(ctx, av...); err != nil {
				b.Fatal(err)
			}
			if _, err := qd.ExecContext(ctx, dv...); err != nil {
				b.Fatal(err)
			}
			done += rows
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.Writer().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// latencies reports the 50th and 99th percentile of took.
func latencies(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	ms := func(q int) float64 { return float64(took[min(len(took)-1, len(took)*q/100)].Microseconds()) / 1000 }
	b.ReportMetric(ms(50), "p50-ms")
	b.ReportMetric(ms(99), "p99-ms")
}

// BenchmarkOpen311Requests serves GET requests.json over the stored
// reports with each filter alone and all together, and reports the 50th
// and 99th percentile latency of each.
func BenchmarkOpen311Requests(b *testing.B) {
	s, cats, now := benchEnv(b, benchReports(), false)
	h := testServer(b, s, nil)
	day := func(d int) string { return now.Add(-time.Duration(d) * 24 * time.Hour).UTC().Format(time.RFC3339) }
	ids, err := s.PublicReports(context.Background(), muniA.ID, PublicFilter{Limit: 10, From: now.Add(-200 * 24 * time.Hour),
		To: now.Add(-199 * 24 * time.Hour)})
	if err != nil || len(ids) < 3 {
		b.Fatalf("no reports to ask for by id: %v", err)
	}
	if _, ok := cats["snow"]; !ok {
		b.Fatal("the seeded categories are missing")
	}
	filters := []struct{ name, query string }{
		{"none", ""},
		{"service_code", "&service_code=snow"},
		{"status", "&status=closed"},
		{"dates", "&start_date=" + day(200) + "&end_date=" + day(170)},
		{"ids", "&service_request_id=" + ids[0].ID + "," + ids[1].ID + "," + ids[2].ID},
		{"all", "&service_code=pothole,snow&status=open&start_date=" + day(30) + "&end_date=" + day(0)},
	}
	for _, f := range filters {
		b.Run(f.name, func(b *testing.B) {
			path := "/open311/v2/requests.json?jurisdiction_id=a" + f.query
			took := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				took = append(took, time.Since(t0))
				if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "[{") {
					b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
				}
			}
			latencies(b, took)
		})
	}
}

// BenchmarkSubmitAPI files reports through the JSON API, in parallel, over
// the stored reports, and reports submissions per second.
func BenchmarkSubmitAPI(b *testing.B) {
	s, cats, _ := benchEnv(b, benchReports(), true)
	// Many residents from many addresses, each under the default limits.
	s.perAccount, s.perIP = DefaultPerAccount, DefaultPerIP
	actors := map[string]*auth.Actor{}
	for i := range 5000 {
		actors[strconv.Itoa(i)] = auth.From(resident("bench-" + strconv.Itoa(i)))
	}
	h := testServer(b, s, actors)
	var next atomic.Int64
	body := `{"regime":"report","category_id":"` + cats["pothole"].ID + `","description":"Яма у остановки школы.","point":{"lat":59.93,"lon":30.31}}`
	b.SetParallelism(4)
	b.ResetTimer()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v1/municipalities/a/appeals", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			i := int(next.Add(1) % 5000)
			req.Header.Set("X-Test-Actor", strconv.Itoa(i))
			req.RemoteAddr = fmt.Sprintf("10.0.%d.%d:40000", i/256, i%256)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 201 {
				b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "submissions/s")
}

// BenchmarkSubmitRaw is the baseline of BenchmarkSubmitAPI: the same
// rows (item, history step, clock) written straight through the store, one
// transaction each, in parallel — what the engine gives before HTTP,
// validation, rate limits, audit and events.
func BenchmarkSubmitRaw(b *testing.B) {
	s, cats, now := benchEnv(b, benchReports(), true)
	cat := cats["pothole"]
	due := s.clocks.Due(cat.SLA.Rule(cat.NameRU), now, time.UTC)
	b.SetParallelism(4)
	b.ResetTimer()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			a := Appeal{ID: db.NewID(), TenantID: muniA.ID, TenantPath: muniA.Path, Regime: RegimeReport, CategoryID: cat.ID,
				State: Received, Description: "Яма у остановки школы.", Point: &Point{Lat: 59.93, Lon: 30.31}, ReceivedAt: now, UpdatedAt: now}
			err := s.db.InTx(ctx, func(ctx context.Context) error {
				if err := s.st.createAppeal(ctx, a); err != nil {
					return err
				}
				if err := s.st.addStep(ctx, a.ID, Step{Seq: 1, Action: ActSubmit, To: Received, At: now}); err != nil {
					return err
				}
				return s.st.addDeadline(ctx, a.ID, due)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "submissions/s")
}
