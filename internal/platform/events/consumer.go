package events

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Idempotent wraps h so that it takes effect once per event, however
// often the bus delivers it. It opens a transaction, records (consumer,
// event id) in event_processed and runs h in that same transaction: if h
// fails, the record rolls back with h's writes and the redelivery runs h
// again; if the record already exists, h is skipped. On PostgreSQL a
// concurrent duplicate waits on the record's key and is then skipped.
// h must do its writes through d with the ctx it receives.
func Idempotent(d *db.DB, consumer string, h Handler) Handler {
	return func(ctx context.Context, e Event) error {
		return d.InTx(ctx, func(ctx context.Context) error {
			res, err := d.Q(ctx).ExecContext(ctx,
				`INSERT INTO event_processed (consumer, event_id, processed_ms) VALUES ($1, $2, $3)
				 ON CONFLICT (consumer, event_id) DO NOTHING`,
				consumer, e.ID, db.Millis(time.Now()))
			if err != nil {
				return fmt.Errorf("events: record %s for %s: %w", e.ID, consumer, err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // already processed: a duplicate delivery
			}
			return h(ctx, e)
		})
	}
}

// Subscribe registers h on bus as an idempotent consumer: the usual way a
// domain listens to another's events.
func Subscribe(bus Bus, d *db.DB, consumer, eventType string, h Handler) error {
	return bus.Subscribe(consumer, eventType, Idempotent(d, consumer, h))
}
