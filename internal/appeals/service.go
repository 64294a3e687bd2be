package appeals

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/calendar"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/tz"
)

//go:embed migrations
var migrationFS embed.FS

// Migrations is the appeals schema.
var Migrations = db.Migrations{Domain: "appeals", FS: db.Sub(migrationFS, "migrations")}

// Officials answers whether a user may be given work in a municipality
// (and department); the app adapts the identity domain to it.
type Officials interface {
	Official(ctx context.Context, userID, path, departmentID string) (bool, error)
}

// Deps are what the service is built over. Calendar defaults to the
// shipped Russian calendar, Now to the wall clock; without Officials an
// official can assign work only to themselves.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Outbox    *events.Outbox
	Places    Places
	Officials Officials
	Staff     Staff // the assignee picker and who hears of escalations
	Calendar  *calendar.Calendar
	Now       func() time.Time
	// Submissions allowed per RateWindow; DefaultPerAccount and
	// DefaultPerIP when zero.
	PerAccount, PerIP int
	// PhotoMaxBytes is the largest photo file accepted;
	// DefaultPhotoMaxBytes when zero.
	PhotoMaxBytes int64
}

// Service is the appeals use cases: it authorizes, validates, runs the
// workflow and records every change with its history step, audit entry
// and outbox event in one transaction.
type Service struct {
	db        *db.DB
	st        *store
	log       *audit.Log
	out       *events.Outbox
	places    Places
	officials Officials
	staff     Staff
	clocks    Clocks
	now       func() time.Time
	demo      bool // items created are marked demo data

	perAccount, perIP int
	photoMax          int64
}

// New returns the service.
func New(d Deps) *Service {
	if d.Calendar == nil {
		d.Calendar = calendar.Russian()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.PerAccount == 0 {
		d.PerAccount = DefaultPerAccount
	}
	if d.PerIP == 0 {
		d.PerIP = DefaultPerIP
	}
	if d.PhotoMaxBytes <= 0 {
		d.PhotoMaxBytes = DefaultPhotoMaxBytes
	}
	return &Service{photoMax: d.PhotoMaxBytes, db: d.DB, st: &store{db: d.DB}, log: d.Audit, out: d.Outbox, places: d.Places,
		officials: d.Officials, staff: d.Staff, clocks: NewClocks(d.Calendar), now: func() time.Time { return d.Now().UTC().Truncate(time.Millisecond) },
		perAccount: d.PerAccount, perIP: d.PerIP}
}

// Clocks are the deadline rules the service counts with.
func (s *Service) Clocks() Clocks { return s.clocks }

// record writes the audit entry and the outbox event of one change; ctx
// must carry the change's transaction.
func (s *Service) record(ctx context.Context, e audit.Entry, event string, payload any) error {
	if err := s.log.Record(ctx, e); err != nil {
		return err
	}
	return s.out.Publish(ctx, event, e.TenantID, payload)
}

// zone loads the municipality's time zone, in which deadlines count.
func zone(m Municipality) (*time.Location, error) {
	loc, err := tz.Load(m.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("appeals: time zone of %s: %w", m.ID, err)
	}
	return loc, nil
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

// event is the payload of every appeals event: ids only, no personal data.
type event struct {
	ID           string `json:"id"`
	TenantID     string `json:"tenant_id"`
	Regime       Regime `json:"regime"`
	State        State  `json:"state"`
	Action       Action `json:"action"`
	CategoryID   string `json:"category_id,omitempty"`
	DepartmentID string `json:"department_id,omitempty"`
	AuthorID     string `json:"author_id,omitempty"`
}

func eventOf(a Appeal, act Action) event {
	return event{ID: a.ID, TenantID: a.TenantID, Regime: a.Regime, State: a.State, Action: act,
		CategoryID: a.CategoryID, DepartmentID: a.DepartmentID, AuthorID: a.AuthorID}
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("appeals: %s: %w", op, err)
}

// actor returns the signed-in actor, or ErrUnauthorized.
func actor(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return nil, ErrUnauthorized
	}
	return a, nil
}
