package events_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
)

var errBusDown = errors.New("bus down")

func TestPublishNeedsTransaction(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		err := events.NewOutbox(d).Publish(context.Background(), "x.happened", "t", 1)
		if !errors.Is(err, events.ErrNoTx) {
			t.Fatalf("err = %v, want ErrNoTx", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM event_outbox`); n != 0 {
			t.Fatalf("%d rows written outside a transaction", n)
		}
	})
}

// An event is handed to the bus only after its transaction commits, and
// never when it rolls back.
func TestCommitRollbackVisibility(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, b events.Bus) {
		bus, rec, o := newCounting(b), newRecorder(), events.NewOutbox(d)
		if err := bus.Subscribe("rec", "x.happened", rec.handle); err != nil {
			t.Fatal(err)
		}
		relay := fastRelay(d, o, bus)
		ctx := context.Background()
		err := d.InTx(ctx, func(tx context.Context) error {
			if err := o.Publish(tx, "x.happened", "t", "committed"); err != nil {
				return err
			}
			// A relay round while the transaction is open sees nothing.
			if err := relay.Drain(ctx); err != nil {
				return err
			}
			if n, _ := bus.total(); n != 0 {
				t.Errorf("%d events published before commit", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rolled := errors.New("roll back")
		if err := d.InTx(ctx, func(tx context.Context) error {
			if err := o.Publish(tx, "x.happened", "t", "rolled back"); err != nil {
				return err
			}
			return rolled
		}); !errors.Is(err, rolled) {
			t.Fatal(err)
		}
		publish(t, d, o, "x.happened", "after")
		if err := relay.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		got := rec.next(t, 2)
		if p0, p1 := string(got[0].Payload), string(got[1].Payload); p0 != `"committed"` || p1 != `"after"` {
			t.Fatalf("delivered %s, %s; want committed, after", p0, p1)
		}
		if n, p := bus.total(); n != 2 || p != 2 {
			t.Fatalf("bus got %d events in %d publishes, want 2 in 2", n, p)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM event_outbox`); n != 2 {
			t.Fatalf("outbox holds %d rows, want 2 (the rolled back one never written)", n)
		}
	})
}

// A running relay is woken by the commit itself (its poll is an hour).
func TestDeliveredAfterCommit(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		rec, o := newRecorder(), events.NewOutbox(d)
		if err := bus.Subscribe("rec", "x.happened", rec.handle); err != nil {
			t.Fatal(err)
		}
		relay := fastRelay(d, o, bus)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { relay.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()

		publish(t, d, o, "x.happened", map[string]int{"n": 7})
		e := rec.next(t, 1)[0]
		if e.Type != "x.happened" || e.TenantID != "tenant-1" || string(e.Payload) != `{"n":7}` || e.ID == "" || e.At.IsZero() {
			t.Fatalf("delivered %+v", e)
		}
		eventually(t, "row marked published", func() bool { return lag(t, d) == 0 })
	})
}

// A handler error means redelivery: the event is not lost.
func TestRedeliveredOnHandlerError(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		o := newOutboxRelayRunning(t, d, bus)
		var mu sync.Mutex
		attempts := 0
		done := make(chan struct{})
		err := bus.Subscribe("flaky", "x.happened", func(ctx context.Context, e events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			attempts++
			if attempts < 3 {
				return fmt.Errorf("attempt %d fails", attempts)
			}
			close(done)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		publish(t, d, o, "x.happened", 1)
		waitFor(t, done, "the redelivery after handler errors")
		eventually(t, "row marked published", func() bool { return lag(t, d) == 0 })
		mu.Lock()
		defer mu.Unlock()
		if attempts != 3 {
			t.Fatalf("%d attempts, want 3", attempts)
		}
	})
}

