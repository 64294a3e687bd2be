package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// copyMin is the fewest rows CopyRows sends by COPY: below it a few
// INSERTs cost fewer round trips than COPY, which first asks the server
// for the columns' types.
const copyMin = 100

// CopyRows writes n new rows into table's columns cols in the transaction
// in ctx, row giving each row's values in column order. On PostgreSQL it
// uses COPY, which streams the rows while the server stores them and
// costs no statement per chunk; elsewhere, or outside a transaction,
// multi-row INSERTs (ExecRows). COPY knows no ON CONFLICT: a row that is
// not new fails the transaction. It returns the rows written.
func (d *DB) CopyRows(ctx context.Context, table string, cols []string, n int, row RowArgs) (int64, error) {
	s, ok := ctx.Value(txKey{}).(*txState)
	if !ok || s.conn == nil || n < copyMin {
		return d.ExecRows(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ", "", n, len(cols), row)
	}
	src := &rowSource{n: n, cols: len(cols), row: row, i: -1}
	var copied int64
	err := s.conn.Raw(func(dc any) error {
		c, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("db: copy: driver connection %T is not pgx", dc)
		}
		var err error
		copied, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return err
	})
	if err == nil {
		err = src.err
	}
	return copied, err
}

// rowSource feeds CopyRows' rows to pgx.
type rowSource struct {
	n, cols, i int
	row        RowArgs
	vals       []any
	err        error
}

func (r *rowSource) Next() bool { r.i++; return r.i < r.n && r.err == nil }

func (r *rowSource) Values() ([]any, error) {
	r.vals = r.row(r.vals[:0], r.i)
	if len(r.vals) != r.cols {
		r.err = fmt.Errorf("db: %d values for a row of %d columns", len(r.vals), r.cols)
		return nil, r.err
	}
	return r.vals, nil
}

func (r *rowSource) Err() error { return r.err }

// InsertNew writes n rows into table's columns cols in the transaction
// in ctx, except those whose unique key conflict (its columns, as
// "(a, b)") is taken already, and reports which rows it wrote. cols[0]
// must be a text column unique to each row (an id). Rows are expected to
// be new as a rule: many go by COPY (see CopyRows) under a savepoint, and
// only if one turns out taken do they go again as multi-row INSERT … ON
// CONFLICT DO NOTHING, the way few rows, and every row on SQLite, go at
// once.
func (d *DB) InsertNew(ctx context.Context, table string, cols []string, conflict string, n int, row RowArgs) ([]bool, error) {
	written := make([]bool, n)
	if s, ok := ctx.Value(txKey{}).(*txState); ok && s.conn != nil && n >= copyMin {
		err := d.savepoint(ctx, func() error {
			_, err := d.CopyRows(ctx, table, cols, n, row)
			return err
		})
		if err == nil {
			for i := range written {
				written[i] = true
			}
			return written, nil
		}
		if !IsUnique(err) {
			return nil, err
		}
	}
	index := make(map[string]int, n)
	var args []any
	for i := range n {
		args = row(args[:0], i)
		if len(args) == 0 {
			return nil, fmt.Errorf("db: insert new: an empty row")
		}
		key, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("db: insert new: the first column's value %T is not a text key", args[0])
		}
		index[key] = i
	}
	err := d.QueryRows(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ",
		" ON CONFLICT "+conflict+" DO NOTHING RETURNING "+cols[0], n, len(cols), row, func(rs *sql.Rows) error {
			var key string
			if err := rs.Scan(&key); err != nil {
				return err
			}
			written[index[key]] = true
			return nil
		})
	if err != nil {
		return nil, err
	}
	return written, nil
}

// savepoint runs fn inside a savepoint of the transaction in ctx: fn's
// error rolls back what fn did, and only that.
func (d *DB) savepoint(ctx context.Context, fn func() error) error {
	q := d.Q(ctx)
	if _, err := q.ExecContext(ctx, "SAVEPOINT db_insert_new"); err != nil {
		return fmt.Errorf("db: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT db_insert_new"); rbErr != nil {
			return errors.Join(err, fmt.Errorf("db: rollback to savepoint: %w", rbErr))
		}
		return err
	}
	if _, err := q.ExecContext(ctx, "RELEASE SAVEPOINT db_insert_new"); err != nil {
		return fmt.Errorf("db: release savepoint: %w", err)
	}
	return nil
}
