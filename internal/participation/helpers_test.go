package participation

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var sets = []db.Migrations{audit.Migrations, events.Migrations, Migrations}

// Municipality A (two districts) and B of one region.
var (
	muniA = Place{ID: "a", Path: "/r/a/", TenantID: "a", Slug: "luga", Name: "Луга", NameEN: "Luga", TimeZone: "Europe/Moscow", Population: 50000}
	distN = Place{ID: "a1", Path: "/r/a/a1/", TenantID: "a", Slug: "north", Name: "Север", TimeZone: "Europe/Moscow", Population: 1000}
	distS = Place{ID: "a2", Path: "/r/a/a2/", TenantID: "a", Slug: "south", Name: "Юг", TimeZone: "Europe/Moscow", Population: 3000}
	muniB = Place{ID: "b", Path: "/r/b/", TenantID: "b", Slug: "kirishi", Name: "Кириши", TimeZone: "Asia/Kamchatka", Population: 40000}
	nodes = []Place{muniA, distN, distS, muniB}
)

type fakePlaces struct{}

func (fakePlaces) find(pred func(Place) bool) (Place, error) {
	for _, n := range nodes {
		if pred(n) {
			return n, nil
		}
	}
	return Place{}, fault.ErrNotFound
}

func (f fakePlaces) Municipality(_ context.Context, id string) (Place, error) {
	return f.find(func(p Place) bool { return p.ID == id && p.TenantID == id })
}

func (f fakePlaces) MunicipalityBySlug(_ context.Context, slug string) (Place, error) {
	return f.find(func(p Place) bool { return p.Slug == slug && p.TenantID == p.ID })
}

func (f fakePlaces) Node(_ context.Context, id string) (Place, error) {
	return f.find(func(p Place) bool { return p.ID == id })
}

func (fakePlaces) Districts(_ context.Context, id string) ([]Place, error) {
	var out []Place
	for _, n := range nodes {
		if n.TenantID == id && n.ID != id {
			out = append(out, n)
		}
	}
	return out, nil
}

// roll is a voter roll the tests fill.
type roll map[string]Resident

func (r roll) Resident(_ context.Context, id string) (Resident, error) {
	x, ok := r[id]
	if !ok {
		return Resident{}, fault.ErrNotFound
	}
	return x, nil
}

type env struct {
	t    *testing.T
	d    *db.DB
	svc  *Service
	now  time.Time
	roll roll
}

// start is 1 June 2026, 09:00 UTC.
var start = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func run(t *testing.T, body func(t *testing.T, e *env)) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := &env{t: t, d: d, now: start, roll: roll{}}
		e.svc = New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: fakePlaces{}, Residents: e.roll,
			Now: func() time.Time { return e.now }})
		body(t, e)
	})
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// person signs in as id and puts them on the roll: verified at node when
// node is not "", born on birth.
func (e *env) person(id string, node Place, birth string) context.Context {
	r := Resident{UserID: id, HomePath: muniA.Path}
	if node.ID != "" {
		r.Verified, r.ResidencePath, r.BirthDate, r.Method = true, node.Path, date(birth), "official"
	}
	e.roll[id] = r
	return actorCtx(id)
}

func actorCtx(id string) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id, Name: "Анна Петрова " + id,
		Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: "r", ScopePath: "/r/"}}})
}

func official(role auth.Role, m Place) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: "official-" + m.ID + "-" + role.String(),
		Name: "Официальное лицо", Grants: []auth.Grant{{Role: role, ScopeID: m.ID, ScopePath: m.Path}}})
}

func admin(m Place) context.Context { return official(auth.RoleMunicipalAdmin, m) }

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// process creates a process in muni A with one phase per kind given, each
// 10 days from start; allow lists the permissions of every phase.
func (e *env) process(slug string, kinds []PhaseKind, allow ...PermissionInput) Process {
	e.t.Helper()
	p := must[Process](e.t)(e.svc.CreateProcess(admin(muniA), muniA.ID, ProcessInput{Slug: slug, Title: "Бюджет 2027",
		Description: "Что сделать в городе", ThresholdBP: 100, FlagLimit: 2}))
	at := start.Add(-time.Hour)
	for _, k := range kinds {
		must[Phase](e.t)(e.svc.AddPhase(admin(muniA), p.ID, PhaseInput{Kind: k, StartsAt: at, EndsAt: at.Add(10 * 24 * time.Hour),
			Permissions: allow}))
		at = at.Add(10 * 24 * time.Hour)
	}
	return must[Process](e.t)(e.svc.Process(context.Background(), p.ID))
}

// count is the number of rows in a table.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.d.Writer().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// counts are the rows of every table a write touches.
func (e *env) counts() string {
	var b strings.Builder
	for _, t := range []string{"participation_processes", "participation_phases", "participation_permissions",
		"participation_proposals", "participation_supports", "participation_comments", "participation_flags",
		"participation_polls", "participation_poll_responses", "participation_poll_answers", "audit_log", "event_outbox"} {
		b.WriteString(t + "=" + itoa(e.count(t)) + " ")
	}
	return b.String()
}

func fieldOf(err error) map[string]string {
	if f, ok := fault.As(err); ok {
		return f.Fields
	}
	return nil
}
