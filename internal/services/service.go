package services

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/calendar"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/pdf"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// Municipality is what the domain needs to know of a municipal formation.
type Municipality struct {
	ID, Path, Slug, Name, NameEN, TimeZone string
}

// Department is one department of a municipality's administration
// (territorial departments included).
type Department struct {
	ID, MunicipalityID, Name, NameEN string
}

// Places is the territory the services live in; the app adapts the
// territory domain to it.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
	Departments(ctx context.Context, muniID string) ([]Department, error)
}

// People names an applicant when someone else (an offer accepted on the
// applicant's behalf by the system) starts the application.
type People interface {
	Name(ctx context.Context, userID string) (string, error)
}

// Deps are what the service is built over. Calendar defaults to the
// shipped Russian production calendar, Now to the wall clock. Without
// Fonts the result PDF cannot be made (ErrNoFonts says so).
type Deps struct {
	DB       *db.DB
	Audit    *audit.Log
	Outbox   *events.Outbox
	Places   Places
	People   People
	Calendar *calendar.Calendar
	Fonts    *pdf.Fonts
	Now      func() time.Time
}

// Service is the services use cases: it authorizes, validates, runs the
// applications' workflow and records every change with its history step,
// audit entry and outbox event in one transaction.
type Service struct {
	db     *db.DB
	st     *store
	log    *audit.Log
	out    *events.Outbox
	places Places
	people People
	cal    *calendar.Calendar
	fonts  *pdf.Fonts
	now    func() time.Time
}

// New returns the service.
func New(d Deps) *Service {
	if d.Calendar == nil {
		d.Calendar = calendar.Russian()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{db: d.DB, st: &store{db: d.DB}, log: d.Audit, out: d.Outbox, places: d.Places, people: d.People,
		cal: d.Calendar, fonts: d.Fonts, now: func() time.Time { return d.Now().UTC().Truncate(time.Millisecond) }}
}

// record writes the audit entry and the outbox event of one change; ctx
// must carry the change's transaction.
func (s *Service) record(ctx context.Context, e audit.Entry, event string, payload any) error {
	if err := s.log.Record(ctx, e); err != nil {
		return err
	}
	if event == "" {
		return nil
	}
	return s.out.Publish(ctx, event, e.TenantID, payload)
}

// municipality reads a municipality, turning "not found" into the
// domain's error.
func (s *Service) municipality(ctx context.Context, id string) (Municipality, error) {
	m, err := s.places.Municipality(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// MunicipalityBySlug returns the municipality at /m/{slug}/.
func (s *Service) MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error) {
	m, err := s.places.MunicipalityBySlug(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// zone is the municipality's time zone, in which deadlines count.
func zone(m Municipality) *time.Location {
	loc, err := tz.Load(m.TimeZone)
	if err != nil || m.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// actor returns the signed-in actor, or ErrUnauthorized.
func actor(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return nil, ErrUnauthorized
	}
	return a, nil
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("services: %s: %w", op, err)
}

// Label is the municipality's name in lang.
func (m Municipality) Label(lang string) string {
	return i18n.Pick(lang, m.Name, m.NameEN)
}
