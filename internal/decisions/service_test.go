package decisions

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/placetest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var sets = []db.Migrations{audit.Migrations, notify.Migrations, Migrations}

// Two municipalities: tests prove one never sees the other's cases and drafts.
var (
	muniA = Municipality{ID: "muni-a", Path: "/region/muni-a/", Slug: "alpha", Name: "Альфа", TimeZone: "Europe/Moscow"}
	muniB = Municipality{ID: "muni-b", Path: "/region/muni-b/", Slug: "beta", Name: "Бета", TimeZone: "Europe/Moscow"}
)

// places are the municipalities ms, found by id and slug as territory would.
func places(ms ...Municipality) placetest.Places[Municipality] {
	return placetest.New(func(m Municipality) (string, string) { return m.ID, m.Slug }, notFound, ms...)
}

type fakeEvidence []Evidence

func (f fakeEvidence) Evidence(_ context.Context, m Municipality) ([]Evidence, error) { return f, nil }

func adminOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: "admin-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopeID: m.ID, ScopePath: m.Path}}}
}

func resident(id string) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: id, Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
}

func as(a *auth.Actor) context.Context { return auth.With(context.Background(), a) }

func newService(d *db.DB) (*Service, *notify.Service) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	n := notify.New(notify.Deps{DB: d})
	return New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Notify: n,
		Evidence: []EvidenceSource{fakeEvidence{{Kind: "appeals.hotspot", Ref: "c1", Title: "ул. Ленина", Summary: "12 обращений", Link: "/m/alpha/appeals/map"}}},
		Now:      func() time.Time { return now }}), n
}

func audits(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	rs, err := audit.New(d).List(context.Background(), audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rs {
		if r.Action == action {
			n++
		}
	}
	return n
}

// threeByFour is the model the browser test builds too: three options on
// four criteria, AHP judgements consistent enough.
func threeByFour() Model {
	return Model{
		Criteria: []Criterion{{Name: "Стоимость", Kind: Cost, Unit: "млн ₽"}, {Name: "Жителей затронуто", Kind: Benefit, Unit: "чел."},
			{Name: "Снижение потерь", Kind: Benefit, Unit: "%"}, {Name: "Срок", Kind: Cost, Unit: "мес."}},
		Options: []Option{
			{Name: "Замена водовода", Scores: []float64{18, 4200, 35, 9}, Costs: Money{600_000_000, 1_200_000_000, 0}, Line: 0},
			{Name: "Ремонт участков", Scores: []float64{6, 1500, 12, 3}, Costs: Money{600_000_000, 0, 0}, Line: 0},
			{Name: "Зонирование сети", Scores: []float64{9, 4200, 22, 6}, Costs: Money{300_000_000, 600_000_000, 0}, Line: 1},
		},
		Mode:       ModeAHP,
		Judgements: []Judgement{{0, 1, 1. / 2}, {0, 2, 1. / 3}, {0, 3, 2}, {1, 2, 1. / 2}, {1, 3, 3}, {2, 3, 5}},
		Budget: Budget{FirstYear: 2027, Lines: []string{"Водоснабжение", "Энергосбережение"}, Available: Money{1_500_000_000, 1_500_000_000, 1_000_000_000},
			Scenarios: []Scenario{{Name: "Базовый", Amounts: []Money{{900_000_000, 1_200_000_000, 500_000_000}, {300_000_000, 300_000_000, 0}}}}},
	}
}

func TestCaseLifecycle(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s, _ := newService(d)
		ctx := as(adminOf(muniA))
		c, err := s.CreateCase(ctx, muniA.ID, CaseInput{Title: "Водовод на ул. Ленина", Question: "Как снизить потери воды?"})
		if err != nil {
			t.Fatal(err)
		}
		want := threeByFour()
		c, err = s.ChangeModel(ctx, c.ID, PartCriteria, func(m *Model) error { *m = want; return nil })
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := got.Model.Analyse()
		if err != nil {
			t.Fatal(err)
		}
		if a.AHP == nil || !a.AHP.Consistent() || len(a.Ranking.Order) != 3 || len(a.Sensitivity) != 4 || len(a.Scenarios) != 1 {
			t.Fatalf("analysis %+v", a)
		}
		// Inconsistent judgements are refused, and nothing is written.
		_, err = s.ChangeModel(ctx, c.ID, PartWeights, func(m *Model) error {
			m.Judgements = []Judgement{{0, 1, 9}, {1, 2, 9}, {0, 2, 1. / 9}, {0, 3, 1}, {1, 3, 1}, {2, 3, 1}}
			return nil
		})
		var f *fault.Error
		if !errors.As(err, &f) || f.Type != "ahp-inconsistent" || f.Args["CR"] == "" {
			t.Fatalf("inconsistent judgements: %v", err)
		}
		again, _ := s.Case(ctx, c.ID)
		if again.Model.Judgements[0].Value != 0.5 {
			t.Error("refused judgements were stored")
		}
		// A bad model is refused field by field.
		_, err = s.ChangeModel(ctx, c.ID, PartCriteria, func(m *Model) error { m.Criteria[0].Kind = "better"; return nil })
		if !errors.As(err, &f) || f.Fields["criteria[0].kind"] == "" {
			t.Fatalf("bad kind: %v", err)
		}
		// Evidence links stay on the site.
		_, err = s.ChangeModel(ctx, c.ID, PartEvidence, func(m *Model) error {
			m.Options[0].Evidence = append(m.Options[0].Evidence, Evidence{Kind: "appeals.hotspot", Ref: "x", Title: "x", Link: "//evil.example/"})
			return nil
		})
		if !errors.As(err, &f) || f.Fields["options[0].evidence"] == "" {
			t.Fatalf("off-site evidence link: %v", err)
		}
		if n := audits(t, d, "decisions.case.update"); n != 1 {
			t.Errorf("%d update audits, want 1", n)
		}
		es, err := s.Evidence(ctx, muniA.ID)
		if err != nil || len(es) != 1 {
			t.Errorf("evidence %v %v", es, err)
		}
	})
}

