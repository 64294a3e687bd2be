package participation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

func TestCreateProcessAuthorizesAndValidates(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		in := ProcessInput{Slug: "pb-2027", Title: "Бюджет 2027"}
		if _, err := e.svc.CreateProcess(context.Background(), muniA.ID, in); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("anonymous: %v", err)
		}
		for name, ctx := range map[string]context.Context{
			"resident":         e.person("r1", distN, "1990-01-01"),
			"operator":         official(auth.RoleOperator, muniA),
			"other muni admin": admin(muniB),
		} {
			if _, err := e.svc.CreateProcess(ctx, muniA.ID, in); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := e.svc.CreateProcess(admin(muniA), "nowhere", in); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown municipality: %v", err)
		}
		before := e.counts()
		for _, c := range []struct {
			in    ProcessInput
			field string
		}{
			{ProcessInput{Slug: "Bad Slug!", Title: "x"}, "slug"},
			{ProcessInput{Slug: "ok"}, "title"},
			{ProcessInput{Slug: "ok", Title: "x", ThresholdBP: 10001}, "threshold_bp"},
			{ProcessInput{Slug: "ok", Title: "x", FlagLimit: -1}, "flag_limit"},
		} {
			_, err := e.svc.CreateProcess(admin(muniA), muniA.ID, c.in)
			if !errors.Is(err, fault.ErrInvalid) || fieldOf(err)[c.field] == "" {
				t.Errorf("%+v: want an error on %s, got %v", c.in, c.field, err)
			}
		}
		if e.counts() != before {
			t.Fatal("refused input wrote something")
		}
		p := must[Process](t)(e.svc.CreateProcess(admin(muniA), muniA.ID, in))
		if p.ThresholdBP != DefaultThresholdBP || p.FlagLimit != DefaultFlagLimit || p.TenantPath != muniA.Path {
			t.Fatalf("defaults: %+v", p)
		}
		if _, err := e.svc.CreateProcess(admin(muniA), muniA.ID, in); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("same slug twice: %v", err)
		}
		// Another municipality may use the slug.
		must[Process](t)(e.svc.CreateProcess(admin(muniB), muniB.ID, in))
		if n := e.count("audit_log"); n != 2 {
			t.Fatalf("audit entries %d", n)
		}
		got := must[Process](t)(e.svc.ProcessBySlug(context.Background(), muniA.ID, "pb-2027"))
		if got.ID != p.ID {
			t.Fatal("by slug")
		}
		if l := must[[]Process](t)(e.svc.Processes(context.Background(), muniB.ID)); len(l) != 1 || l[0].TenantID != muniB.ID {
			t.Fatalf("tenant isolation: %+v", l)
		}
	})
}

func TestAddPhaseValidatesTheMatrix(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := must[Process](t)(e.svc.CreateProcess(admin(muniA), muniA.ID, ProcessInput{Slug: "p", Title: "P"}))
		good := PhaseInput{Kind: PhaseProposals, StartsAt: start, EndsAt: start.Add(time.Hour),
			Permissions: []PermissionInput{{Action: ActionPropose, Level: LevelVerified, TerritoryNodeID: distN.ID, MinAge: 14}}}
		if _, err := e.svc.AddPhase(admin(muniB), p.ID, good); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other municipality: %v", err)
		}
		before := e.counts()
		for _, c := range []struct {
			in    PhaseInput
			field string
		}{
			{PhaseInput{Kind: "party", StartsAt: start, EndsAt: start.Add(time.Hour)}, "kind"},
			{PhaseInput{Kind: PhaseVoting, StartsAt: start, EndsAt: start}, "ends_at"},
			{PhaseInput{Kind: PhaseVoting, StartsAt: start, EndsAt: start.Add(time.Hour),
				Permissions: []PermissionInput{{Action: "dance", Level: LevelAccount}}}, "permissions.0.action"},
			{PhaseInput{Kind: PhaseVoting, StartsAt: start, EndsAt: start.Add(time.Hour),
				Permissions: []PermissionInput{{Action: ActionVote, Level: LevelVerified}, {Action: ActionVote, Level: LevelAccount}}},
				"permissions.1.action"},
			{PhaseInput{Kind: PhaseVoting, StartsAt: start, EndsAt: start.Add(time.Hour),
				Permissions: []PermissionInput{{Action: ActionVote, Level: "gosuslugi"}}}, "permissions.0.level"},
			{PhaseInput{Kind: PhaseVoting, StartsAt: start, EndsAt: start.Add(time.Hour),
				Permissions: []PermissionInput{{Action: ActionVote, Level: LevelVerified, MinAge: 200}}}, "permissions.0.min_age"},
			{PhaseInput{Kind: PhaseVoting, StartsAt: start, EndsAt: start.Add(time.Hour),
				Permissions: []PermissionInput{{Action: ActionVote, Level: LevelVerified, TerritoryNodeID: muniB.ID}}},
				"permissions.0.territory_node_id"},
		} {
			_, err := e.svc.AddPhase(admin(muniA), p.ID, c.in)
			if !errors.Is(err, fault.ErrInvalid) || fieldOf(err)[c.field] == "" {
				t.Errorf("%+v: want an error on %s, got %v", c.in, c.field, err)
			}
		}
		if e.counts() != before {
			t.Fatal("refused input wrote something")
		}
		ph := must[Phase](t)(e.svc.AddPhase(admin(muniA), p.ID, good))
		if ph.Position != 1 || ph.Permissions[0].TerritoryPath != distN.Path {
			t.Fatalf("phase %+v", ph)
		}
		got := must[Process](t)(e.svc.Process(context.Background(), p.ID))
		if len(got.Phases) != 1 || len(got.Phases[0].Permissions) != 1 || got.Phases[0].Permissions[0].MinAge != 14 {
			t.Fatalf("stored %+v", got.Phases)
		}
	})
}

