package appeals

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// ActSubmit is the history's first step: the item was received.
const ActSubmit Action = "submit"

// Submit receives an appeal or a report and starts its first clock:
// registration for an appeal (59-FZ art. 8 p. 2), the category's SLA for
// a report. Anyone signed in may submit; a visitor who is not signed in
// (or who asks to stay anonymous) only where the category allows
// anonymous reports — and then gets no answer. An API key scoped to the
// municipality (an Open311 client) submits reports in any category,
// unsigned.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (Appeal, error) {
	who := auth.From(ctx)
	in.normalize()
	if who.Kind != auth.User {
		in.Anonymous = true
	}
	muni, err := s.municipality(ctx, in.TenantID)
	if errors.Is(err, ErrNotFound) {
		return Appeal{}, invalid("appeal-invalid", map[string]string{"municipality_id": "appeals.municipality.unknown"})
	}
	if err != nil {
		return Appeal{}, err
	}
	in.vouched = who.Kind == auth.Machine && who.Can(auth.RoleResident, muni.Path)
	cat, err := s.categoryFor(ctx, in.CategoryID)
	if err != nil {
		return Appeal{}, err
	}
	bad := in.validate(cat)
	if key := precheckPhotos(in.Photos, s.photoMax); key != "" {
		bad["photos"] = key
	}
	if err := s.checkInside(ctx, muni, in.Point, bad); err != nil {
		return Appeal{}, err
	}
	loc, err := zone(muni)
	if err != nil {
		return Appeal{}, err
	}
	answers, err := s.answersFor(ctx, cat, in.Answers, loc, bad)
	if err != nil {
		return Appeal{}, err
	}
	if len(bad) > 0 {
		return Appeal{}, invalid("appeal-invalid", bad)
	}
	if err := s.checkRate(ctx, who, in.ClientIP); err != nil {
		return Appeal{}, err
	}
	// Decoding is the costly part: only for a sender within the limits.
	photos, key := checkPhotos(in.Photos, s.photoMax)
	if key != "" {
		return Appeal{}, invalid("appeal-invalid", map[string]string{"photos": key})
	}
	routing, err := s.routeNew(ctx, muni, cat, in.Point)
	if err != nil {
		return Appeal{}, err
	}
	a := s.newAppeal(in, muni, cat, who)
	flagged := flagText(in) // before the transaction: it holds the writer
	a.DepartmentID, a.Answers = routing.DepartmentID, answers
	a.Photos = make([]Photo, 0, len(photos))
	for _, p := range photos {
		a.Photos = append(a.Photos, p.Photo)
	}
	first := s.clocks.Due(RuleRegister, a.ReceivedAt, loc)
	if a.Regime == RegimeReport {
		first = s.clocks.Due(cat.SLA.Rule(cat.NameRU), a.ReceivedAt, loc)
	}
	a.History = []Step{{Seq: 1, Action: ActSubmit, To: Received, ActorID: a.AuthorID, At: a.ReceivedAt}}
	a.Deadlines = []Deadline{{Due: first}}
	// Submissions come in bursts of small transactions: on SQLite they share
	// commits (each still stands or falls alone, and returns after its commit).
	err = s.db.InTxGroup(ctx, func(ctx context.Context) error {
		if err := s.st.createAppeal(ctx, a); err != nil {
			return err
		}
		if err := s.st.addStep(ctx, a.ID, a.History[0]); err != nil {
			return err
		}
		if err := s.st.addDeadline(ctx, a.ID, first); err != nil {
			return err
		}
		if err := s.st.addPhotos(ctx, a.ID, photos, db.Millis(a.ReceivedAt)); err != nil {
			return err
		}
		if err := s.st.addAnswers(ctx, a.ID, answers); err != nil {
			return err
		}
		if routing.Triage != "" {
			if err := s.st.addTriage(ctx, a, routing.Triage); err != nil {
				return err
			}
		}
		if err := s.noteIP(ctx, in.ClientIP); err != nil {
			return err
		}
		if err := s.hold(ctx, a, flagged); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.appeal.submit", ObjectType: "appeal", ObjectID: a.ID,
			TenantID: a.TenantID, Detail: map[string]any{"regime": a.Regime, "kind": a.Kind, "category_id": a.CategoryID,
				"anonymous": a.Anonymous(), "photos": len(photos), "answers": len(answers), "triage": routing.Triage,
				"district_id": routing.DistrictID}}, "appeal.received", eventOf(a, ActSubmit))
	})
	if err != nil {
		return Appeal{}, wrap("submit", err)
	}
	return a, nil // as stored: no need to read it back
}

