package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Group commit for SQLite. A small transaction's commit (writing its pages
// to the WAL) costs more than its statements, and SQLite has one writer, so
// concurrent small transactions queue for it anyway. InTxGroup lets them
// share one: the first caller to find no group running becomes its leader,
// takes every call queued so far and runs each inside its own savepoint of
// one transaction — a call that fails rolls back to its savepoint and
// leaves the others alone. Each call returns only after the shared commit,
// so nothing is acknowledged before it is durable, and its AfterCommit
// hooks run only if its savepoint was kept. On PostgreSQL, which has many
// writers, it is InTx.

const maxGroup = 256

type groupCall struct {
	ctx  context.Context
	fn   func(ctx context.Context) error
	err  error
	done chan struct{}
}

type grouper struct {
	mu      sync.Mutex
	queue   []*groupCall
	running bool
}

// InTxGroup runs fn in a transaction it may share with concurrent callers
// (see above). fn must not depend on running in the caller's goroutine.
func (d *DB) InTxGroup(ctx context.Context, fn func(ctx context.Context) error) error {
	if d.Engine != SQLite || InTxNow(ctx) {
		return d.InTx(ctx, func(ctx context.Context) error { return runCall(ctx, fn) })
	}
	c := &groupCall{ctx: ctx, fn: fn, done: make(chan struct{})}
	g := &d.group
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if g.running {
		g.mu.Unlock()
		<-c.done
		return c.err
	}
	g.running = true
	for len(g.queue) > 0 {
		n := min(len(g.queue), maxGroup)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		d.commitGroup(batch)
		g.mu.Lock()
	}
	g.running = false
	g.mu.Unlock()
	<-c.done
	return c.err
}

// commitGroup runs a group's calls in one transaction and hands out the
// results.
func (d *DB) commitGroup(batch []*groupCall) {
	defer func() {
		for _, c := range batch {
			close(c.done)
		}
	}()
	tx, err := d.write.BeginTx(context.Background(), nil)
	if err != nil {
		for _, c := range batch {
			c.err = fmt.Errorf("db: begin: %w", err)
		}
		return
	}
	q := &txQuerier{tx: tx, cache: d.wcache}
	states := make([]*txState, len(batch))
	kept := 0
	for i, c := range batch {
		s := &txState{tx: tx, q: q}
		ctx := context.WithValue(c.ctx, txKey{}, s)
		if _, err := q.ExecContext(context.Background(), `SAVEPOINT grp`); err != nil {
			c.err = fmt.Errorf("db: savepoint: %w", err)
			continue
		}
		c.err = runCall(ctx, c.fn)
		if c.err != nil {
			if _, err := q.ExecContext(context.Background(), `ROLLBACK TO SAVEPOINT grp`); err != nil {
				// The transaction can't be trusted any more: give up the group.
				c.err = errors.Join(c.err, err)
				d.failGroup(tx, batch, fmt.Errorf("db: rollback to savepoint: %w", err))
				return
			}
		} else {
			states[i] = s
			kept++
		}
		if _, err := q.ExecContext(context.Background(), `RELEASE SAVEPOINT grp`); err != nil {
			d.failGroup(tx, batch, fmt.Errorf("db: release savepoint: %w", err))
			return
		}
	}
	if kept == 0 {
		_ = tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		for i, c := range batch {
			if states[i] != nil {
				c.err = fmt.Errorf("db: commit: %w", err)
			}
		}
		return
	}
	d.gen.Add(1)
	if len(q.unprepared) > 0 {
		go d.wcache.prepare(q.unprepared)
	}
	for _, s := range states {
		if s == nil {
			continue
		}
		for _, f := range s.after {
			f()
		}
	}
}

// failGroup rolls the whole group back and fails every call that had not
// failed on its own.
func (d *DB) failGroup(tx interface{ Rollback() error }, batch []*groupCall, err error) {
	_ = tx.Rollback()
	for _, c := range batch {
		if c.err == nil {
			c.err = err
		}
	}
}

// runCall runs fn, turning a panic into its caller's error: the leader runs
// others' functions, and one that panics must not leave the writer's
// transaction open or the others waiting.
func runCall(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("db: panic in grouped transaction: %v", v)
		}
	}()
	return fn(ctx)
}
