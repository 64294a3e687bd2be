package app

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/auth"
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

// toolbox lists the administration index's tools per municipality: every
// domain's pages an administrator works in, in one place.
type toolbox struct{ a *App }

// maxToolSets keeps the index short for those over a whole region: they
// reach a municipality's tools through the territory tree.
const maxToolSets = 5

// Tools lists the municipalities the actor administers (when there are
// few enough) with each one's tools.
func (t toolbox) Tools(ctx context.Context) ([]workplace.ToolSet, error) {
	actor := auth.From(ctx)
	seen := map[string]bool{}
	var out []workplace.ToolSet
	for _, g := range actor.Grants {
		if g.Role < auth.RoleMunicipalAdmin {
			continue
		}
		nodes, err := t.a.Territory.Subtree(ctx, g.ScopePath)
		if err != nil && !errors.Is(err, territory.ErrNotFound) {
			return nil, err
		}
		for _, n := range nodes {
			if !n.Municipal() || seen[n.ID] {
				continue
			}
			seen[n.ID] = true
			if len(seen) > maxToolSets {
				return nil, nil
			}
			out = append(out, workplace.ToolSet{Municipality: n.Name(web.Lang(ctx)), Slug: n.Slug, Tools: municipalTools(n.Slug)})
		}
	}
	return out, nil
}

// municipalTools are the pages of one municipality's administration.
func municipalTools(slug string) []workplace.Tool {
	tool := func(key, url string) workplace.Tool {
		return workplace.Tool{Label: "workplace.tool." + key, Hint: "workplace.tool." + key + "_hint", URL: url}
	}
	return []workplace.Tool{
		tool("departments", "/admin/m/"+slug+"/departments"),
		tool("routing", "/m/"+slug+"/appeals/routing"),
		tool("replies", "/m/"+slug+"/appeals/replies"),
		tool("moderation", "/appeals/moderation"),
		tool("participation", "/admin/m/"+slug+"/participation"),
		tool("verification", "/admin/m/"+slug+"/verification"),
		tool("metering", "/m/"+slug+"/metering"),
		tool("resources", "/m/"+slug+"/resources"),
		tool("transport", "/m/"+slug+"/transport/feeds"),
		tool("road_works", "/m/"+slug+"/transport/works"),
		tool("road_segments", "/m/"+slug+"/transport/segments"),
		tool("decisions", "/m/"+slug+"/decision-cases"),
		tool("services", "/admin/m/"+slug+"/services"),
		tool("proactive", "/m/"+slug+"/proactive"),
		tool("situation", "/m/"+slug+"/situation"),
		tool("indicators", "/m/"+slug+"/indicators/edit"),
	}
}
