package transport

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

// maxParams keeps a multi-row INSERT under both engines' limits on bound
// values (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

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
}

func newBatch(q db.Querier, table string, cols ...string) *batch {
	return newBatchSuffix(q, table, "", cols...)
}

// newBatchSuffix is newBatch with a clause after VALUES (ON CONFLICT …).
func newBatchSuffix(q db.Querier, table, suffix string, cols ...string) *batch {
	per := maxParams / len(cols)
	if per > 1000 {
		per = 1000
	}
	b := &batch{q: q, table: table, cols: cols, per: per, buf: make([]any, 0, per*len(cols))}
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
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(p))
			p++
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
	if b.n == b.per {
		return b.flushWith(ctx, b.stmt)
	}
	return nil
}

// flush writes what is pending.
func (b *batch) flush(ctx context.Context) error {
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