func TestAuthorizationAndTenants(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s, _ := newService(d)
		a := as(adminOf(muniA))
		c, err := s.CreateCase(a, muniA.ID, CaseInput{Title: "Кейс"})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := s.CreateDecision(a, muniA.ID, DecisionInput{DecidedOn: "2026-11-01", Body: BodyAdministration, Number: "101-п", Title: "О ремонте", Text: "Постановляю…", CaseID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for name, ctx := range map[string]context.Context{"resident": as(resident("r1")), "other admin": as(adminOf(muniB)), "anonymous": as(auth.Anon)} {
			if _, err := s.Case(ctx, c.ID); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s reads the case: %v", name, err)
			}
			if _, err := s.CreateCase(ctx, muniA.ID, CaseInput{Title: "x"}); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s creates a case: %v", name, err)
			}
			if _, err := s.Decision(ctx, dec.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s reads a draft: %v", name, err)
			}
			if _, err := s.Publish(ctx, dec.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s publishes: %v", name, err)
			}
			if l, _ := s.Register(ctx, muniA, Filter{Drafts: true}); len(l) != 0 {
				t.Errorf("%s lists drafts", name)
			}
		}
		if _, err := s.Cases(as(adminOf(muniB)), muniA.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("B's admin lists A's cases: %v", err)
		}
		// B's admin cannot link A's case to B's decision.
		_, err = s.CreateDecision(as(adminOf(muniB)), muniB.ID, DecisionInput{DecidedOn: "2026-11-01", Body: BodyHead, Number: "1", Title: "t", Text: "x", CaseID: c.ID})
		var f *fault.Error
		if !errors.As(err, &f) || f.Fields["case_id"] == "" {
			t.Errorf("cross-tenant case link: %v", err)
		}
		if _, err := s.Publish(a, dec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetStatus(as(adminOf(muniB)), dec.ID, StatusDone, ""); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("B's admin moves A's decision: %v", err)
		}
		if l, _ := s.Register(as(auth.Anon), muniB, Filter{}); len(l) != 0 {
			t.Errorf("B's register shows A's decision")
		}
	})
}

