package events_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// natsEnv turns on the NATS JetStream runs.
const natsEnv = "MUNI_TEST_NATS_URL"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// busKinds lists the buses this run covers; in CI a missing NATS URL
// fails instead of silently shrinking coverage.
func busKinds(t *testing.T) []string {
	if os.Getenv(natsEnv) != "" {
		return []string{"inprocess", "nats"}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("events: %s must be set in CI so the NATS bus is tested too", natsEnv)
	}
	return []string{"inprocess"}
}

// newBus opens a bus of kind (in-process retries live in d); a NATS bus
// gets a stream and subjects of its own, deleted when the test ends.
func newBus(t *testing.T, kind string, d *db.DB) events.Bus {
	if kind == "inprocess" {
		return events.NewInProcess(d, quiet, 5*time.Millisecond)
	}
	return newNATS(t, "T_"+token())
}

func token() string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return 'x'
	}, auth.NewToken(9))
}

// newNATS connects a bus to the stream named stream (created if absent).
func newNATS(t *testing.T, stream string) *events.NATS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := events.NewNATS(ctx, os.Getenv(natsEnv), events.NATSConfig{
		Stream: stream, Subject: strings.ToLower(stream) + ".events",
		MaxAge: time.Hour, Retry: 20 * time.Millisecond, AckWait: 5 * time.Second,
	}, quiet)
	if err != nil {
		t.Fatalf("NATS: %v", err)
	}
	t.Cleanup(func() {
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b.JetStream().DeleteStream(dctx, stream) // the first bus to close deletes it; later ones find it gone
		b.Close()
	})
	return b
}

// each runs body per engine × bus, each with a fresh database.
func each(t *testing.T, body func(t *testing.T, d *db.DB, bus events.Bus)) {
	for _, e := range testdb.Engines(t) {
		for _, k := range busKinds(t) {
			t.Run(string(e)+"/"+k, func(t *testing.T) {
				d := testdb.Open(t, e, events.Migrations)
				body(t, d, newBus(t, k, d))
			})
		}
	}
}

// fastRelay is a relay with short retries and, unless a test wants it,
// a poll so long that only commit wake-ups move events.
func fastRelay(d *db.DB, o *events.Outbox, bus events.Bus) *events.Relay {
	return events.NewRelay(d, o, bus, quiet, events.RelayOptions{
		Poll: time.Hour, RetryMin: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
}

// publish commits one event per payload, each in its own transaction.
func publish(t *testing.T, d *db.DB, o *events.Outbox, typ string, payloads ...any) {
	t.Helper()
	for _, p := range payloads {
		if err := d.InTx(context.Background(), func(ctx context.Context) error {
			return o.Publish(ctx, typ, "tenant-1", p)
		}); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
}

// recorder collects deliveries on a channel.
type recorder struct{ ch chan events.Event }

func newRecorder() *recorder { return &recorder{ch: make(chan events.Event, 1000)} }

func (r *recorder) handle(ctx context.Context, e events.Event) error {
	r.ch <- e
	return nil
}

// next waits for n deliveries, failing the test after a timeout.
func (r *recorder) next(t *testing.T, n int) []events.Event {
	t.Helper()
	var got []events.Event
	deadline := time.After(15 * time.Second)
	for len(got) < n {
		select {
		case e := <-r.ch:
			got = append(got, e)
		case <-deadline:
			t.Fatalf("got %d of %d deliveries", len(got), n)
		}
	}
	return got
}

// counting wraps a bus and counts what the relay hands to it, by id.
type counting struct {
	events.Bus
	mu     sync.Mutex
	seen   map[string]int
	fail   bool
	failed int // publishes refused while fail was set
}

func newCounting(b events.Bus) *counting { return &counting{Bus: b, seen: map[string]int{}} }

func (c *counting) Publish(ctx context.Context, e events.Event) error {
	c.mu.Lock()
	fail := c.fail
	if fail {
		c.failed++
	}
	c.mu.Unlock()
	if fail {
		return errBusDown
	}
	if err := c.Bus.Publish(ctx, e); err != nil {
		return err
	}
	c.mu.Lock()
	c.seen[e.ID]++ // counts what the bus took, not attempts
	c.mu.Unlock()
	return nil
}

func (c *counting) setFail(v bool) (failed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = v
	return c.failed
}

func (c *counting) total() (events, publishes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.seen {
		publishes += n
	}
	return len(c.seen), publishes
}

// eventually polls cond until it holds or 15 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
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

func lag(t *testing.T, d *db.DB) int64 {
	t.Helper()
	n, _, err := events.Lag(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
