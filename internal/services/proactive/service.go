package proactive

import (
	"context"
	"log/slog"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// Municipality is the tenant as this domain needs it.
type Municipality struct {
	ID, Path, Slug, Name, NameEN, TimeZone string
}

// Places resolves municipalities (the territory domain, through app).
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
}

// People finds the portal account of an e-mail address (identity,
// through app); ok is false when there is none.
type People interface {
	UserByEmail(ctx context.Context, email string) (userID string, ok bool, err error)
}

// Starter starts a pre-filled application draft for a resident (the
// services domain, through app). It joins the caller's transaction.
type Starter interface {
	StartPrefilled(ctx context.Context, userID, municipalityID, serviceCode string, values map[string]string) (applicationID string, err error)
}

// Notifier stores in-app notifications in the caller's transaction.
type Notifier interface {
	NotifyAll(ctx context.Context, ns []notify.Notice) error
}

// Deps are what the service is built over. Now defaults to the wall
// clock, Log to slog's default, ApplicationPath to the services domain's
// application page.
type Deps struct {
	DB              *db.DB
	Audit           *audit.Log
	Places          Places
	People          People
	Starter         Starter
	Notify          Notifier
	ApplicationPath func(applicationID string) string
	Now             func() time.Time
	Log             *slog.Logger
}

// Service keeps the register, the rules and the offers. It authorizes
// every call (operators and API keys record events, municipal
// administrators edit rules, residents decide their own offers) and
// audits every change in its transaction.
type Service struct {
	Deps
	st           *store
	sweepWriters int // on PostgreSQL; tests set 1 to order a sweep's batches
}

// New builds the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.ApplicationPath == nil {
		d.ApplicationPath = func(id string) string { return "/services/applications/" + id }
	}
	return &Service{Deps: d, st: &store{db: d.DB}, sweepWriters: sweepWriters}
}

// Municipality resolves a slug for the pages and the API.
func (s *Service) Municipality(ctx context.Context, slug string) (Municipality, error) {
	return s.Places.MunicipalityBySlug(ctx, slug)
}

// municipality returns the municipality if the actor in ctx holds min on it.
func (s *Service) municipality(ctx context.Context, id string, min auth.Role) (Municipality, error) {
	m, err := s.Places.Municipality(ctx, id)
	if err != nil {
		return m, err
	}
	a := auth.From(ctx)
	if !a.SignedIn() {
		return m, unauthorized()
	}
	if !a.Can(min, m.Path) {
		return m, forbidden()
	}
	return m, nil
}

// resident returns the signed-in person acting in ctx.
func resident(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return nil, unauthorized()
	}
	if a.Kind != auth.User {
		return nil, forbidden()
	}
	return a, nil
}

// today is the calendar day of now in the municipality's zone: ages
// change at local midnight.
func today(now time.Time, zone string) time.Time {
	loc, err := tz.Load(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// EventTypes lists the kinds of life events.
func (s *Service) EventTypes(ctx context.Context) ([]EventType, error) {
	return s.st.eventTypes(ctx)
}

// eventTypeCodes lists the codes of the kinds of life events.
func (s *Service) eventTypeCodes(ctx context.Context) ([]string, map[string]*EventType, error) {
	ts, err := s.st.eventTypes(ctx)
	if err != nil {
		return nil, nil, err
	}
	codes := make([]string, len(ts))
	by := make(map[string]*EventType, len(ts))
	for i := range ts {
		codes[i] = ts[i].Code
		by[ts[i].Code] = &ts[i]
	}
	return codes, by, nil
}
