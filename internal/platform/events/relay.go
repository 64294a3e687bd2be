package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// RelayOptions tune the relay; zero values take the defaults.
type RelayOptions struct {
	Batch      int           // rows per round, default 100
	Poll       time.Duration // fallback poll when no commit wakes the relay, default 2s
	RetryMin   time.Duration // first back-off after a failed publish, default 1s
	RetryMax   time.Duration // back-off cap, default 1m
	Retention  time.Duration // published rows and consumer records are kept this long, default 7 days
	PurgeEvery time.Duration // how often old rows are purged, default 1h
}

func (o *RelayOptions) defaults() {
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.RetryMin <= 0 {
		o.RetryMin = time.Second
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(time.Minute, o.RetryMin)
	}
	if o.Retention <= 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.PurgeEvery <= 0 {
		o.PurgeEvery = time.Hour
	}
}

// Relay moves committed outbox rows to the bus in seq order and marks them
// published. A commit that published events wakes it; a poll ticker covers
// commits made by other instances. It is safe to run one relay per
// instance on a shared PostgreSQL database (see round).
type Relay struct {
	db   *db.DB
	bus  Bus
	log  *slog.Logger
	opts RelayOptions
	wake chan struct{}
	mu   sync.Mutex // one round at a time in this process (Run and Drain)
}

// NewRelay builds the relay for outbox o over bus and makes o wake it
// after each commit. Build it before serving requests.
func NewRelay(d *db.DB, o *Outbox, bus Bus, log *slog.Logger, opts RelayOptions) *Relay {
	opts.defaults()
	r := &Relay{db: d, bus: bus, log: log, opts: opts, wake: make(chan struct{}, 1)}
	o.notify = r.Wake
	return r
}

// Wake asks the relay to look for pending events now. It never blocks.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run relays until ctx ends. Publish failures are logged and retried with
// exponential back-off; old published rows are purged every PurgeEvery.
// With the in-process bus it also runs the per-consumer retries.
func (r *Relay) Run(ctx context.Context) {
	if rt, ok := r.bus.(retrier); ok {
		done := make(chan struct{})
		go func() { rt.retryLoop(ctx); close(done) }()
		defer func() { <-done }()
	}
	poll := time.NewTicker(r.opts.Poll)
	defer poll.Stop()
	purge := time.NewTicker(r.opts.PurgeEvery)
	defer purge.Stop()
	backoff := time.Duration(0)
	for {
		full, err := r.round(ctx)
		switch {
		case errors.Is(err, errBusy):
			// Another instance is publishing; look again shortly, since the
			// rows it read may not include the ones that woke us.
			if !wait(ctx, min(r.opts.Poll/10, r.opts.RetryMin)) {
				return
			}
			continue
		case err != nil && ctx.Err() == nil:
			backoff = min(max(2*backoff, r.opts.RetryMin), r.opts.RetryMax)
			r.log.Warn("events: relay round failed", "retry_in", backoff, "err", err)
			if !wait(ctx, backoff) {
				return
			}
			continue
		case err == nil:
			backoff = 0
		}
		if full {
			continue // more rows are waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-poll.C:
		case <-purge.C:
			r.purge(ctx)
		}
	}
}

// wait blocks for d or until ctx ends; it reports whether ctx is live.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (r *Relay) purge(ctx context.Context) {
	n, err := r.Purge(ctx, time.Now().Add(-r.opts.Retention))
	if err != nil {
		r.log.Warn("events: purge failed", "err", err)
	} else if n > 0 {
		r.log.Debug("events: old rows purged", "count", n)
	}
}

// Drain publishes everything committed and pending, for shutdown. It
// retries failed publishes until ctx ends and then returns the last error.
func (r *Relay) Drain(ctx context.Context) error {
	backoff := r.opts.RetryMin
	for {
		_, err := r.round(ctx)
		if err == nil || errors.Is(err, errBusy) {
			n, _, perr := Lag(ctx, r.db)
			if perr != nil {
				return perr
			}
			if n == 0 {
				return nil
			}
			// Rows still wait: a full batch (go on at once) or another
			// instance holds the relay lock and is publishing them.
			if err == nil {
				continue
			}
		}
		if !wait(ctx, backoff) {
			return fmt.Errorf("events: drain: %w", errors.Join(ctx.Err(), err))
		}
		backoff = min(2*backoff, r.opts.RetryMax)
	}
}

var errBusy = errors.New("events: another relay is publishing")

// Purge deletes rows published before t and consumer records older than
// t: the retention story of both tables. Unpublished rows, and rows a
// consumer still has to retry, are never purged.
func (r *Relay) Purge(ctx context.Context, t time.Time) (int64, error) {
	var total int64
	for _, q := range []string{
		`DELETE FROM event_outbox WHERE published_ms IS NOT NULL AND published_ms < $1
		 AND NOT EXISTS (SELECT 1 FROM event_retry r WHERE r.event_id = event_outbox.id)`,
		`DELETE FROM event_processed WHERE processed_ms < $1`,
	} {
		res, err := r.db.Q(ctx).ExecContext(ctx, q, db.Millis(t))
		if err != nil {
			return total, fmt.Errorf("events: purge: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// Lag reports how many committed events wait for the relay and how old
// the oldest of them is (zero when none wait).
func Lag(ctx context.Context, d *db.DB) (pending int64, oldest time.Duration, err error) {
	var minMS *int64
	err = d.R(ctx).QueryRowContext(ctx,
		`SELECT COUNT(*), MIN(created_ms) FROM event_outbox WHERE published_ms IS NULL`).Scan(&pending, &minMS)
	if err != nil {
		return 0, 0, fmt.Errorf("events: lag: %w", err)
	}
	if minMS != nil {
		oldest = max(time.Since(db.Time(*minMS)), 0)
	}
	return pending, oldest, nil
}
