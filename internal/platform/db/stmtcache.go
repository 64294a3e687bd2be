package db

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache; queries built with a varying
// number of placeholders past it simply run unprepared.
const maxCachedStmts = 512

// stmtCache is a Querier over a pool that prepares each query text once.
// modernc's SQLite parses every statement from scratch, and on a page that
// runs a handful of small queries the parsing costs more than the reading.
// (pgx already caches prepared statements per connection.)
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(d *sql.DB) *stmtCache { return &stmtCache{db: d, stmts: map[string]*sql.Stmt{}} }

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.stmts[query]
	n := len(c.stmts)
	c.mu.RUnlock()
	if ok || n >= maxCachedStmts {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the plain call report the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		st.Close()
		return prev
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// lookup returns query's statement if it is prepared already.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st, ok := c.stmts[query]
	return st, ok
}

// prepare prepares queries not yet in the cache, waiting for a connection
// as long as it takes.
func (c *stmtCache) prepare(queries []string) {
	for _, q := range queries {
		c.stmt(context.Background(), q)
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// txQuerier runs a SQLite write transaction's statements through the
// writer's prepared statements. The writer is one connection and the
// transaction holds it, so a statement can't be prepared on the pool
// mid-transaction (that would wait for the connection forever); instead a
// query seen for the first time runs unprepared and is prepared once the
// transaction commits, and later transactions bind the prepared statement
// to themselves (Tx.StmtContext reuses the connection's prepared form).
// Without it every INSERT of every transaction is parsed again.
type txQuerier struct {
	tx         *sql.Tx
	cache      *stmtCache
	unprepared []string
}

func (t *txQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.cache.lookup(query); ok && st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if len(t.unprepared) < 64 {
		t.unprepared = append(t.unprepared, query)
	}
	return nil
}

func (t *txQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *txQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *txQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// PrepareContext prepares a statement on the transaction, for callers that
// run one statement many times within it (bulk loads).
func (t *txQuerier) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}
