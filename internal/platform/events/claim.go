package events

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// dbTimeout bounds one round's database work.
const dbTimeout = 30 * time.Second

// round publishes up to Batch pending rows in seq order, marks the ones
// the bus took and reports whether the batch was full (more may wait).
//
// The one dialect difference lives here. On PostgreSQL several instances
// share the table, so a round runs in a transaction that first takes a
// transaction-scoped advisory lock (one relay publishes at a time, which
// keeps seq order across instances; a relay that misses it returns
// errBusy) and reads its rows FOR UPDATE SKIP LOCKED, so rows another
// relay is publishing never enter this batch. On SQLite the process is
// the only writer, r.mu serialises rounds, and rows are read from the
// read pool, so no write lock is held while handlers run.
//
// The database work runs on a context that ignores ctx's cancellation
// (bounded by dbTimeout instead): a shutdown arriving mid-round must not
// roll back the marks of events the bus already took, which would publish
// them again. Publishing itself follows ctx.
func (r *Relay) round(ctx context.Context) (full bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return false, err
	}
	dbctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	if r.db.Engine != db.Postgres {
		return r.batch(dbctx, ctx, "")
	}
	var pubErr error
	err = r.db.InTx(dbctx, func(tx context.Context) error {
		var locked bool
		if err := r.db.Q(tx).QueryRowContext(tx,
			`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.event_outbox'))`).Scan(&locked); err != nil {
			return fmt.Errorf("events: relay lock: %w", err)
		}
		if !locked {
			pubErr = errBusy
			return nil
		}
		// Handlers get ctx, not tx: their own transactions must not join
		// the relay's.
		full, pubErr = r.batch(tx, ctx, " FOR UPDATE SKIP LOCKED")
		return nil
	})
	if err != nil {
		return false, err
	}
	return full, pubErr
}

// batch reads pending rows with qctx, publishes each with pctx until one
// fails, then marks the published prefix.
func (r *Relay) batch(qctx, pctx context.Context, lock string) (bool, error) {
	evs, err := r.pending(qctx, lock)
	if err != nil {
		return false, err
	}
	var pubErr error
	done := 0
	for _, e := range evs {
		if pubErr = r.bus.Publish(pctx, e); pubErr != nil {
			break
		}
		done++
	}
	if err := r.markPublished(qctx, evs[:done]); err != nil {
		return false, err
	}
	return pubErr == nil && len(evs) == r.opts.Batch, pubErr
}

func (r *Relay) pending(ctx context.Context, lock string) ([]Event, error) {
	rows, err := r.db.R(ctx).QueryContext(ctx,
		`SELECT seq, id, type, tenant_id, payload, created_ms FROM event_outbox
		 WHERE published_ms IS NULL ORDER BY seq LIMIT $1`+lock, r.opts.Batch)
	if err != nil {
		return nil, fmt.Errorf("events: read outbox: %w", err)
	}
	defer rows.Close()
	var evs []Event
	for rows.Next() {
		var e Event
		var payload string
		var ms int64
		if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.TenantID, &payload, &ms); err != nil {
			return nil, fmt.Errorf("events: read outbox: %w", err)
		}
		e.Payload, e.At = []byte(payload), db.Time(ms)
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// markPublished marks exactly the given rows (by seq, never a range: on
// PostgreSQL a lower seq may commit later than a higher one).
func (r *Relay) markPublished(ctx context.Context, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	args := []any{db.Millis(time.Now())}
	ph := make([]string, len(evs))
	for i, e := range evs {
		args = append(args, e.Seq)
		ph[i] = "$" + strconv.Itoa(i+2)
	}
	_, err := r.db.Q(ctx).ExecContext(ctx,
		`UPDATE event_outbox SET published_ms = $1 WHERE seq IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return fmt.Errorf("events: mark published: %w", err)
	}
	return nil
}