func TestRegisterPublishStatusAndFollowers(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s, n := newService(d)
		a := as(adminOf(muniA))
		in := DecisionInput{DecidedOn: "2026-10-30", Body: BodyCouncil, Number: "12/3", Title: "О замене водовода по ул. Ленина",
			Text: "Совет депутатов решил заменить водовод.", Rationale: "Потери в зоне DMA-1 — 31 %.",
			Links: []Evidence{{Kind: "metering.losses", Ref: "DMA-1", Title: "Зона DMA-1", Summary: "потери 31 %", Link: "/m/alpha/resources"}}}
		dec, err := s.CreateDecision(a, muniA.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDecision(a, muniA.ID, in); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("a second decision numbered 12/3 by the council: %v", err)
		}
		bad := in
		bad.Body, bad.DecidedOn, bad.Title = "mayor", "30.10.2026", ""
		_, err = s.CreateDecision(a, muniA.ID, bad)
		var f *fault.Error
		if !errors.As(err, &f) || f.Fields["body"] == "" || f.Fields["decided_on"] == "" || f.Fields["title"] == "" {
			t.Errorf("bad input: %v", err)
		}
		r1, r2 := as(resident("r1")), as(resident("r2"))
		if err := s.Follow(r1, muniA, "", true); err != nil {
			t.Fatal(err)
		}
		if err := s.Follow(r2, muniA, dec.ID, true); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("following a draft: %v", err)
		}
		if err := s.Follow(as(auth.Anon), muniA, "", true); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("anonymous follows: %v", err)
		}
		if _, err := s.Publish(a, dec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Publish(a, dec.ID); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("published twice: %v", err)
		}
		if err := s.Follow(r2, muniA, dec.ID, true); err != nil {
			t.Fatal(err)
		}
		if on, _ := s.Following(r2, muniA, dec.ID); !on {
			t.Error("r2 does not follow the decision")
		}
		if _, err := s.SetStatus(a, dec.ID, StatusInProgress, "Подрядчик вышел на объект"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetStatus(a, dec.ID, StatusPlanned, ""); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("back to planned: %v", err)
		}
		got, err := s.Decision(as(auth.Anon), dec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusInProgress || len(got.History) != 2 || got.History[1].Note != "Подрядчик вышел на объект" || len(got.Links) != 1 {
			t.Errorf("decision %+v", got)
		}
		for user, want := range map[string]int{"r1": 2, "r2": 1} {
			if c, err := n.Unread(context.Background(), user); err != nil || c != want {
				t.Errorf("%s has %d notifications (%v), want %d", user, c, err, want)
			}
		}
		for q, want := range map[string]int{"водовод": 1, "ВОДОВОД ленина": 1, "12/3": 1, "dma-1": 1, "мост": 0, "%": 1} {
			l, err := s.Register(as(auth.Anon), muniA, Filter{Query: q})
			if err != nil || len(l) != want {
				t.Errorf("search %q: %d results (%v), want %d", q, len(l), err, want)
			}
		}
		if l, _ := s.Register(as(auth.Anon), muniA, Filter{Status: StatusDone}); len(l) != 0 {
			t.Error("status filter")
		}
		if _, err := s.Register(as(auth.Anon), muniA, Filter{Status: "lost"}); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("unknown status filter: %v", err)
		}
		for _, action := range []string{"decisions.decision.create", "decisions.decision.publish", "decisions.decision.status", "decisions.follow"} {
			if audits(t, d, action) == 0 {
				t.Errorf("no audit entry %s", action)
			}
		}
	})
}
