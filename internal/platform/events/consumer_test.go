package events_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
)

func tallyTable(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := d.Writer().ExecContext(context.Background(), `CREATE TABLE tally (event_id TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
}

// A duplicate delivery (here: the ack is lost after the handler
// committed, so the bus redelivers) takes effect once.
func TestIdempotentConsumerProcessesDuplicateOnce(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		tallyTable(t, d)
		o := newOutboxRelayRunning(t, d, bus)
		inner := events.Idempotent(d, "tally", func(ctx context.Context, e events.Event) error {
			_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO tally (event_id) VALUES ($1)`, e.ID)
			return err
		})
		var mu sync.Mutex
		deliveries := 0
		second := make(chan struct{})
		err := bus.Subscribe("tally", "x.happened", func(ctx context.Context, e events.Event) error {
			if err := inner(ctx, e); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			deliveries++
			switch deliveries {
			case 1:
				return errors.New("ack lost")
			case 2:
				close(second)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		publish(t, d, o, "x.happened", 1)
		waitFor(t, second, "the redelivery")
		if n := count(t, d, `SELECT COUNT(*) FROM tally`); n != 1 {
			t.Fatalf("handler took effect %d times, want once", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM event_processed WHERE consumer = 'tally'`); n != 1 {
			t.Fatalf("%d processed records, want 1", n)
		}
	})
}

// A failing handler leaves no record and none of its writes, so the
// redelivery runs it again.
func TestIdempotentConsumerRollsBackOnError(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		tallyTable(t, d)
		o := newOutboxRelayRunning(t, d, bus)
		var mu sync.Mutex
		calls := 0
		done := make(chan struct{})
		err := events.Subscribe(bus, d, "tally", "x.happened", func(ctx context.Context, e events.Event) error {
			if _, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO tally (event_id) VALUES ($1)`, e.ID); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 1 {
				var n int
				if err := d.R(context.Background()).QueryRowContext(context.Background(),
					`SELECT COUNT(*) FROM event_processed`).Scan(&n); err != nil || n != 0 {
					t.Errorf("processed records outside the handler's transaction: %d, %v", n, err)
				}
				return errors.New("fails after writing")
			}
			close(done)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		publish(t, d, o, "x.happened", 1)
		waitFor(t, done, "the redelivery")
		// done closes inside the handler, before its transaction commits.
		eventually(t, "the successful run committed", func() bool {
			return count(t, d, `SELECT COUNT(*) FROM event_processed`) == 1
		})
		if n := count(t, d, `SELECT COUNT(*) FROM tally`); n != 1 {
			t.Fatalf("tally has %d rows, want only the successful run's", n)
		}
	})
}

// Concurrent duplicates (two instances handling one event at once) take
// effect once on both engines.
func TestIdempotentConcurrentDuplicates(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, _ events.Bus) {
		tallyTable(t, d)
		h := events.Idempotent(d, "tally", func(ctx context.Context, e events.Event) error {
			_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO tally (event_id) VALUES ($1)`, e.ID)
			return err
		})
		e := events.Event{ID: db.NewID(), Type: "x.happened"}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() { errs <- h(context.Background(), e) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM tally`); n != 1 {
			t.Fatalf("%d effects of 8 concurrent deliveries, want 1", n)
		}
	})
}

// waitFor waits for ch to close, failing the test after a timeout.
func waitFor(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
