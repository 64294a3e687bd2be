package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// newTestApp builds the whole application over a fresh database on engine
// e, with settings from env (MUNI_* pairs) on top of the defaults.
func newTestApp(t testing.TB, e db.Engine, env ...string) *app.App {
	t.Helper()
	ctx := context.Background()
	// No embedded MQTT broker unless a test asks for one: its fixed port
	// would clash between tests and with a running demo.
	env = append([]string{"MUNI_DATABASE_URL=" + testdb.URL(t, e), "MUNI_MQTT_LISTEN=off"}, env...)
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	a, err := app.New(ctx, cfg, log, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// startErr builds an app on a fresh SQLite database with env and returns
// the error New gives (closing the app when there is none), for tests of
// settings that must stop the start.
func startErr(t *testing.T, env ...string) error {
	t.Helper()
	cfg, err := config.Load("", append([]string{"MUNI_DATABASE_URL=" + testdb.URL(t, db.SQLite), "MUNI_MQTT_LISTEN=off"}, env...))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := app.Open(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	a, err := app.New(context.Background(), cfg, log, d)
	if err == nil {
		a.Close()
	}
	return err
}

// newDemoServer is newTestApp on SQLite with the demo seeded, served by an
// httptest server that closes when the test ends.
func newDemoServer(t testing.TB) (*app.App, *app.DemoWorld, *httptest.Server) {
	t.Helper()
	a := newTestApp(t, db.SQLite)
	world, err := a.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Handler())
	t.Cleanup(ts.Close)
	return a, world, ts
}
