package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// get serves one request through the whole middleware chain.
func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHealthAndReadiness(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			h := newTestApp(t, e).Handler()
			w := get(t, h, "/healthz")
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"ok"`) {
				t.Fatalf("/healthz: %d %s", w.Code, w.Body)
			}
			w = get(t, h, "/readyz")
			var checks map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &checks); err != nil || w.Code != http.StatusOK ||
				checks["database"] != "ok" || checks["migrations"] != "ok" {
				t.Fatalf("/readyz on a migrated database: %d %s", w.Code, w.Body)
			}
		})
	}
}

// A node whose database is gone is alive but not ready, and says so
// without leaking the driver's error text.
func TestReadyzDatabaseDown(t *testing.T) {
	a := newTestApp(t, db.SQLite)
	a.DB.Close()
	w := get(t, a.Handler(), "/readyz")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"database":"unreachable"`) {
		t.Fatalf("/readyz with the database closed: %d %s", w.Code, w.Body)
	}
	if w := get(t, a.Handler(), "/healthz"); w.Code != http.StatusOK {
		t.Fatalf("/healthz: %d", w.Code)
	}
}

// A node whose database lacks a migration is alive but not ready.
func TestReadyzPendingMigration(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			cfg, err := config.Load("", []string{"MUNI_DATABASE_URL=" + testdb.URL(t, e)})
			if err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			d, err := db.Open(ctx, cfg.DatabaseURL)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			sets := app.Migrations()
			if err := d.Migrate(ctx, log, sets[:len(sets)-1]...); err != nil {
				t.Fatal(err)
			}
			a, err := app.New(ctx, cfg, log, d)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if w := get(t, a.Handler(), "/healthz"); w.Code != http.StatusOK {
				t.Fatalf("/healthz: %d", w.Code)
			}
			w := get(t, a.Handler(), "/readyz")
			if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"migrations":"pending"`) {
				t.Fatalf("/readyz with a pending migration: %d %s", w.Code, w.Body)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			a := newTestApp(t, e)
			if err := a.DB.InTx(context.Background(), func(ctx context.Context) error {
				return a.Outbox.Publish(ctx, "ops.tested", "t", 1)
			}); err != nil {
				t.Fatal(err)
			}
			get(t, a.Handler(), "/healthz")
			body := get(t, a.Handler(), "/metrics").Body.String()
			pool := `muni_db_pool_open_connections{pool="writer"}`
			if e == db.Postgres {
				pool = `muni_db_pool_open_connections{pool="shared"}`
			}
			for _, want := range []string{
				`muni_http_request_duration_seconds_bucket{code="200",method="GET",route="GET /healthz",le="0.001"}`,
				"muni_events_outbox_pending 1",
				"muni_events_outbox_oldest_age_seconds ",
				pool,
				"muni_db_pool_wait_count_total",
				"go_goroutines",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("/metrics lacks %s\n%s", want, grepLines(body, "muni_http_request_duration_seconds_count"))
				}
			}
		})
	}
}

// Every response carries a request id: the caller's when it is safe to
// echo, a fresh one otherwise, on errors and unknown paths too.
func TestRequestIDs(t *testing.T) {
	h := newTestApp(t, db.SQLite).Handler()
	for _, c := range []struct {
		name, path, sent string
		echo             bool
	}{
		{"generated", "/healthz", "", false},
		{"echoed", "/healthz", "abc-123_X.y", true},
		{"unsafe replaced", "/healthz", "<script>", false},
		{"too long replaced", "/healthz", strings.Repeat("a", 65), false},
		{"on not found", "/no/such/page", "req-404", true},
		{"on api problem", "/api/v1/no-such", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var w *httptest.ResponseRecorder
			if c.sent != "" {
				w = get(t, h, c.path, "X-Request-ID", c.sent)
			} else {
				w = get(t, h, c.path)
			}
			id := w.Header().Get("X-Request-ID")
			switch {
			case c.echo && id != c.sent:
				t.Fatalf("id %q, want %q echoed", id, c.sent)
			case !c.echo && (id == "" || id == c.sent):
				t.Fatalf("id %q for sent %q, want a fresh one", id, c.sent)
			}
		})
	}
	a, b := get(t, h, "/healthz").Header().Get("X-Request-ID"), get(t, h, "/healthz").Header().Get("X-Request-ID")
	if a == b {
		t.Fatalf("two requests share the id %q", a)
	}
}

// At shutdown an in-flight request finishes, no new connection is taken,
// and events its transaction published are relayed before Serve returns.
func TestGracefulShutdown(t *testing.T) {
	a := newTestApp(t, db.SQLite, "MUNI_LISTEN=127.0.0.1:0", "MUNI_SHUTDOWN_GRACE=10s")
	delivered := make(chan events.Event, 10)
	if err := a.Bus.Subscribe("ops", "ops.tested", func(_ context.Context, e events.Event) error {
		select {
		case delivered <- e:
		default:
			t.Errorf("event %s delivered more than 10 times", e.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	a.Router.Handle("GET /test/slow", func(w http.ResponseWriter, r *http.Request) error {
		close(entered)
		<-release
		if err := a.DB.InTx(r.Context(), func(ctx context.Context) error {
			return a.Outbox.Publish(ctx, "ops.tested", "t", "late")
		}); err != nil {
			return err
		}
		_, err := io.WriteString(w, "finished")
		return err
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready, served := make(chan string, 1), make(chan error, 1)
	go func() { served <- a.Serve(ctx, ready) }()
	addr := <-ready

	type result struct {
		body string
		err  error
	}
	resp := make(chan result, 1)
	go func() {
		r, err := http.Get("http://" + addr + "/test/slow")
		if err != nil {
			resp <- result{err: err}
			return
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		resp <- result{string(b), err}
	}()
	waitClosed(t, entered, "the slow request to start")
	cancel()
	eventuallyTrue(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) while a request was in flight", err)
	default:
	}
	close(release)
	if r := <-resp; r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v", r.body, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	select {
	case e := <-delivered:
		if string(e.Payload) != `"late"` {
			t.Fatalf("delivered %s", e.Payload)
		}
	default:
		t.Fatal("the in-flight request's event was not relayed before Serve returned")
	}
	if n, _, err := events.Lag(context.Background(), a.DB); err != nil || n != 0 {
		t.Fatalf("outbox after shutdown: %d pending, %v", n, err)
	}
}

func waitClosed(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func eventuallyTrue(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestBackup(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, e)
			if err := a.DB.InTx(ctx, func(ctx context.Context) error {
				for i := range 3 {
					if err := a.Outbox.Publish(ctx, "ops.tested", "t", i); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "sub", "backup.db")
			err := app.Backup(ctx, a.DB, path)
			if e == db.Postgres {
				if err == nil || !strings.Contains(err.Error(), "pg_dump") {
					t.Fatalf("backup on PostgreSQL: %v, want the pg_dump advice", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Fatalf("snapshot mode %v, want 0600 (it holds personal data)", fi.Mode().Perm())
			}
			snap, err := db.Open(ctx, "sqlite:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer snap.Close()
			var n int
			if err := snap.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM event_outbox`).Scan(&n); err != nil || n != 3 {
				t.Fatalf("snapshot holds %d outbox rows (%v), want 3", n, err)
			}
			if pending, err := snap.Pending(ctx, app.Migrations()...); err != nil || pending {
				t.Fatalf("snapshot migrations pending=%v, %v", pending, err)
			}
			if err := app.Backup(ctx, a.DB, path); err == nil || !strings.Contains(err.Error(), "exists") {
				t.Fatalf("backup over an existing file: %v", err)
			}
		})
	}
}