func (s *Service) newAppeal(in SubmitInput, muni Municipality, cat *Category, who *auth.Actor) Appeal {
	now := s.now()
	a := Appeal{ID: db.NewID(), TenantID: muni.ID, TenantPath: muni.Path, Regime: in.Regime, Kind: in.Kind,
		Collective: in.Collective, CategoryID: in.CategoryID, State: Received, Description: in.Description,
		Point: in.Point, Address: in.Address, Demo: s.demo, ReceivedAt: now, UpdatedAt: now}
	if !in.Anonymous {
		a.AuthorID, a.AuthorName = who.ID, in.AuthorName
		if a.AuthorName == "" {
			a.AuthorName = who.Name
		}
	}
	if cat != nil {
		a.DepartmentID = cat.DepartmentID
	}
	return a
}

// categoryFor reads the named category; none named, or an unknown one, is
// nil, which validation reports.
func (s *Service) categoryFor(ctx context.Context, id string) (*Category, error) {
	if id == "" {
		return nil, nil
	}
	c, err := s.st.category(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Appeal returns one item with its deadlines and history to its author or
// to an official over it; to anyone else it does not exist.
func (s *Service) Appeal(ctx context.Context, id string) (Appeal, error) {
	who, err := actor(ctx)
	if err != nil {
		return Appeal{}, err
	}
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	if !canRead(who, a) {
		return Appeal{}, ErrNotFound
	}
	return a, nil
}

// Mine lists the signed-in person's own items, newest first, before the
// cursor id (empty for the first page).
func (s *Service) Mine(ctx context.Context, beforeID string, limit int) ([]Summary, error) {
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if who.Kind != auth.User {
		return []Summary{}, nil
	}
	return s.st.list(ctx, listQuery{AuthorID: who.ID, BeforeID: beforeID, Limit: clampLimit(limit)})
}

// QueueFilter narrows the officials' list.
type QueueFilter struct {
	State        State
	CategoryID   string
	DepartmentID string
	Mine         bool // only items the official works on
	Overdue      bool // only items with a clock past due
	Triage       bool // only items waiting for an official to pick their department
	OpenOnly     bool
	BeforeID     string
	Limit        int
}

// Queue lists the items the official may work on: those of the
// municipalities (and departments) their grants cover.
func (s *Service) Queue(ctx context.Context, f QueueFilter) ([]Summary, error) {
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !who.Staff() {
		return nil, ErrForbidden
	}
	q := listQuery{Scopes: staffScopes(who, auth.RoleOperator), OpenOnly: f.OpenOnly, State: f.State,
		CategoryID: f.CategoryID, Department: f.DepartmentID, BeforeID: f.BeforeID, Limit: clampLimit(f.Limit), Triage: f.Triage}
	if f.Mine {
		q.Assignee = who.ID
	}
	if f.Overdue {
		q.OverdueAt = s.now()
	}
	return s.st.list(ctx, q)
}

func clampLimit(n int) int {
	if n <= 0 || n > 1000 {
		return 100
	}
	return n
}

// checkInside refuses a pin outside the municipality's boundary, when
// Places knows boundaries and the municipality has one.
func (s *Service) checkInside(ctx context.Context, m Municipality, p *Point, bad map[string]string) error {
	b, ok := s.places.(Boundaries)
	if !ok || p == nil || !validPoint(*p) || bad["point"] != "" {
		return nil
	}
	inside, known, err := b.Contains(ctx, m.ID, *p)
	if err != nil {
		return err
	}
	if known && !inside {
		bad["point"] = "appeals.point.outside"
	}
	return nil
}
