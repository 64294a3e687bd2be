package appeals

import (
	"context"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/placetest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var sets = []db.Migrations{audit.Migrations, events.Migrations, Migrations}

// Two municipalities of one region, in zones nine hours apart.
var (
	muniA = Municipality{ID: "muni-a", Path: "/region/muni-a/", Slug: "a", Name: "А", TimeZone: "Europe/Moscow"}
	muniB = Municipality{ID: "muni-b", Path: "/region/muni-b/", Slug: "b", Name: "Б", TimeZone: "Asia/Kamchatka"}
	depA1 = Department{ID: "dep-a1", MunicipalityID: "muni-a", Name: "Дороги"}
	depA2 = Department{ID: "dep-a2", MunicipalityID: "muni-a", Name: "Благоустройство"}
	depB1 = Department{ID: "dep-b1", MunicipalityID: "muni-b", Name: "Дороги"}
)

// fakePlaces know muniA and muniB, found by id and slug as territory
// would, and their departments.
type fakePlaces struct{ placetest.Places[Municipality] }

func newPlaces() fakePlaces {
	key := func(m Municipality) (string, string) { return m.ID, m.Slug }
	return fakePlaces{placetest.New(key, func() error { return fault.ErrNotFound }, muniA, muniB)}
}

func (fakePlaces) Department(_ context.Context, id string) (Department, error) {
	for _, d := range []Department{depA1, depA2, depB1} {
		if d.ID == id {
			return d, nil
		}
	}
	return Department{}, fault.ErrNotFound
}

func (fakePlaces) Departments(_ context.Context, muniID string) ([]Department, error) {
	var out []Department
	for _, d := range []Department{depA1, depA2, depB1} {
		if d.MunicipalityID == muniID {
			out = append(out, d)
		}
	}
	return out, nil
}

// Contains gives muni A a boundary (a box around St Petersburg); muni B
// has none.
func (fakePlaces) Contains(_ context.Context, muniID string, p Point) (bool, bool, error) {
	if muniID != muniA.ID {
		return false, false, nil
	}
	return p.Lat > 59.5 && p.Lat < 60.5 && p.Lon > 29.5 && p.Lon < 31, true, nil
}

// officials knows the operators tests assign work to.
type officials map[string]string // user id -> municipality path

func (o officials) Official(_ context.Context, userID, path, _ string) (bool, error) {
	return o[userID] == path, nil
}

// env is one test's service with a clock the test moves.
type env struct {
	t   *testing.T
	d   *db.DB
	svc *Service
	now time.Time
}

// start is Friday 10 January 2025, 09:00 in Moscow.
var start = time.Date(2025, 1, 10, 6, 0, 0, 0, time.UTC)

func run(t *testing.T, body func(t *testing.T, e *env)) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := &env{t: t, d: d, now: start}
		e.svc = New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: newPlaces(),
			Officials: officials{"op-a-2": muniA.Path}, Now: func() time.Time { return e.now }})
		body(t, e)
	})
}

func resident(id string) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id, Name: "Иван Петров",
		Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: "region", ScopePath: "/region/"}}})
}

func official(id string, role auth.Role, m Municipality, dept string) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id, Name: "Официальное лицо",
		Grants: []auth.Grant{{Role: role, ScopeID: m.ID, ScopePath: m.Path, DepartmentID: dept}}})
}

func admin(m Municipality) context.Context {
	return official("admin-"+m.ID, auth.RoleMunicipalAdmin, m, "")
}

// counts returns the number of rows in every table a write touches.
func (e *env) counts() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, tbl := range []string{"appeals", "appeals_history", "appeals_deadlines", "appeals_categories", "appeals_photos", "audit_log", "event_outbox"} {
		var n int
		if err := e.d.Writer().QueryRow("SELECT COUNT(*) FROM " + tbl).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out[tbl] = n
	}
	return out
}

// events lists the outbox event types in order.
func (e *env) events() []string {
	e.t.Helper()
	rows, err := e.d.Writer().Query("SELECT type FROM event_outbox ORDER BY created_ms, id")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// pothole creates the report category of muni A with a 5-working-day SLA.
func (e *env) pothole(anonymous bool) Category {
	e.t.Helper()
	c, err := e.svc.CreateCategory(admin(muniA), muniA.ID, CategoryInput{Code: "pothole", Regime: RegimeReport,
		NameRU: "Яма на дороге", NameEN: "Pothole", SLA: SLA{Amount: 5, Unit: Days, Working: true},
		AllowAnonymous: anonymous, DepartmentID: depA1.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) complaint(ctx context.Context) Appeal {
	e.t.Helper()
	a, err := e.svc.Submit(ctx, SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Complaint,
		Description: "Во дворе дома 5 третью неделю не вывозят мусор.", AuthorName: "Иван Петров"})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) report(ctx context.Context, cat Category) Appeal {
	e.t.Helper()
	a, err := e.svc.Submit(ctx, SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: cat.ID,
		Description: "Глубокая яма у остановки «Школа».", Point: &Point{Lat: 59.93, Lon: 30.31}})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// msk formats an instant as a Moscow local time.
func msk(t time.Time) string {
	loc, _ := time.LoadLocation("Europe/Moscow")
	return t.In(loc).Format("2006-01-02 15:04")
}
