package metering

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/muni-platform/muni/internal/platform/db"
)

// chunkRows is how many readings one multi-row INSERT carries: 1500
// parameters, where measured throughput on SQLite peaked (larger
// statements cost more to prepare than they save).
const chunkRows = 250

// copyMin is the smallest batch PostgreSQL receives by COPY; below it a
// multi-row INSERT is cheaper than the temporary table's round trips.
const copyMin = 200

// write stores rows in one transaction, ignoring those already stored,
// and returns how many were new. It returns after the commit.
func (s *Service) write(ctx context.Context, rows []Reading) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	// In key order the B-tree is written page by page, not all over.
	slices.SortFunc(rows, func(a, b Reading) int {
		if c := cmp.Compare(a.ChannelID, b.ChannelID); c != 0 {
			return c
		}
		return a.At.Compare(b.At)
	})
	// COPY runs on a connection of its own, so a caller's transaction
	// (a manual reading with its audit entry) keeps the INSERT path.
	if s.db.Engine == db.Postgres && len(rows) >= copyMin && !db.InTxNow(ctx) {
		return s.copyPostgres(ctx, rows)
	}
	var stored int64
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		n, err := insertRowsOn(ctx, s.db.Q(ctx), rows, s.db.Engine == db.SQLite)
		if err != nil {
			return err
		}
		stored = n
		// The rollup job learns what to recompute in the same transaction.
		return eachMarkChunk(rows, s.db.Engine == db.SQLite, func(text string, args []any) error {
			_, err := s.db.Q(ctx).ExecContext(ctx, text, args...)
			return err
		})
	})
	return stored, err
}

// insertRows writes rows with multi-row INSERT … ON CONFLICT DO NOTHING.
func insertRows(ctx context.Context, q db.Querier, rows []Reading) (int64, error) {
	return insertRowsOn(ctx, q, rows, false)
}

// insertRowsOn is insertRows with "?" placeholders when marks is set
// (SQLite's fast form; see insertSQL).
func insertRowsOn(ctx context.Context, q db.Querier, rows []Reading, marks bool) (int64, error) {
	var stored int64
	args := make([]any, 0, 6*min(len(rows), chunkRows))
	// A transaction prepares the full-chunk statement once for the batch.
	var full *sql.Stmt
	if p, ok := q.(interface {
		PrepareContext(context.Context, string) (*sql.Stmt, error)
	}); ok && len(rows) >= 2*chunkRows {
		st, err := p.PrepareContext(ctx, insertSQL(chunkRows, marks))
		if err != nil {
			return 0, fmt.Errorf("prepare readings insert: %w", err)
		}
		defer st.Close()
		full = st
	}
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), chunkRows)]
		rows = rows[len(chunk):]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r.ChannelID, r.At.UnixMilli(), r.Value, int64(r.Quality), int64(r.Source), r.Received.UnixMilli())
		}
		var res sql.Result
		var err error
		if full != nil && len(chunk) == chunkRows {
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = q.ExecContext(ctx, insertSQL(len(chunk), marks), args...)
		}
		if err != nil {
			return 0, fmt.Errorf("insert readings: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		stored += n
	}
	return stored, nil
}

type insertKey struct {
	rows  int
	marks bool // "?" placeholders
}

var insertTexts sync.Map // insertKey -> statement text

// insertSQL is the INSERT statement for n readings. SQLite gets "?"
// placeholders: looking "$N" names up is linear in the statement's
// parameters, which makes binding a large multi-row INSERT quadratic.
func insertSQL(n int, marks bool) string {
	k := insertKey{n, marks}
	if s, ok := insertTexts.Load(k); ok {
		return s.(string)
	}
	var b strings.Builder
	if marks {
		// OR IGNORE instead of ON CONFLICT DO NOTHING: the same for rows
		// that can break no constraint but the key (no column is ever
		// NULL), and a statement that cannot abort half-way needs no
		// statement journal, which SQLite otherwise writes a page of for
		// every page the INSERT changes (a sixth of the write's time).
		b.WriteString("INSERT OR IGNORE INTO metering_readings (channel_id, ts_ms, value, quality, source, received_ms) VALUES ")
	} else {
		b.WriteString("INSERT INTO metering_readings (channel_id, ts_ms, value, quality, source, received_ms) VALUES ")
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if marks {
			b.WriteString("(?,?,?,?,?,?)")
			continue
		}
		b.WriteString("(")
		for j := 1; j <= 6; j++ {
			if j > 1 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(i*6 + j))
		}
		b.WriteString(")")
	}
	if !marks {
		b.WriteString(" ON CONFLICT DO NOTHING")
	}
	s := b.String()
	if n == chunkRows || n <= 64 { // keep the texts that recur
		insertTexts.Store(k, s)
	}
	return s
}