// grepLines returns the lines of s that contain sub, for failure messages.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// MUNI_NATS_URL switches the bus to NATS JetStream: with it set, an
// unreachable NATS stops start-up instead of silently falling back to the
// in-process bus.
func TestEventBusChoice(t *testing.T) {
	if _, ok := newTestApp(t, db.SQLite).Bus.(*events.InProcess); !ok {
		t.Fatal("default bus is not in-process")
	}
	if startErr(t, "MUNI_NATS_URL=nats://127.0.0.1:1") == nil {
		t.Fatal("New succeeded with NATS unreachable")
	}
	// The NATS bus itself is tested in platform/events on streams of its
	// own; an App here would join the shared MUNI_EVENTS stream and could
	// take events from another instance on the same server.
}

// TestAppOnNATS runs the whole application on NATS JetStream, on a stream
// of the test's own: a committed change reaches a subscriber through the
// outbox, the relay and the stream.
func TestAppOnNATS(t *testing.T) {
	url := os.Getenv("MUNI_TEST_NATS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("MUNI_TEST_NATS_URL must be set in CI")
		}
		t.Skip("MUNI_TEST_NATS_URL not set")
	}
	stream := "T_APP_" + strings.ToUpper(strings.ReplaceAll(auth.NewToken(6), "-", "_"))
	a := newTestApp(t, db.SQLite, "MUNI_NATS_URL="+url, "MUNI_NATS_STREAM="+stream)
	t.Cleanup(func() { // leave no stream behind on the shared server
		if nc, err := nats.Connect(url); err == nil {
			defer nc.Close()
			if js, err := jetstream.New(nc); err == nil {
				js.DeleteStream(context.Background(), stream)
			}
		}
	})
	if _, ok := a.Bus.(*events.NATS); !ok {
		t.Fatalf("bus is %T, want NATS", a.Bus)
	}
	// The import creates several nodes, so several events arrive; the
	// handler must never block, since it runs inside the idempotency
	// transaction and a blocked one would hold the database's writer.
	got := make(chan events.Event, 1)
	if err := events.Subscribe(a.Bus, a.DB, "test-app", "territory.node.created", func(ctx context.Context, e events.Event) error {
		select {
		case got <- e:
		default:
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Relay.Run(ctx)
	if _, err := a.ImportTerritory(context.Background(), strings.NewReader(
		"address,postal_code,country,federal_district,region_type,region,area_type,area,city_type,city,settlement_type,settlement,kladr_id,fias_id,fias_level,capital_marker,okato,oktmo,tax_office,timezone,geo_lat,geo_lon,population,foundation_year\n"+
			`"Ленинградская обл, г Сосновый Бор",188540,Россия,Северо-Западный,обл,Ленинградская,,,г,Сосновый Бор,,,4700000400000,f4a4b813-7189-4bd4-8a3a-aaa7fbed4711,4,0,41454000000,41754000001,4726,UTC+3,59.8772884,29.1291619,65901,1958`+"\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-got:
		if e.Type != "territory.node.created" || e.ID == "" {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no event arrived through NATS within 20 s")
	}
}
