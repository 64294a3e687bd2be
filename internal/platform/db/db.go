// Package db opens muni's database on either engine, carries transactions
// in the context and applies the domains' embedded migrations. Stores write
// one portable SQL text ($N placeholders, ON CONFLICT, RETURNING) that both
// SQLite and PostgreSQL accept.
package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

// The engines muni runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Querier is what a store needs: satisfied by *sql.DB and *sql.Tx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open database: on SQLite one writer connection plus a read pool,
// on PostgreSQL one pool that serves both.
type DB struct {
	Engine Engine
	URL    string
	write  *sql.DB
	read   *sql.DB
	reads  Querier       // the read pool, through the statement cache on SQLite
	cache  *stmtCache    // nil on PostgreSQL
	wcache *stmtCache    // the writer's statements, SQLite only: see txQuerier
	ckpt   *checkpointer // SQLite only: see checkpoint.go
	gen    atomic.Uint64
	group  grouper // InTxGroup's queue
}

// Generation counts the transactions this process committed through
// InTx; caches of derived data compare it to notice local writes.
func (d *DB) Generation() uint64 { return d.gen.Load() }

// Open connects to url ("sqlite:PATH" or "postgres://…") and checks the
// connection.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	d := &DB{URL: rawURL}
	var err error
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		d.Engine = SQLite
		err = d.openSQLite(strings.TrimPrefix(rawURL, "sqlite:"))
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		d.Engine = Postgres
		err = d.openPostgres(rawURL)
	default:
		return nil, fmt.Errorf("db: unsupported database URL %q (want sqlite:PATH or postgres://…)", rawURL)
	}
	if err != nil {
		return nil, err
	}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: %s unreachable: %w", d.Engine, err)
	}
	return d, nil
}

func (d *DB) openSQLite(path string) error {
	if path == "" {
		return errors.New("db: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("db: %w", err)
		}
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	dsn := "file:" + path + "?" + pragmas
	var err error
	if d.write, err = sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=wal_autocheckpoint("+strconv.Itoa(walAutoPages)+")"); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	// One writer: SQLite serialises writes anyway, and one connection keeps
	// them from failing with SQLITE_BUSY inside this process.
	d.write.SetMaxOpenConns(1)
	d.write.SetConnMaxIdleTime(0)
	// Each reader keeps a private page cache of the same hot pages; the
	// kernel's page cache already holds the file, so 512 KiB each instead
	// of SQLite's 2 MiB default: the demo's resident set fell by 7 MB and
	// the home page renders no slower.
	if d.read, err = sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=cache_size(-512)"); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	d.read.SetMaxOpenConns(8)
	d.read.SetMaxIdleConns(8)
	d.cache = newStmtCache(d.read)
	d.reads = d.cache
	d.wcache = newStmtCache(d.write)
	if d.ckpt, err = startCheckpointer(dsn, d.Generation); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	return nil
}

func (d *DB) openPostgres(rawURL string) error {
	var err error
	if d.write, err = sql.Open("pgx", rawURL); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	d.write.SetMaxOpenConns(20)
	d.write.SetMaxIdleConns(10)
	d.write.SetConnMaxIdleTime(5 * time.Minute)
	d.read = d.write
	d.reads = d.read
	return nil
}

// Close closes every pool.
func (d *DB) Close() error {
	if d.cache != nil {
		d.cache.close()
		d.wcache.close()
	}
	var err error
	if d.ckpt != nil {
		err = d.ckpt.close()
	}
	err = errors.Join(err, d.write.Close())
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	return d.read.PingContext(ctx)
}

// Stats reports the pools' statistics, the writer first.
func (d *DB) Stats() (write, read sql.DBStats) { return d.write.Stats(), d.read.Stats() }

// Writer is the pool for statements outside a transaction that write, and
// for tools (migrations, backup) that need the raw handle.
func (d *DB) Writer() *sql.DB { return d.write }

type txKey struct{}

type txState struct {
	tx    *sql.Tx
	q     Querier   // tx itself, or on SQLite tx through the writer's statements
	conn  *sql.Conn // PostgreSQL: the transaction's connection, for CopyRows
	after []func()
}

// Q returns the transaction carried by ctx, or the writer pool.
func (d *DB) Q(ctx context.Context) Querier {
	if s, ok := ctx.Value(txKey{}).(*txState); ok {
		return s.q
	}
	return d.write
}

// R returns the transaction carried by ctx, or the read pool: reads outside
// a transaction never wait behind SQLite's single writer.
func (d *DB) R(ctx context.Context) Querier {
	if s, ok := ctx.Value(txKey{}).(*txState); ok {
		return s.q
	}
	return d.reads
}

// InTx runs fn in a transaction carried by the context it receives. A
// nested call joins the outer transaction. fn's error rolls everything
// back; functions registered with AfterCommit run only after a commit.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	s, err := d.begin(ctx)
	if err != nil {
		return err
	}
	tx := s.tx
	defer func() { // a panic must not leave the writer's transaction open
		if v := recover(); v != nil {
			_ = tx.Rollback()
			s.release()
			panic(v)
		}
	}()
	var tq *txQuerier
	if d.wcache != nil {
		tq = &txQuerier{tx: tx, cache: d.wcache}
		s.q = tq
	}
	if err := fn(context.WithValue(ctx, txKey{}, s)); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			err = errors.Join(err, rbErr)
		}
		s.release()
		return err
	}
	err = tx.Commit()
	s.release()
	if err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	d.gen.Add(1)
	if tq != nil && len(tq.unprepared) > 0 {
		go d.wcache.prepare(tq.unprepared) // the writer is free again: ready for the next transaction
	}
	for _, f := range s.after {
		f()
	}
	return nil
}

