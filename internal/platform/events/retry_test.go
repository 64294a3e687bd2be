package events_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// A consumer that keeps failing holds back neither the relay nor the
// other consumers: they get every event, in order.
func TestFailingConsumerDoesNotHoldBackOthers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		o := newOutboxRelayRunning(t, d, bus)
		var broken atomic.Int64
		if err := bus.Subscribe("broken", "x.happened", func(context.Context, events.Event) error {
			broken.Add(1)
			return errors.New("smtp down")
		}); err != nil {
			t.Fatal(err)
		}
		rec := newRecorder()
		if err := bus.Subscribe("fine", "x.happened", rec.handle); err != nil {
			t.Fatal(err)
		}
		publish(t, d, o, "x.happened", 1, 2, 3)
		got := rec.next(t, 3)
		for i, e := range got {
			if want := []string{"1", "2", "3"}[i]; string(e.Payload) != want {
				t.Fatalf("delivery %d is %s, want %s", i, e.Payload, want)
			}
		}
		eventually(t, "the outbox to empty", func() bool { return lag(t, d) == 0 })
		eventually(t, "the broken consumer to be retried", func() bool { return broken.Load() > 3 })
	})
}

// In-process retries: a consumer that recovers gets the event from its
// retry row, which then goes; the event's outbox row is kept from the
// purge while the retry waits.
func TestInProcessRetryRecovers(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			d := testdb.Open(t, e, events.Migrations)
			bus := events.NewInProcess(d, quiet, time.Hour) // retries run only when the test says
			o := events.NewOutbox(d)
			relay := fastRelay(d, o, bus)
			var healthy atomic.Bool
			delivered := make(chan events.Event, 10)
			if err := bus.Subscribe("mail", "x.happened", func(_ context.Context, e events.Event) error {
				if !healthy.Load() {
					return errors.New("smtp down")
				}
				delivered <- e
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			publish(t, d, o, "x.happened", "hello")
			if err := relay.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n, err := relay.Purge(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 0 {
				t.Fatalf("purge removed %d (%v) while a retry waits", n, err)
			}
			// Not due yet (the first delay is an hour): nothing runs.
			if n, err := bus.RetryDue(context.Background()); err != nil || n != 0 {
				t.Fatalf("RetryDue before the due time: %d, %v", n, err)
			}
			if _, err := d.Writer().Exec(`UPDATE event_retry SET next_ms = 0`); err != nil {
				t.Fatal(err)
			}
			if n, err := bus.RetryDue(context.Background()); err != nil || n != 0 {
				t.Fatalf("RetryDue while still failing: %d, %v", n, err)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM event_retry WHERE attempts = 2`); n != 1 {
				t.Fatalf("failed retry not rescheduled with attempts 2")
			}
			if _, err := d.Writer().Exec(`UPDATE event_retry SET next_ms = 0`); err != nil {
				t.Fatal(err)
			}
			healthy.Store(true)
			if n, err := bus.RetryDue(context.Background()); err != nil || n != 1 {
				t.Fatalf("RetryDue after recovery: %d, %v", n, err)
			}
			if e := <-delivered; string(e.Payload) != `"hello"` || e.Type != "x.happened" {
				t.Fatalf("retried %+v", e)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM event_retry`); n != 0 {
				t.Fatalf("%d retry rows left after success", n)
			}
			if n, err := relay.Purge(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 1 {
				t.Fatalf("purge after the retry: %d, %v; want the event row", n, err)
			}
		})
	}
}

// Two instances sharing a database never run the same retry together:
// each claims it with a conditional update first.
func TestInProcessRetryClaimedOnce(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			d := testdb.Open(t, e, events.Migrations)
			var runs atomic.Int64
			var buses []*events.InProcess
			for range 2 {
				b := events.NewInProcess(d, quiet, time.Hour)
				if err := b.Subscribe("c", "x.happened", func(context.Context, events.Event) error {
					if runs.Add(1) == 1 {
						return errors.New("first run fails")
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				buses = append(buses, b)
			}
			o := events.NewOutbox(d)
			relay := fastRelay(d, o, buses[0])
			publish(t, d, o, "x.happened", 1)
			if err := relay.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Writer().Exec(`UPDATE event_retry SET next_ms = 0`); err != nil {
				t.Fatal(err)
			}
			res := make(chan int, 2)
			for _, b := range buses {
				go func() {
					n, err := b.RetryDue(context.Background())
					if err != nil {
						t.Error(err)
					}
					res <- n
				}()
			}
			if total := <-res + <-res; total != 1 || runs.Load() != 2 {
				t.Fatalf("%d successful retries in %d runs, want 1 retry after the first failure", total, runs.Load())
			}
		})
	}
}

// The retries gauge counts deliveries waiting for a retry.
func TestRetriesGauge(t *testing.T) {
	d := testdb.Open(t, db.SQLite, events.Migrations)
	bus := events.NewInProcess(d, quiet, time.Hour)
	if err := bus.Subscribe("c", "x.happened", func(context.Context, events.Event) error { return errors.New("no") }); err != nil {
		t.Fatal(err)
	}
	o := events.NewOutbox(d)
	publish(t, d, o, "x.happened", 1, 2)
	if err := fastRelay(d, o, bus).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	if err := events.RegisterMetrics(reg, d); err != nil {
		t.Fatal(err)
	}
	if v := gather(t, reg)["muni_events_consumer_retries_pending"][0].GetGauge().GetValue(); v != 2 {
		t.Fatalf("retries gauge %v, want 2", v)
	}
}
