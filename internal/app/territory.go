package app

import (
	"context"
	"fmt"
	"io"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/territory"
)

// systemActor is muni itself acting from the command line (import, demo):
// a platform administrator, so the services' checks and audit entries
// apply as they would to a person.
var systemActor = &auth.Actor{Kind: auth.Machine, ID: "system", Name: "muni",
	Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}}

// AsSystem returns ctx acting as muni itself.
func AsSystem(ctx context.Context) context.Context { return auth.With(ctx, systemActor) }

// ImportTerritory loads a cities CSV (the shipped one when r is nil) into
// the territory tree, idempotently.
func (a *App) ImportTerritory(ctx context.Context, r io.Reader) (territory.ImportResult, error) {
	if r == nil {
		r = territory.Cities()
	}
	return a.Territory.Import(AsSystem(ctx), r)
}

// demoTerritory is the demo step that creates Leningrad oblast with the
// demo okrugs; later steps read it from w.ids["territory"].
func demoTerritory(ctx context.Context, a *App, w *DemoWorld) error {
	d, err := territory.SeedDemo(AsSystem(ctx), a.Territory)
	if err != nil {
		return err
	}
	w.ids["territory"] = d
	w.Municipality = d.Main.Slug
	deps := 0
	for _, m := range d.All() {
		deps += len(m.Departments)
	}
	w.Notes = append(w.Notes, fmt.Sprintf("territory: %s with %d municipal okrugs and %d departments (%s)",
		d.Region.NameRU, len(d.All()), deps, territory.CitiesSource))
	return nil
}

// holdsDemo reports whether the database holds demo data, so every page
// says so, however the server was started.
func (a *App) holdsDemo(ctx context.Context) bool {
	ms, err := a.Territory.Municipalities(ctx)
	if err != nil {
		a.Log.Warn("demo check failed", "err", err)
		return false
	}
	for _, m := range ms {
		if m.Demo {
			return true
		}
	}
	return false
}
