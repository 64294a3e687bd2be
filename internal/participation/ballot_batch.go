package participation

import (
	"context"
	"crypto/ed25519"
	"sync"
)

// Group commit. A transaction's commit (the WAL write and sync) costs more
// than the ballot's own statements, so concurrent casts share one: the
// first caller to find no batch running becomes its leader, takes every
// ballot queued so far and writes them in one transaction, each inside its
// own savepoint — a refused ballot rolls back to its savepoint and leaves
// the others alone. The leader repeats until the queue is empty; the
// others wait for their result. No goroutine outlives a call.

const maxBatch = 512

type pendingCast struct {
	c    castRequest
	r    Receipt
	err  error
	done chan struct{}
}

type batcher struct {
	mu      sync.Mutex
	queue   []*pendingCast
	running bool
}

// submit casts c in the next batch and returns its own result.
func (bb *BallotBox) submit(ctx context.Context, key ed25519.PrivateKey, c castRequest) (Receipt, error) {
	p := &pendingCast{c: c, done: make(chan struct{})}
	b := &bb.batch
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if b.running {
		b.mu.Unlock()
		<-p.done
		return p.r, p.err
	}
	b.running = true
	for len(b.queue) > 0 {
		n := min(len(b.queue), maxBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()
		bb.commitBatch(context.WithoutCancel(ctx), key, batch)
		b.mu.Lock()
	}
	b.running = false
	b.mu.Unlock()
	<-p.done
	return p.r, p.err
}

// commitBatch writes a batch in one transaction and hands out the results.
func (bb *BallotBox) commitBatch(ctx context.Context, key ed25519.PrivateKey, batch []*pendingCast) {
	err := bb.s.db.InTx(ctx, func(ctx context.Context) error {
		q := bb.s.db.Q(ctx)
		logs := bb.s.st.newLogSet()
		for _, p := range batch {
			if _, err := q.ExecContext(ctx, `SAVEPOINT ballot`); err != nil {
				return err
			}
			m := logs.mark()
			p.r, p.err = bb.cast(ctx, logs, p.c)
			if p.err != nil {
				logs.reset(m)
				if _, err := q.ExecContext(ctx, `ROLLBACK TO SAVEPOINT ballot`); err != nil {
					return err
				}
			}
			if _, err := q.ExecContext(ctx, `RELEASE SAVEPOINT ballot`); err != nil {
				return err
			}
		}
		cps, err := logs.flush(ctx, key)
		for _, p := range batch {
			if p.err == nil {
				p.r.Checkpoint = cps[p.r.BudgetID]
			}
		}
		return err
	})
	for _, p := range batch {
		if err != nil {
			p.r, p.err = Receipt{}, err
		}
		close(p.done)
	}
}