// begin starts a transaction on the writer. On PostgreSQL it takes a
// connection of the pool for it, so that CopyRows can reach the driver
// connection under the transaction.
func (d *DB) begin(ctx context.Context) (*txState, error) {
	if d.Engine != Postgres {
		tx, err := d.write.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("db: begin: %w", err)
		}
		return &txState{tx: tx, q: tx}, nil
	}
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: begin: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("db: begin: %w", err)
	}
	return &txState{tx: tx, q: tx, conn: conn}, nil
}

// release returns the transaction's connection to the pool once the
// transaction is over.
func (s *txState) release() {
	if s.conn != nil {
		s.conn.Close()
	}
}

// AfterCommit registers f to run once the transaction in ctx commits; with
// no transaction in ctx it runs f at once.
func AfterCommit(ctx context.Context, f func()) {
	if s, ok := ctx.Value(txKey{}).(*txState); ok {
		s.after = append(s.after, f)
		return
	}
	f()
}

// InTxNow reports whether ctx carries a transaction. Writers that must be
// atomic with their caller's change (audit, outbox) insist on one.
func InTxNow(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*txState)
	return ok
}

// NewID returns a new time-ordered identifier (UUIDv7), so primary keys
// sort by creation on both engines.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Millis is t as milliseconds since the epoch, the portable time column.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// Time turns a millisecond column back into a UTC time.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// IsUnique reports whether err is a unique-constraint violation on either
// engine.
func IsUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Redacted is the URL with any password hidden, for logs.
func Redacted(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	return u.Redacted()
}

// InJSON is a subquery yielding the strings of values, bound as one JSON
// array at placeholder p ("$1"), and the argument to bind there: a list of
// ids costs one parameter instead of one each, which SQLite would otherwise
// look up name by name in preparing and binding.
func (d *DB) InJSON(p string, values []string) (subquery string, arg string) {
	list, _ := json.Marshal(values) // a []string always encodes
	if d.Engine == Postgres {
		return "SELECT jsonb_array_elements_text(" + p + "::jsonb)", string(list)
	}
	return "SELECT value FROM json_each(" + p + ")", string(list)
}

// TimePtr is Time of a nullable milliseconds column: nil for NULL.
func TimePtr(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := Time(ms.Int64)
	return &t
}
