package territory

import (
	"context"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
)

// Service is the territory use cases: it authorizes, validates, writes and
// records every change with its audit entry and outbox event in one
// transaction.
type Service struct {
	db  *db.DB
	st  *store
	log *audit.Log
	out *events.Outbox
}

// New returns the service over d, recording changes in log and announcing
// them through out.
func New(d *db.DB, log *audit.Log, out *events.Outbox) *Service {
	return &Service{db: d, st: &store{db: d}, log: log, out: out}
}

// Migrations is the territory schema.
var Migrations = db.Migrations{Domain: "territory", FS: db.Sub(migrationFS, "migrations")}

// record writes the audit entry and the outbox event of one change; ctx
// must carry the change's transaction.
func (s *Service) record(ctx context.Context, e audit.Entry, event string, payload any) error {
	if err := s.log.Record(ctx, e); err != nil {
		return err
	}
	return s.out.Publish(ctx, event, e.TenantID, payload)
}

// signedIn returns the actor, or ErrUnauthorized for an anonymous one.
func signedIn(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return nil, ErrUnauthorized
	}
	return a, nil
}

// authorizeTree lets platform administrators change roots, and regional
// operators (or higher) change what lies under a node they cover.
func authorizeTree(ctx context.Context, parent *Node) error {
	a, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if parent == nil {
		if a.Can(auth.RolePlatformAdmin, "/") {
			return nil
		}
		return ErrForbidden
	}
	if a.Can(auth.RoleRegionalOperator, parent.Path) {
		return nil
	}
	return ErrForbidden
}

// authorizeMuni lets the municipality's administrators (or anyone above
// them) manage its departments.
func authorizeMuni(ctx context.Context, muni Node) error {
	a, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if a.Can(auth.RoleMunicipalAdmin, muni.Path) {
		return nil
	}
	return ErrForbidden
}

// pathIDs splits a materialised path into the ids from the root down.
func pathIDs(path string) []string {
	var out []string
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("territory: %s: %w", op, err)
}
