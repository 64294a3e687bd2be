package transport

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

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
// portable bulk path, one statement per few thousand rows.
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
	b := &batch{q: l.q, table: table, cols: cols, per: per, buf: make([]any, 0, per*len(cols)), positional: l.engine == db.SQLite}
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

// add queues one row (values in column order), writing when full.
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
	if b.prepared != nil {
		if _, err := b.prepared.ExecContext(ctx, b.buf...); err != nil {
			return fmt.Errorf("transport: insert %s: %w", b.table, err)
		}
		b.buf, b.n = b.buf[:0], 0
		return nil
	}
	return b.flushWith(ctx, b.stmt)
}

// flush writes what is pending and releases the prepared statement.
func (b *batch) flush(ctx context.Context) error {
	if b.prepared != nil {
		defer b.prepared.Close()
	}
	if b.n == 0 {
		return nil
	}
	return b.flushWith(ctx, b.values(b.n))
}

func (b *batch) flushWith(ctx context.Context, stmt string) error {
	if _, err := b.q.ExecContext(ctx, stmt, b.buf...); err != nil {
		return fmt.Errorf("transport: insert %s: %w", b.table, err)
	}
	b.buf = b.buf[:0]
	b.n = 0
	return nil
}
