package participation

import (
	"context"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Place is what participation needs of a territory node: a municipality
// or a district within it. The app adapts the territory domain to it.
type Place struct {
	ID         string
	Path       string // materialised territory path, ending in "/"
	TenantID   string // the municipality at or above
	Slug       string
	Name       string
	NameEN     string
	TimeZone   string
	Population int64
}

// Label is the place's name in lang.
func (p Place) Label(lang string) string {
	return i18n.Pick(lang, p.Name, p.NameEN)
}

// Places reads territory nodes; unknown ids return an error wrapping
// fault.ErrNotFound.
type Places interface {
	Municipality(ctx context.Context, id string) (Place, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Place, error)
	Node(ctx context.Context, id string) (Place, error)
	// Districts are the nodes below a municipality a phase may be limited to.
	Districts(ctx context.Context, municipalityID string) ([]Place, error)
}

// Resident is what the voter roll knows of a person.
type Resident struct {
	UserID string
	// HomePath is the home the person declared on their account.
	HomePath string
	// Verified is true when a residence was verified; then ResidencePath is
	// the verified node's path and BirthDate the verified birth date.
	Verified      bool
	ResidencePath string
	BirthDate     time.Time // zero when unknown
	Method        string    // how it was verified: official, census, oidc
}

// Residents reads the voter roll; the app adapts identity's verification
// to it. An unknown user is an error wrapping fault.ErrNotFound.
type Residents interface {
	Resident(ctx context.Context, userID string) (Resident, error)
}

// Deps are what the service is built over; Now defaults to the wall clock.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Outbox    *events.Outbox
	Places    Places
	Residents Residents
	Now       func() time.Time
}

// Service is the participation use cases: it authorizes, validates and
// records every change with its audit entry and outbox event in one
// transaction.
type Service struct {
	db        *db.DB
	st        *store
	log       *audit.Log
	out       *events.Outbox
	places    Places
	residents Residents
	now       func() time.Time
	demo      bool // what is created is marked demo data
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{db: d.DB, st: &store{db: d.DB}, log: d.Audit, out: d.Outbox, places: d.Places,
		residents: d.Residents, now: func() time.Time { return d.Now().UTC().Truncate(time.Millisecond) }}
}

// Demo returns a service whose creations are marked demo data.
func (s *Service) Demo() *Service {
	c := *s
	c.demo = true
	return &c
}

// record writes the audit entry and the outbox event of one change; ctx
// must carry the change's transaction.
func (s *Service) record(ctx context.Context, e audit.Entry, event string, payload any) error {
	if err := s.log.Record(ctx, e); err != nil {
		return err
	}
	return s.out.Publish(ctx, event, e.TenantID, payload)
}

// municipality reads a municipality, turning "not found" into the
// domain's error.
func (s *Service) municipality(ctx context.Context, id string) (Place, error) {
	m, err := s.places.Municipality(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// MunicipalityBySlug reads a municipality by its slug.
func (s *Service) MunicipalityBySlug(ctx context.Context, slug string) (Place, error) {
	m, err := s.places.MunicipalityBySlug(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// actor returns the signed-in actor, or ErrUnauthorized.
func actor(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return nil, ErrUnauthorized
	}
	return a, nil
}
