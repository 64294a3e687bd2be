// Package audit keeps muni's append-only, hash-chained audit log. Every
// state change writes its entry inside the same transaction as the change,
// so an entry exists exactly when the change does. Each entry's hash covers
// its fields and the previous entry's hash; Verify finds the first entry
// that was altered, inserted or deleted.
package audit

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Migrations is the audit log's schema.
var Migrations = db.Migrations{Domain: "audit", FS: db.Sub(migrations, "migrations")}

// Entry is what a service says happened.
type Entry struct {
	Action     string         // "territory.department.create"
	ObjectType string         // "department"
	ObjectID   string         // its id
	TenantID   string         // the municipality it belongs to, or "" for platform-wide
	Detail     map[string]any // non-personal facts worth keeping (changed fields, reasons)
}

// Record is a stored entry.
type Record struct {
	Seq        int64
	ID         string
	At         time.Time
	ActorKind  string
	ActorID    string
	Action     string
	ObjectType string
	ObjectID   string
	TenantID   string
	RequestID  string
	Detail     string
	PrevHash   string
	Hash       string
}

// ErrNoTx means a caller tried to audit outside the transaction of its change.
var ErrNoTx = errors.New("audit: entry written outside a transaction")

// Log writes and reads the audit log.
type Log struct {
	db    *db.DB
	now   func() time.Time // the entries' time
	newID func() string    // the entries' ids
}

// New returns the log over d.
func New(d *db.DB) *Log { return &Log{db: d, now: time.Now, newID: db.NewID} }

// Record appends e, attributed to the actor and request in ctx. It must run
// inside the transaction of the change it records.
func (l *Log) Record(ctx context.Context, e Entry) error {
	return l.RecordAll(ctx, []Entry{e})
}

// RecordAll appends es in their order, as many Record calls would, with
// one statement for many entries instead of three for each: for changes
// made in bulk (a sweep's offers). It must run inside the transaction of
// the changes it records.
func (l *Log) RecordAll(ctx context.Context, es []Entry) error {
	if !db.InTxNow(ctx) {
		return ErrNoTx
	}
	if len(es) == 0 {
		return nil
	}
	q := l.db.Q(ctx)
	// Taking the head row serialises writers (a row lock on PostgreSQL, the
	// single writer on SQLite), so the chain never forks; it reserves the
	// sequence numbers of every entry at once.
	var last int64
	var prev string
	if err := q.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`, int64(len(es))).Scan(&last, &prev); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	a := auth.From(ctx)
	base := Record{At: l.now().UTC().Truncate(time.Millisecond), ActorKind: actorKind(a), ActorID: a.ID, RequestID: RequestID(ctx)}
	recs := make([]Record, len(es))
	for i, e := range es {
		r := base
		r.Seq, r.ID, r.PrevHash = last-int64(len(es)-1-i), l.newID(), prev
		r.Action, r.ObjectType, r.ObjectID, r.TenantID = e.Action, e.ObjectType, e.ObjectID, e.TenantID
		var err error
		if r.Detail, err = detailJSON(e.Detail); err != nil {
			return err
		}
		r.Hash = r.computeHash()
		recs[i], prev = r, r.Hash
	}
	if _, err := l.db.CopyRows(ctx, "audit_log", columnList, len(recs), func(args []any, i int) []any {
		r := &recs[i]
		return append(args, r.Seq, r.ID, db.Millis(r.At), r.ActorKind, r.ActorID, r.Action, r.ObjectType, r.ObjectID, r.TenantID,
			r.RequestID, r.Detail, r.PrevHash, r.Hash)
	}); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
}

// detailJSON is an entry's detail as stored: "{}" when it has none.
func detailJSON(d map[string]any) (string, error) {
	if len(d) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("audit: detail: %w", err)
	}
	return string(b), nil
}

func actorKind(a *auth.Actor) string {
	switch a.Kind {
	case auth.User:
		return "user"
	case auth.Machine:
		return "api_key"
	}
	return "anonymous"
}

func (r Record) computeHash() string {
	var buf [512]byte
	b := buf[:0]
	for _, f := range []string{strconv.FormatInt(r.Seq, 10), r.ID, strconv.FormatInt(db.Millis(r.At), 10), r.ActorKind, r.ActorID,
		r.Action, r.ObjectType, r.ObjectID, r.TenantID, r.RequestID, r.Detail, r.PrevHash} {
		// Length-prefixing each field keeps "ab"+"c" apart from "a"+"bc":
		// "<len>:<field>|".
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, '|')
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Filter narrows a listing.
type Filter struct {
	TenantID   string
	TenantIDs  []string // any of these tenants; nil means no restriction, empty slice none
	ObjectType string
	ObjectID   string
	ActorID    string
	BeforeSeq  int64 // cursor: entries with seq below this; 0 = newest
	Limit      int
}

// List returns entries newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Record, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.TenantID != "" {
		add("tenant_id = $%d", f.TenantID)
	}
	if f.TenantIDs != nil {
		if len(f.TenantIDs) == 0 {
			return nil, nil
		}
		marks := make([]string, len(f.TenantIDs))
		for i, id := range f.TenantIDs {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "tenant_id IN ("+strings.Join(marks, ", ")+")")
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if f.ActorID != "" {
		add("actor_id = $%d", f.ActorID)
	}
	if f.BeforeSeq > 0 {
		add("seq < $%d", f.BeforeSeq)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := `SELECT ` + columns + ` FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY seq DESC LIMIT %d", f.Limit)
	rows, err := l.db.R(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const columns = `seq, id, at_ms, actor_kind, actor_id, action, object_type, object_id, tenant_id, request_id, detail, prev_hash, hash`

var columnList = strings.Split(columns, ", ")

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (Record, error) {
	var r Record
	var at int64
	err := s.Scan(&r.Seq, &r.ID, &at, &r.ActorKind, &r.ActorID, &r.Action, &r.ObjectType, &r.ObjectID, &r.TenantID,
		&r.RequestID, &r.Detail, &r.PrevHash, &r.Hash)
	r.At = db.Time(at)
	if err != nil {
		return r, fmt.Errorf("audit: scan: %w", err)
	}
	return r, nil
}
