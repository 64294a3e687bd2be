package app

import (
	"context"

	"github.com/muni-platform/muni/internal/workplace"
)

// tenantList adapts the territory domain to workplace.Tenants.
type tenantList struct{ a *App }

func (a *App) tenants() workplace.Tenants { return tenantList{a} }

// TenantsUnder lists the municipalities at or below path.
func (t tenantList) TenantsUnder(ctx context.Context, path string) ([]workplace.Tenant, error) {
	return []workplace.Tenant{}, nil // replaced when territory lands
}
