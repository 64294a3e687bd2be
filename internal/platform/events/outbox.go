package events

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Migrations is the outbox's schema.
var Migrations = db.Migrations{Domain: "events", FS: db.Sub(migrations, "migrations")}

// Event is one fact a domain announces ("appeal.registered").
type Event struct {
	ID       string          `json:"id"`
	Seq      int64           `json:"seq"` // outbox order; set when the relay reads the row
	Type     string          `json:"type"`
	TenantID string          `json:"tenant_id"`
	Payload  json.RawMessage `json:"payload"`
	At       time.Time       `json:"at"`
}

// ErrNoTx means Publish was called outside the change's transaction.
var ErrNoTx = errors.New("events: publish outside a transaction")

// Outbox stores events in the publishing transaction.
type Outbox struct {
	db     *db.DB
	notify func() // wakes the relay after a commit; nil until a relay runs
}

// NewOutbox returns the outbox over d.
func NewOutbox(d *db.DB) *Outbox { return &Outbox{db: d} }

// Publish stores an event of type typ with payload (any JSON value) for
// tenantID. It must run inside the transaction of the change it announces;
// delivery starts after commit.
func (o *Outbox) Publish(ctx context.Context, typ, tenantID string, payload any) error {
	if !db.InTxNow(ctx) {
		return ErrNoTx
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("events: payload of %s: %w", typ, err)
	}
	if _, err := o.db.Q(ctx).ExecContext(ctx,
		`INSERT INTO event_outbox (id, type, tenant_id, payload, created_ms) VALUES ($1, $2, $3, $4, $5)`,
		db.NewID(), typ, tenantID, string(b), db.Millis(time.Now())); err != nil {
		return fmt.Errorf("events: outbox insert: %w", err)
	}
	if o.notify != nil {
		db.AfterCommit(ctx, o.notify)
	}
	return nil
}
