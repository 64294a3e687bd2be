package db

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Multi-row statements. Writing rows one statement each costs a round
// trip per row on PostgreSQL and a statement execution per row on SQLite;
// one INSERT … VALUES (…), (…) carries a chunk of them for the price of
// one. ExecRows and QueryRows write any number of rows that way in the
// transaction carried by the context; CopyRows and InsertNew (copy.go)
// go by COPY on PostgreSQL when the rows are many.

// maxChunkParams bounds the parameters of one multi-row statement:
// SQLite's cost to prepare and bind a statement grows with its size
// faster than the rows it saves (metering measured the same), and both
// engines cap the parameters of a statement.
const maxChunkParams = 2048

// Chunks splits n rows of cols parameters each into the row counts of the
// statements that write them: full chunks of the largest power of two
// that keeps a statement within maxChunkParams, then the rest as a sum of
// smaller powers of two. So only a handful of statement texts ever occur,
// and each is prepared once and kept by the statement caches (the
// writer's on SQLite, pgx's per connection) instead of parsed per call.
func Chunks(n, cols int) []int {
	max := 1
	if cols > 0 && cols <= maxChunkParams {
		max = 1 << (bits.Len(uint(maxChunkParams/cols)) - 1)
	}
	var out []int
	for ; n >= max; n -= max {
		out = append(out, max)
	}
	for b := max >> 1; b > 0; b >>= 1 {
		if n&b != 0 {
			out = append(out, b)
		}
	}
	return out
}

// Values is the VALUES list of a statement writing rows rows of cols
// parameters each: "($1,$2),($3,$4)" on PostgreSQL and "(?,?),(?,?)" on
// SQLite, whose driver looks "$N" names up one by one (binding a large
// statement would be quadratic in its parameters). The statement must
// have no other parameters.
func (d *DB) Values(rows, cols int) string {
	var b strings.Builder
	b.Grow(rows * cols * 5)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			if d.Engine == Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(i*cols + j + 1))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// RowArgs appends the cols values of row i to args and returns it.
type RowArgs func(args []any, i int) []any

// ExecRows writes n rows with the statement head + VALUES list + tail
// ("INSERT INTO t (a, b) VALUES " and "" or " ON CONFLICT DO NOTHING"),
// in chunks (see Chunks), on the transaction or writer in ctx; row gives
// each row's cols values in column order. It returns the rows affected.
func (d *DB) ExecRows(ctx context.Context, head, tail string, n, cols int, row RowArgs) (int64, error) {
	var total int64
	err := d.eachChunk(n, cols, row, func(rows int, args []any) error {
		res, err := d.Q(ctx).ExecContext(ctx, head+d.Values(rows, cols)+tail, args...)
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		total += k
		return err
	})
	return total, err
}

// QueryRows is ExecRows for a statement that returns rows (a tail with
// RETURNING): scan reads each row returned.
func (d *DB) QueryRows(ctx context.Context, head, tail string, n, cols int, row RowArgs, scan func(*sql.Rows) error) error {
	return d.eachChunk(n, cols, row, func(rows int, args []any) error {
		rs, err := d.Q(ctx).QueryContext(ctx, head+d.Values(rows, cols)+tail, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			if err := scan(rs); err != nil {
				return err
			}
		}
		return rs.Err()
	})
}

// eachChunk calls run with each chunk's row count and arguments.
func (d *DB) eachChunk(n, cols int, row RowArgs, run func(rows int, args []any) error) error {
	chunks := Chunks(n, cols)
	if len(chunks) == 0 {
		return nil
	}
	args := make([]any, 0, chunks[0]*cols)
	i := 0
	for _, k := range chunks {
		args = args[:0]
		for j := i; j < i+k; j++ {
			args = row(args, j)
		}
		if len(args) != k*cols {
			return fmt.Errorf("db: %d values for %d rows of %d columns", len(args), k, cols)
		}
		if err := run(k, args); err != nil {
			return err
		}
		i += k
	}
	return nil
}
