package monitoring

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// Deps are what the service is built over. Now defaults to the wall
// clock, Log to slog's default, Catalog to the embedded registry.
type Deps struct {
	DB      *db.DB
	Audit   *audit.Log
	Places  Places
	Sources Sources
	Catalog *Catalog
	Now     func() time.Time
	Log     *slog.Logger
}

// Service keeps indicator values and assembles the monitoring views.
// It authorizes every read that is not public and every change, and
// audits each change in its transaction.
type Service struct {
	db      *db.DB
	st      *store
	audit   *audit.Log
	places  Places
	src     Sources
	catalog *Catalog
	now     func() time.Time
	log     *slog.Logger
	pc      punctualityCache
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Catalog == nil {
		c, err := DefaultCatalog()
		if err != nil {
			return nil, err
		}
		d.Catalog = c
	}
	return &Service{db: d.DB, st: &store{db: d.DB}, audit: d.Audit, places: d.Places, src: d.Sources, catalog: d.Catalog,
		now: d.Now, log: d.Log}, nil
}

// Catalog is the indicator registry.
func (s *Service) Catalog() *Catalog { return s.catalog }

// Generation is the database's change counter: the situation centre
// polls it to know whether anything changed.
func (s *Service) Generation() uint64 { return s.db.Generation() }

// Municipality resolves a slug.
func (s *Service) Municipality(ctx context.Context, slug string) (Municipality, error) {
	m, err := s.places.MunicipalityBySlug(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) {
		return m, notFound()
	}
	return m, err
}

// staff returns the municipality at slug if the actor holds at least
// role over it.
func (s *Service) staff(ctx context.Context, slug string, role auth.Role) (Municipality, error) {
	who := auth.From(ctx)
	if !who.SignedIn() {
		return Municipality{}, unauthorized()
	}
	m, err := s.Municipality(ctx, slug)
	if err != nil {
		return m, err
	}
	if !who.Can(role, m.Path) {
		return m, forbidden()
	}
	return m, nil
}

// zoneOf is the municipality's time zone, UTC when unknown.
func zoneOf(m Municipality) *time.Location {
	if loc, err := tz.Load(m.TimeZone); err == nil && m.TimeZone != "" {
		return loc
	}
	return time.UTC
}
