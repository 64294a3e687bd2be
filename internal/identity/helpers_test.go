package identity

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/mail"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/web"
)

// testPlaces is a small territory: region r with municipalities a (with a
// district) and b.
type testPlaces struct{ nodes []Place }

func newTestPlaces() *testPlaces {
	return &testPlaces{nodes: []Place{
		{ID: "r", Path: "/r/", Slug: "region", Name: "Ленинградская область"},
		{ID: "a", Path: "/r/a/", TenantID: "a", Slug: "luga", Name: "Лужский округ", NameEN: "Luga okrug"},
		{ID: "a1", Path: "/r/a/a1/", TenantID: "a", Slug: "luga-north", Name: "Северный микрорайон"},
		{ID: "b", Path: "/r/b/", TenantID: "b", Slug: "kirishi", Name: "Киришский район"},
	}}
}

func (p *testPlaces) Place(_ context.Context, id string) (Place, error) {
	for _, n := range p.nodes {
		if n.ID == id {
			return n, nil
		}
	}
	return Place{}, fault.ErrNotFound
}

// PlaceByOKTMO knows one code, Kirishi's (b).
func (p *testPlaces) PlaceByOKTMO(ctx context.Context, code string) (Place, error) {
	if code == "41624000" {
		return p.Place(ctx, "b")
	}
	return Place{}, fault.ErrNotFound
}

func (p *testPlaces) Municipalities(context.Context) ([]Place, error) {
	var out []Place
	for _, n := range p.nodes {
		if n.TenantID == n.ID && n.ID != "" {
			out = append(out, n)
		}
	}
	return out, nil
}

func (p *testPlaces) Covered(_ context.Context, path string) ([]Place, error) {
	var out []Place
	for _, n := range p.nodes {
		if strings.HasPrefix(n.Path, path) {
			out = append(out, n)
		}
	}
	return out, nil
}

type testDepts struct{}

func (testDepts) Department(_ context.Context, id string) (Department, error) {
	switch id {
	case "dep-a":
		return Department{ID: id, MunicipalityID: "a", Name: "ЖКХ"}, nil
	case "dep-b":
		return Department{ID: id, MunicipalityID: "b", Name: "Благоустройство"}, nil
	}
	return Department{}, fault.ErrNotFound
}

func (d testDepts) DepartmentsOf(_ context.Context, m string) ([]Department, error) {
	dep, err := d.Department(context.Background(), "dep-"+m)
	if err != nil {
		return nil, nil
	}
	return []Department{dep}, nil
}

// outbox is a mail sender that keeps what it was given.
type outbox struct {
	mu  sync.Mutex
	got []mail.Message
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, m)
	return nil
}

// link returns the last mailed link containing marker.
func (o *outbox) link(t *testing.T, marker string) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.got) - 1; i >= 0; i-- {
		for _, l := range mail.Links(o.got[i].Text) {
			if strings.Contains(l, marker) {
				return l
			}
		}
	}
	t.Fatalf("no mailed link with %q in %d messages", marker, len(o.got))
	return ""
}

func tokenOf(link string) string { _, tok, _ := strings.Cut(link, "token="); return tok }

var allMigrations = []db.Migrations{audit.Migrations, events.Migrations, auth.Migrations, Migrations}

type env struct {
	d    *db.DB
	svc  *Service
	mail *outbox
	cat  *i18n.Catalog
	now  time.Time
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	cat := i18n.New()
	if err := cat.Load(web.Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	if err := cat.Load(Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, mail: &outbox{}, cat: cat, now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	sm := auth.NewSessions(d, time.Hour, 12*time.Hour, false)
	e.svc = New(Config{LoginMaxFails: 5, LoginWindow: 15 * time.Minute, PublicURL: "http://muni.test"},
		Deps{DB: d, Places: newTestPlaces(), Departments: testDepts{}, Mail: e.mail, Catalog: cat, Sessions: sm,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.svc.now = func() time.Time { return e.now }
	return e
}

func (e *env) register(t *testing.T, email, home string) User {
	t.Helper()
	u, err := e.svc.Register(context.Background(), Registration{Email: email, Password: "correct horse battery",
		Name: "Анна Петрова", HomeID: home, Consent: true, Version: CurrentConsent, Lang: "ru", IP: "10.0.0.1"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return u
}

// as returns ctx acting as the given user, with their stored grants.
func (e *env) as(t *testing.T, userID string) context.Context {
	t.Helper()
	a, ok, err := e.svc.ActorFor(context.Background(), userID, db.Millis(e.now))
	if err != nil || !ok {
		t.Fatalf("actor %s: ok=%v err=%v", userID, ok, err)
	}
	return auth.With(context.Background(), a)
}

// official creates an account holding role on scope.
func (e *env) official(t *testing.T, email, role, scope string) User {
	t.Helper()
	u, err := e.svc.CreateUser(context.Background(), NewUser{Email: email, Password: "official password 1", Name: "Чиновник",
		Role: role, ScopeID: scope})
	if err != nil {
		t.Fatalf("official %s: %v", email, err)
	}
	return u
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Writer().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func run(t *testing.T, body func(t *testing.T, e *env)) {
	testdb.Run(t, allMigrations, func(t *testing.T, d *db.DB) { body(t, newEnv(t, d)) })
}

func fieldErr(t *testing.T, err error, field string) string {
	t.Helper()
	f, ok := fault.As(err)
	if !ok {
		t.Fatalf("want a field error on %s, got %v", field, err)
	}
	return f.Fields[field]
}
