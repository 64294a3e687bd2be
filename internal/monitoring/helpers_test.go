package monitoring

import (
	"context"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/placetest"
)

var sets = []db.Migrations{audit.Migrations, Migrations}

// Three municipalities of one region: tests prove one never writes
// another's figures, and the region view compares them.
var (
	muniA = Municipality{ID: "mon-a", Path: "/r/mon-a/", Slug: "mon-alpha", Name: "Альфа", TimeZone: "Europe/Moscow", Population: 40000, RegionID: "r"}
	muniB = Municipality{ID: "mon-b", Path: "/r/mon-b/", Slug: "mon-beta", Name: "Бета", TimeZone: "Europe/Moscow", Population: 60000, RegionID: "r"}
	muniC = Municipality{ID: "mon-c", Path: "/r/mon-c/", Slug: "mon-gamma", Name: "Гамма", TimeZone: "Europe/Moscow", Population: 500000, RegionID: "r"}
)

// fakePlaces are the municipalities given to places, found by id and
// slug as territory would, and by region.
type fakePlaces struct{ placetest.Places[Municipality] }

func places(ms ...Municipality) fakePlaces {
	key := func(m Municipality) (string, string) { return m.ID, m.Slug }
	return fakePlaces{placetest.New(key, func() error { return fault.ErrNotFound }, ms...)}
}

func (p fakePlaces) Region(_ context.Context, m Municipality) ([]Municipality, error) {
	var out []Municipality
	for _, x := range p.All() {
		if x.RegionID == m.RegionID {
			out = append(out, x)
		}
	}
	return out, nil
}

var testNow = time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC)

func newService(t testing.TB, d *db.DB, src Sources) *Service {
	t.Helper()
	s, err := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB, muniC), Sources: src, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func grant(m Municipality, role auth.Role) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: role.String() + "-" + m.ID, Grants: []auth.Grant{{Role: role, ScopeID: m.ID, ScopePath: m.Path}}}
}

func as(a *auth.Actor) context.Context { return auth.With(context.Background(), a) }

func f(v float64) *float64 { return &v }
