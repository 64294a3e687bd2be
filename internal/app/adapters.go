package app

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/workplace"
)

// tenantList adapts the territory domain to workplace.Tenants.
type tenantList struct{ a *App }

func (a *App) tenants() workplace.Tenants { return tenantList{a} }

// TenantsUnder lists the municipalities at or below path, named in the
// request's language.
func (t tenantList) TenantsUnder(ctx context.Context, path string) ([]workplace.Tenant, error) {
	nodes, err := t.a.Territory.Subtree(ctx, path)
	if err != nil && !errors.Is(err, territory.ErrNotFound) {
		return nil, err
	}
	out := []workplace.Tenant{}
	for _, n := range nodes {
		if n.Municipal() {
			out = append(out, workplace.Tenant{ID: n.ID, Name: n.Name(web.Lang(ctx))})
		}
	}
	return out, nil
}
