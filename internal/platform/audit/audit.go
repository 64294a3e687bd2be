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
type Log struct{ db *db.DB }

// New returns the log over d.
func New(d *db.DB) *Log { return &Log{db: d} }

// Record appends e, attributed to the actor and request in ctx. It must run
// inside the transaction of the change it records.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if !db.InTxNow(ctx) {
		return ErrNoTx
	}
	q := l.db.Q(ctx)
	// Taking the head row serialises writers (a row lock on PostgreSQL, the
	// single writer on SQLite), so the chain never forks.
	var seq int64
	var prev string
	if err := q.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	a := auth.From(ctx)
	detail := "{}"
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit: detail: %w", err)
		}
		detail = string(b)
	}
	r := Record{
		Seq: seq, ID: db.NewID(), At: time.Now().UTC().Truncate(time.Millisecond),
		ActorKind: actorKind(a), ActorID: a.ID, Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, TenantID: e.TenantID, RequestID: RequestID(ctx), Detail: detail, PrevHash: prev,
	}
	r.Hash = r.computeHash()
	if _, err := q.ExecContext(ctx, `INSERT INTO audit_log
		(seq, id, at_ms, actor_kind, actor_id, action, object_type, object_id, tenant_id, request_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		r.Seq, r.ID, db.Millis(r.At), r.ActorKind, r.ActorID, r.Action, r.ObjectType, r.ObjectID, r.TenantID,
		r.RequestID, r.Detail, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, r.Hash); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
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
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(r.Seq, 10), r.ID, strconv.FormatInt(db.Millis(r.At), 10), r.ActorKind, r.ActorID,
		r.Action, r.ObjectType, r.ObjectID, r.TenantID, r.RequestID, r.Detail, r.PrevHash} {
		// Length-prefixing each field keeps "ab"+"c" apart from "a"+"bc".
		fmt.Fprintf(h, "%d:%s|", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
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
