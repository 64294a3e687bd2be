package events_test

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// BenchmarkOutboxToHandler measures one event end to end on SQLite with
// the in-process bus: a transaction that publishes it, the relay, and an
// idempotent handler that records it.
func BenchmarkOutboxToHandler(b *testing.B) {
	d := testdb.Open(b, db.SQLite, events.Migrations)
	bus, o := events.NewInProcess(d, quiet, 0), events.NewOutbox(d)
	relay := events.NewRelay(d, o, bus, quiet, events.RelayOptions{Batch: 500})
	if err := events.Subscribe(bus, d, "bench", "x.happened", func(context.Context, events.Event) error { return nil }); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if err := d.InTx(ctx, func(ctx context.Context) error {
			return o.Publish(ctx, "x.happened", "t", i)
		}); err != nil {
			b.Fatal(err)
		}
		if i%100 == 99 {
			if err := relay.Drain(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := relay.Drain(ctx); err != nil {
		b.Fatal(err)
	}
}