func TestEligible(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		// Proposals now (verified, North district, 16+); voting in ten days
		// (account level, whole municipality).
		p := must[Process](t)(e.svc.CreateProcess(admin(muniA), muniA.ID, ProcessInput{Slug: "p", Title: "P"}))
		end := start.Add(24 * time.Hour)
		must[Phase](t)(e.svc.AddPhase(admin(muniA), p.ID, PhaseInput{Kind: PhaseProposals, StartsAt: start.Add(-time.Hour), EndsAt: end,
			Permissions: []PermissionInput{{Action: ActionSupport, Level: LevelVerified, TerritoryNodeID: distN.ID, MinAge: 16},
				{Action: ActionComment, Level: LevelAccount}}}))
		must[Phase](t)(e.svc.AddPhase(admin(muniA), p.ID, PhaseInput{Kind: PhaseVoting, StartsAt: end, EndsAt: end.Add(time.Hour),
			Permissions: []PermissionInput{{Action: ActionVote, Level: LevelAccount}}}))

		e.person("adult", distN, "2000-01-01")
		e.person("south", distS, "2000-01-01")
		e.person("unverified", Place{}, "")
		// Turns 16 on 2 June 2026 (Moscow): the phase's last day is 2 June.
		e.person("sixteen", distN, "2010-06-02")
		e.person("fifteen", distN, "2010-06-03")
		as := func(id string) auth.Actor { return *auth.From(actorCtx(id)) }

		cases := []struct {
			id     string
			action Action
			node   string
			want   error
		}{
			{"adult", ActionSupport, "", nil},
			{"adult", ActionSupport, distN.ID, nil},
			{"sixteen", ActionSupport, "", nil},
			{"fifteen", ActionSupport, "", ErrUnderAge},
			{"south", ActionSupport, "", ErrWrongTerritory},
			{"adult", ActionSupport, distS.ID, ErrWrongTerritory}, // a district outside the phase's territory
			{"unverified", ActionSupport, "", ErrNotVerified},
			{"unverified", ActionComment, "", nil}, // account level: declared home in the municipality
			{"adult", ActionVote, "", ErrNotInPhase},
			{"adult", ActionPropose, "", ErrNotInPhase},
			{"stranger", ActionSupport, "", ErrNotVerified},
		}
		for _, c := range cases {
			err := e.svc.Eligible(context.Background(), as(c.id), p.ID, c.action, c.node)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("%s %s %q: got %v, want %v", c.id, c.action, c.node, err, c.want)
			}
			if c.want != nil && !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s %s: %v is not forbidden", c.id, c.action, err)
			}
		}
		if err := e.svc.Eligible(context.Background(), *auth.Anon, p.ID, ActionComment, ""); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("anonymous: %v", err)
		}
		if err := e.svc.Eligible(context.Background(), as("adult"), "nope", ActionComment, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown process: %v", err)
		}
		// Account level checks the declared home: someone living in B may
		// not comment in A.
		e.roll["fromB"] = Resident{UserID: "fromB", HomePath: muniB.Path}
		if err := e.svc.Eligible(context.Background(), as("fromB"), p.ID, ActionComment, ""); !errors.Is(err, ErrWrongTerritory) {
			t.Errorf("declared home elsewhere: %v", err)
		}
		// Time moves on: the voting phase opens, proposals close.
		e.now = end
		if err := e.svc.Eligible(context.Background(), as("unverified"), p.ID, ActionVote, ""); err != nil {
			t.Errorf("vote in the voting phase: %v", err)
		}
		if err := e.svc.Eligible(context.Background(), as("adult"), p.ID, ActionSupport, ""); !errors.Is(err, ErrNotInPhase) {
			t.Errorf("support after its phase: %v", err)
		}
	})
}

func TestAgeOn(t *testing.T) {
	for _, c := range []struct {
		birth, day string
		want       int
	}{
		{"2000-06-02", "2018-06-01", 17},
		{"2000-06-02", "2018-06-02", 18},
		{"2004-02-29", "2022-02-28", 17},
		{"2004-02-29", "2022-03-01", 18},
	} {
		if got := AgeOn(date(c.birth), date(c.day)); got != c.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth, c.day, got, c.want)
		}
	}
}

func TestThreshold(t *testing.T) {
	p := Process{ThresholdBP: 100}
	for pop, want := range map[int64]int64{0: 1, 50: 1, 100: 1, 101: 2, 50000: 500} {
		if got := p.Threshold(pop); got != want {
			t.Errorf("1%% of %d = %d, want %d", pop, got, want)
		}
	}
}