// newOutboxRelayRunning returns an outbox whose relay runs until the test ends.
func newOutboxRelayRunning(t *testing.T, d *db.DB, bus events.Bus) *events.Outbox {
	o := events.NewOutbox(d)
	relay := fastRelay(d, o, bus)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { relay.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return o
}

// Events arrive in the order their transactions committed.
func TestOrder(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		rec, o := newRecorder(), events.NewOutbox(d)
		if err := bus.Subscribe("rec", "x.happened", rec.handle); err != nil {
			t.Fatal(err)
		}
		// Batch 7 makes the relay cross batch boundaries.
		relay := events.NewRelay(d, o, bus, quiet, events.RelayOptions{Batch: 7, Poll: time.Hour})
		var want []string
		for i := range 30 {
			want = append(want, fmt.Sprint(i))
		}
		publish(t, d, o, "x.happened", anySlice(want[:20])...)
		if err := d.InTx(context.Background(), func(ctx context.Context) error {
			for _, p := range want[20:] {
				if err := o.Publish(ctx, "x.happened", "t", p); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := relay.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := rec.next(t, 30)
		for i, e := range got {
			if string(e.Payload) != `"`+want[i]+`"` || (i > 0 && e.Seq <= got[i-1].Seq) {
				t.Fatalf("delivery %d is %s (seq %d), want %q in seq order", i, e.Payload, e.Seq, want[i])
			}
		}
	})
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Drain, called after Run has stopped, publishes what is pending; while
// the bus is down it keeps the rows and reports the failure.
func TestDrainOnShutdown(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, b events.Bus) {
		bus, rec, o := newCounting(b), newRecorder(), events.NewOutbox(d)
		if err := bus.Subscribe("rec", "x.happened", rec.handle); err != nil {
			t.Fatal(err)
		}
		relay := fastRelay(d, o, bus)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		relay.Run(ctx) // returns at once: the server is shutting down
		publish(t, d, o, "x.happened", 1, 2, 3)

		bus.setFail(true)
		short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancelShort()
		if err := relay.Drain(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("drain with the bus down: %v, want the deadline reported", err)
		}
		if n := lag(t, d); n != 3 {
			t.Fatalf("%d pending after a failed drain, want 3 kept", n)
		}
		if failed := bus.setFail(false); failed < 2 {
			t.Fatalf("drain tried %d times with the bus down, want retries", failed)
		}
		if err := relay.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := lag(t, d); n != 0 {
			t.Fatalf("%d pending after drain", n)
		}
		rec.next(t, 3)
	})
}

// Published rows and consumer records go after the retention period;
// pending rows stay whatever their age.
func TestPurge(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		o := events.NewOutbox(d)
		relay := fastRelay(d, o, bus)
		publish(t, d, o, "x.happened", 1, 2)
		if err := relay.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		publish(t, d, o, "x.happened", 3)
		h := events.Idempotent(d, "c", func(context.Context, events.Event) error { return nil })
		if err := h(context.Background(), events.Event{ID: "e1"}); err != nil {
			t.Fatal(err)
		}
		if n, err := relay.Purge(context.Background(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("purge of rows older than an hour removed %d, %v", n, err)
		}
		n, err := relay.Purge(context.Background(), time.Now().Add(time.Minute))
		if err != nil || n != 3 {
			t.Fatalf("purge removed %d, %v; want 2 published + 1 record", n, err)
		}
		if left := count(t, d, `SELECT COUNT(*) FROM event_outbox`); left != 1 || lag(t, d) != 1 {
			t.Fatalf("%d rows left, want the pending one", left)
		}
	})
}

// Two relays over one database never publish an event twice. On
// PostgreSQL they are two instances (two pools); on SQLite, where one
// process owns the file, they are two rounds of one relay racing.
func TestConcurrentRelaysPublishOnce(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, b events.Bus) {
		bus := newCounting(b)
		o := events.NewOutbox(d)
		r1 := fastRelay(d, o, bus)
		r2 := r1
		if d.Engine == db.Postgres {
			d2, err := db.Open(context.Background(), d.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			r2 = fastRelay(d2, events.NewOutbox(d2), bus)
		}
		payloads := make([]any, 250)
		for i := range payloads {
			payloads[i] = i
		}
		publish(t, d, o, "x.happened", payloads...)
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, r := range []*events.Relay{r1, r2} {
			wg.Go(func() { errs <- r.Drain(context.Background()) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, p := bus.total(); n != 250 || p != 250 {
			t.Fatalf("%d events in %d publishes, want 250 once each", n, p)
		}
	})
}

// cancelAfterPublish is a bus on which shutdown arrives right after the
// first event is taken, in the middle of the relay's round.
type cancelAfterPublish struct {
	events.Bus
	cancel context.CancelFunc
}

func (c cancelAfterPublish) Publish(ctx context.Context, e events.Event) error {
	err := c.Bus.Publish(ctx, e)
	c.cancel()
	return err
}

// A shutdown in mid-round keeps the marks of what the bus took, so the
// drain that follows does not publish those events again.
func TestShutdownMidRoundDoesNotRepublish(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, b events.Bus) {
		bus := newCounting(b)
		ctx, cancel := context.WithCancel(context.Background())
		o := events.NewOutbox(d)
		relay := fastRelay(d, o, cancelAfterPublish{bus, cancel})
		publish(t, d, o, "x.happened", 1, 2)
		relay.Run(ctx) // publishes event 1, then sees the cancellation
		if err := relay.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, p := bus.total(); n != 2 || p != 2 {
			t.Fatalf("%d events in %d publishes, want 2 once each", n, p)
		}
	})
}

// Two running instances on PostgreSQL, each publishing and relaying,
// deliver every event exactly once between them.
func TestTwoRunningRelays(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, b events.Bus) {
		if d.Engine != db.Postgres {
			return // one process owns a SQLite file: there is no second instance
		}
		d2, err := db.Open(context.Background(), d.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		bus := newCounting(b)
		var outs []*events.Outbox
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		defer func() { cancel(); wg.Wait() }()
		for _, dd := range []*db.DB{d, d2} {
			o := events.NewOutbox(dd)
			r := fastRelay(dd, o, bus)
			outs = append(outs, o)
			wg.Go(func() { r.Run(ctx) })
		}
		const perInstance = 60
		var pub sync.WaitGroup
		for i, dd := range []*db.DB{d, d2} {
			pub.Go(func() {
				for j := range perInstance {
					if err := dd.InTx(context.Background(), func(ctx context.Context) error {
						return outs[i].Publish(ctx, "x.happened", "t", j)
					}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		pub.Wait()
		eventually(t, "every event published", func() bool { n, _ := bus.total(); return n == 2*perInstance })
		if n, p := bus.total(); p != n {
			t.Fatalf("%d events in %d publishes, want each once", n, p)
		}
		eventually(t, "every row marked published", func() bool { return lag(t, d) == 0 })
	})
}
