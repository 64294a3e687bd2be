package metering

import (
	"context"
	"log/slog"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Deps are what the service is built over. Now defaults to the wall
// clock, Log to slog's default.
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	Places Places
	Now    func() time.Time
	Log    *slog.Logger
	// Metrics, when set, counts ingest outcomes for /metrics.
	Metrics *Metrics
}

// Service is the registry and the ingest pipeline: it authorizes every
// registry call, validates and audits registry changes, and runs every
// reading through Ingest.
type Service struct {
	db      *db.DB
	st      *store
	audit   *audit.Log
	places  Places
	now     func() time.Time
	log     *slog.Logger
	metrics *Metrics
	chans   *channelCache
	munis   *muniCache
}

// New builds the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	s := &Service{db: d.DB, st: &store{db: d.DB}, audit: d.Audit, places: d.Places, now: d.Now, log: d.Log, metrics: d.Metrics}
	s.chans = newChannelCache(s.st, d.Now)
	s.munis = &muniCache{places: d.Places}
	return s
}

// DB is the database the service writes to, for the app's adapters.
func (s *Service) DB() *db.DB { return s.db }

// municipality returns the municipality and checks the actor holds min
// on it.
func (s *Service) municipality(ctx context.Context, a *auth.Actor, id string, min auth.Role) (Municipality, error) {
	m, err := s.places.Municipality(ctx, id)
	if err != nil {
		return Municipality{}, err
	}
	if !a.Can(min, m.Path) {
		return Municipality{}, forbidden()
	}
	return m, nil
}

// record writes an audit entry for a registry change; it must run inside
// the change's transaction.
func (s *Service) record(ctx context.Context, action, objType, objID, tenant string, detail map[string]any) error {
	return s.audit.Record(ctx, audit.Entry{Action: "metering." + action, ObjectType: objType, ObjectID: objID, TenantID: tenant, Detail: detail})
}
