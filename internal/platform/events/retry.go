package events

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/tick"
)

// retryLease is how long a claimed retry stays invisible to other
// instances; if the claimer dies mid-handler it becomes due again.
const retryLease = 5 * time.Minute

// retrier is a bus with per-consumer retries that the relay drives.
type retrier interface {
	retryLoop(ctx context.Context)
}

// scheduleRetry records that consumer must see e again after a delay
// growing with attempts. It does not follow ctx's cancellation: a handler
// failing because of shutdown must still leave its retry behind.
func (b *InProcess) scheduleRetry(ctx context.Context, consumer string, e Event, attempts int, cause error) error {
	ctx = context.WithoutCancel(ctx)
	delay := b.retry << min(attempts-1, 6)
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	_, err := b.db.Q(ctx).ExecContext(ctx,
		`INSERT INTO event_retry (consumer, event_id, attempts, next_ms, last_error) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (consumer, event_id) DO UPDATE
		 SET attempts = excluded.attempts, next_ms = excluded.next_ms, last_error = excluded.last_error`,
		consumer, e.ID, attempts, db.Millis(time.Now().Add(delay)), msg)
	if err != nil {
		return fmt.Errorf("events: schedule retry: %w", err)
	}
	b.log.Warn("events: handler failed, will retry", "consumer", consumer, "event", e.ID, "type", e.Type,
		"attempts", attempts, "retry_in", delay, "err", cause)
	return nil
}

// retryLoop runs due retries every retry interval until ctx ends.
func (b *InProcess) retryLoop(ctx context.Context) {
	tick.Every(ctx, b.retry, false, func(ctx context.Context) {
		if _, err := b.RetryDue(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("events: retries", "err", err)
		}
	})
}

type dueRetry struct {
	consumer string
	attempts int
	nextMS   int64
	e        Event
}

// RetryDue runs the retries whose time has come and reports how many
// handlers succeeded. Each retry is claimed first (a conditional update),
// so instances sharing a database never run the same one together.
func (b *InProcess) RetryDue(ctx context.Context) (int, error) {
	due, err := b.due(ctx)
	if err != nil {
		return 0, err
	}
	ok := 0
	for _, r := range due {
		done, err := b.retryOne(ctx, r)
		if err != nil {
			return ok, err
		}
		if done {
			ok++
		}
	}
	return ok, nil
}

func (b *InProcess) due(ctx context.Context) ([]dueRetry, error) {
	rows, err := b.db.R(ctx).QueryContext(ctx,
		`SELECT r.consumer, r.attempts, r.next_ms, o.seq, o.id, o.type, o.tenant_id, o.payload, o.created_ms
		 FROM event_retry r JOIN event_outbox o ON o.id = r.event_id
		 WHERE r.next_ms <= $1 ORDER BY r.next_ms, o.seq LIMIT 100`, db.Millis(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("events: due retries: %w", err)
	}
	defer rows.Close()
	var out []dueRetry
	for rows.Next() {
		var r dueRetry
		var payload string
		var ms int64
		if err := rows.Scan(&r.consumer, &r.attempts, &r.nextMS, &r.e.Seq, &r.e.ID, &r.e.Type, &r.e.TenantID, &payload, &ms); err != nil {
			return nil, fmt.Errorf("events: due retries: %w", err)
		}
		r.e.Payload, r.e.At = []byte(payload), db.Time(ms)
		out = append(out, r)
	}
	return out, rows.Err()
}

// retryOne claims r, runs its handler and settles the row: deleted on
// success (or when the consumer no longer subscribes), rescheduled on
// failure. It reports whether the handler succeeded.
func (b *InProcess) retryOne(ctx context.Context, r dueRetry) (bool, error) {
	q := b.db.Q(ctx)
	res, err := q.ExecContext(ctx, `UPDATE event_retry SET next_ms = $1 WHERE consumer = $2 AND event_id = $3 AND next_ms = $4`,
		db.Millis(time.Now().Add(retryLease)), r.consumer, r.e.ID, r.nextMS)
	if err != nil {
		return false, fmt.Errorf("events: claim retry: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err // another instance took it
	}
	h := b.handler(r.consumer, r.e.Type)
	if h == nil {
		b.log.Warn("events: retry dropped, consumer no longer subscribes", "consumer", r.consumer, "event", r.e.ID, "type", r.e.Type)
	} else if herr := call(ctx, h, r.e); herr != nil {
		return false, b.scheduleRetry(ctx, r.consumer, r.e, r.attempts+1, herr)
	}
	if _, err := q.ExecContext(context.WithoutCancel(ctx),
		`DELETE FROM event_retry WHERE consumer = $1 AND event_id = $2`, r.consumer, r.e.ID); err != nil {
		return false, fmt.Errorf("events: settle retry: %w", err)
	}
	return h != nil, nil
}