// copyPostgres writes rows into metering_readings with their rollup
// marks in one transaction on one connection. New data, the usual case,
// goes by COPY straight into the table, which costs no more than COPY
// itself; only when some (channel, time) is already there does that
// transaction fail on the unique key, and a second one copies the rows
// into a temporary table and moves them with ON CONFLICT DO NOTHING.
func (s *Service) copyPostgres(ctx context.Context, rows []Reading) (int64, error) {
	conn, err := s.db.Writer().Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var stored int64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		var dup bool
		stored, dup, err = copyTx(ctx, pc, rows, false)
		if dup {
			stored, _, err = copyTx(ctx, pc, rows, true)
		}
		return err
	})
	return stored, err
}

// copyTx is one attempt of copyPostgres: straight COPY, or through the
// temporary table when merge is set. dup reports that the straight COPY
// met a reading already stored (and nothing was written).
func copyTx(ctx context.Context, pc *pgx.Conn, rows []Reading, merge bool) (stored int64, dup bool, err error) {
	tx, err := pc.Begin(ctx)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback(ctx)
	if !merge {
		stored, err = tx.CopyFrom(ctx, pgx.Identifier{"metering_readings"}, readingColumns, copySource(rows))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return 0, true, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("copy readings: %w", err)
		}
	} else if stored, err = copyMerge(ctx, tx, rows); err != nil {
		return 0, false, err
	}
	// The marks go in one pipelined round trip, not one per chunk.
	var marks pgx.Batch
	if err := eachMarkChunk(rows, false, func(text string, args []any) error {
		marks.Queue(text, args...)
		return nil
	}); err != nil {
		return 0, false, err
	}
	if err := tx.SendBatch(ctx, &marks).Close(); err != nil {
		return 0, false, fmt.Errorf("mark rollup: %w", err)
	}
	return stored, false, tx.Commit(ctx)
}

var readingColumns = []string{"channel_id", "ts_ms", "value", "quality", "source", "received_ms"}

func copySource(rows []Reading) pgx.CopyFromSource {
	return pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		r := rows[i]
		return []any{r.ChannelID, r.At.UnixMilli(), r.Value, int16(r.Quality), int16(r.Source), r.Received.UnixMilli()}, nil
	})
}

// copyMerge copies rows into a temporary table and moves them into
// metering_readings with ON CONFLICT DO NOTHING, returning how many were
// new.
func copyMerge(ctx context.Context, tx pgx.Tx, rows []Reading) (int64, error) {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS metering_readings_in (
		channel_id BIGINT, ts_ms BIGINT, value DOUBLE PRECISION, quality SMALLINT, source SMALLINT, received_ms BIGINT
	) ON COMMIT DELETE ROWS`); err != nil {
		return 0, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"metering_readings_in"}, readingColumns, copySource(rows)); err != nil {
		return 0, fmt.Errorf("copy readings: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO metering_readings (channel_id, ts_ms, value, quality, source, received_ms)
		SELECT channel_id, ts_ms, value, quality, source, received_ms FROM metering_readings_in ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("insert readings: %w", err)
	}
	return tag.RowsAffected(), nil
}

// markChunk is how many channels one rollup-mark statement carries:
// few enough that SQLite's linear lookup of "$N" names stays cheap.
const markChunk = 200

// eachMarkChunk runs the rollup marks of rows (marksSQL) through exec,
// markChunk channels a statement.
func eachMarkChunk(rows []Reading, sqlite bool, exec func(text string, args []any) error) error {
	spans := dirtySpans(rows)
	for len(spans) > 0 {
		chunk := spans[:min(len(spans), markChunk)]
		spans = spans[len(chunk):]
		if err := exec(marksSQL(chunk, sqlite)); err != nil {
			return err
		}
	}
	return nil
}
