package transport

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/muni-platform/muni/internal/platform/db"
)

// maxParams keeps a multi-row INSERT under PostgreSQL's limit on bound
// values (65535).
const maxParams = 30000

// sqliteRows is SQLite's rows per statement: its parser looks numbered
// parameters up one by one, so statements stay small and use "?".
const sqliteRows = 100

// preparer is a transaction that can prepare the batch's statement once.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// batch writes rows of one table with multi-row INSERTs: the fastest
// portable bulk path, one statement per few thousand rows (a hundred on
// SQLite), run by the loader's writer.
type batch struct {
	q      db.Querier
	table  string
	cols   []string
	per    int   // rows per statement
	buf    []any // pending values, row after row
	n      int   // pending rows
	stmt   string
	total  int
	prefix string
	suffix string

	positional bool      // "?" placeholders (SQLite), else "$N"
	prepared   *sql.Stmt // the full-batch statement, prepared on first use
	w          *writer   // the loader's writer, which runs the statements
}

func (l *loader) newBatch(table string, cols ...string) *batch {
	return l.newBatchSuffix(table, "", cols...)
}

// newBatchSuffix is newBatch with a clause after VALUES (ON CONFLICT …).
func (l *loader) newBatchSuffix(table, suffix string, cols ...string) *batch {
	per := min(maxParams/len(cols), 1000)
	if l.engine == db.SQLite {
		per = sqliteRows
	}
	b := &batch{q: l.q, w: l.w, table: table, cols: cols, per: per, buf: make([]any, 0, per*len(cols)), positional: l.engine == db.SQLite}
	b.prefix = "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	b.suffix = suffix
	b.stmt = b.values(per)
	return b
}

// values is the INSERT text for n rows.
func (b *batch) values(n int) string {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	p := 1
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for j := range b.cols {
			if j > 0 {
				sb.WriteByte(',')
			}
			if b.positional {
				sb.WriteByte('?')
			} else {
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(p))
				p++
			}
		}
		sb.WriteByte(')')
	}
	sb.WriteString(b.suffix)
	return sb.String()
}

// add queues one row (values in column order), handing a full batch to
// the loader's writer.
func (b *batch) add(ctx context.Context, vals ...any) error {
	b.buf = append(b.buf, vals...)
	b.n++
	b.total++
	if b.n < b.per {
		return nil
	}
	if b.prepared == nil {
		if p, ok := b.q.(preparer); ok {
			st, err := p.PrepareContext(ctx, b.stmt)
			if err != nil {
				return fmt.Errorf("transport: prepare %s: %w", b.table, err)
			}
			b.prepared = st
		}
	}
	return b.send(ctx, writeJob{stmt: b.prepared, text: b.stmt})
}

// flush hands over what is pending and, after it, the prepared
// statement's release.
func (b *batch) flush(ctx context.Context) error {
	if b.n > 0 {
		if err := b.send(ctx, writeJob{text: b.values(b.n)}); err != nil {
			return err
		}
	}
	if b.prepared != nil {
		st := b.prepared
		b.prepared = nil
		return b.w.put(ctx, writeJob{stmt: st, close: true, table: b.table})
	}
	return nil
}

// send gives the pending rows to the writer and starts a new buffer.
func (b *batch) send(ctx context.Context, j writeJob) error {
	j.args, j.table = b.buf, b.table
	if err := b.w.put(ctx, j); err != nil {
		return err
	}
	b.buf, b.n = b.w.buffer(b.per*len(b.cols)), 0
	return nil
}

// writer runs a loader's INSERTs on a goroutine of its own, in the order
// they were handed over, while the loader reads and checks the next rows:
// parsing and writing overlap on two cores. Everything still goes
// through the one transaction, so the import stays all or nothing; the
// first failure stops the writing and is returned by the next put and by
// wait.
type writer struct {
	q    db.Querier
	jobs chan writeJob
	free chan []any // spent argument buffers, for reuse
	done chan struct{}
	mu   sync.Mutex
	err  error
}

// writeJob is one statement: a prepared one, else text; or, with close,
// the release of a prepared statement after the jobs before it.
type writeJob struct {
	stmt  *sql.Stmt
	text  string
	args  []any
	table string
	close bool
}

func startWriter(ctx context.Context, q db.Querier) *writer {
	w := &writer{q: q, jobs: make(chan writeJob, 8), free: make(chan []any, 12), done: make(chan struct{})}
	go w.run(ctx)
	return w
}

func (w *writer) run(ctx context.Context) {
	defer close(w.done)
	for j := range w.jobs {
		var err error
		switch {
		case j.close:
			err = j.stmt.Close()
		case w.failure() != nil: // after a failure only statements are released
		case j.stmt != nil:
			_, err = j.stmt.ExecContext(ctx, j.args...)
		default:
			_, err = w.q.ExecContext(ctx, j.text, j.args...)
		}
		if err != nil {
			w.fail(fmt.Errorf("transport: insert %s: %w", j.table, err))
		}
		if j.args != nil {
			clear(j.args)
			select {
			case w.free <- j.args[:0]:
			default:
			}
		}
	}
}

func (w *writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *writer) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// put hands a job over, waiting while the writer is eight behind.
func (w *writer) put(ctx context.Context, j writeJob) error {
	if err := w.failure(); err != nil {
		return err
	}
	select {
	case w.jobs <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// buffer is an empty argument buffer of at least n, reused when one is
// free.
func (w *writer) buffer(n int) []any {
	select {
	case b := <-w.free:
		if cap(b) >= n {
			return b
		}
	default:
	}
	return make([]any, 0, n)
}

// wait lets the writer finish every job handed over and returns its
// first failure. The loader calls it once, before it returns.
func (w *writer) wait() error {
	close(w.jobs)
	<-w.done
	return w.failure()
}
