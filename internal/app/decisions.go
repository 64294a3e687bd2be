package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/decisions"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/territory"
)

// buildDecisions makes the decision support and register over the
// territory tree, with evidence from appeals, metering and participation
// and notifications to residents who follow the register.
func (a *App) buildDecisions() *decisions.Service {
	return decisions.New(decisions.Deps{DB: a.DB, Audit: a.Audit, Places: decisionPlaces{a.Territory}, Notify: a.Notify,
		Evidence: []decisions.EvidenceSource{appealsEvidence{a.Appeals, a.Catalog}, lossEvidence{a.watch(), a.Catalog}, participationEvidence{a.Participation, a.Catalog}}})
}

// decisionRoutes mounts the register, the case workspace and the API.
func (a *App) decisionRoutes(rt *web.Router) {
	decisions.Routes(rt, a.Decisions, decisions.WebDeps{Render: a.Web.Render, Catalog: a.Catalog, Fonts: a.pdfFonts, BaseURL: a.Cfg.PublicURL()})
}

// decisionPlaces adapts the territory domain to decisions.Places.
type decisionPlaces struct{ t *territory.Service }

func decisionMuni(n territory.Node, err error) (decisions.Municipality, error) {
	return municipal(n, err, func(n territory.Node) decisions.Municipality {
		return decisions.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN, TimeZone: n.TimeZone}
	})
}

// Municipality returns one municipal formation.
func (p decisionPlaces) Municipality(ctx context.Context, id string) (decisions.Municipality, error) {
	return decisionMuni(p.t.Node(ctx, id))
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p decisionPlaces) MunicipalityBySlug(ctx context.Context, slug string) (decisions.Municipality, error) {
	return decisionMuni(p.t.NodeBySlug(ctx, slug))
}

// evidenceMax bounds what each source offers: the officials pick from a list.
const evidenceMax = 10

// appealsEvidence offers the busiest cells of the public reports' hot-spot
// grid over the last three months.
type appealsEvidence struct {
	s   *appeals.Service
	cat *i18n.Catalog
}

// Evidence lists the hot spots with at least two reports.
func (e appealsEvidence) Evidence(ctx context.Context, m decisions.Municipality) ([]decisions.Evidence, error) {
	hs, err := e.s.HotSpots(ctx, m.ID, appeals.HotSpotFilter{})
	if err != nil {
		return nil, err
	}
	l := e.cat.Localizer(web.Lang(ctx))
	var out []decisions.Evidence
	for _, c := range hs.Cells {
		if c.Count < 2 || len(out) == evidenceMax {
			break // busiest first
		}
		p := c.Center()
		out = append(out, decisions.Evidence{Kind: "appeals.hotspot", Ref: fmt.Sprintf("%d:%d:%d", hs.Cell, c.Row, c.Col),
			Title:   l.T("decisions.evidence.hotspot_title", "Lat", fmt.Sprintf("%.4f", p.Lat), "Lon", fmt.Sprintf("%.4f", p.Lon), "Cell", hs.Cell),
			Summary: l.T("decisions.evidence.hotspot_summary", "Reports", c.Count, "Open", c.Open), Link: "/m/" + m.Slug + "/reports/hotspots"})
	}
	return out, nil
}

// lossEvidence offers each metered zone's losses over the metering
// dashboard's period, as the dashboard computes them.
type lossEvidence struct {
	w   *metering.Watch
	cat *i18n.Catalog
}

// Evidence lists the zones with losses, as the official may read them.
func (e lossEvidence) Evidence(ctx context.Context, m decisions.Municipality) ([]decisions.Evidence, error) {
	dash, err := e.w.Dashboard(ctx, auth.From(ctx), m.ID)
	if errors.Is(err, metering.ErrForbidden) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l := e.cat.Localizer(web.Lang(ctx))
	var out []decisions.Evidence
	for _, z := range dash.Zones {
		if !z.Total.HasInput || z.Total.Losses <= 0 || len(out) == evidenceMax {
			continue
		}
		out = append(out, decisions.Evidence{Kind: "metering.losses", Ref: z.Code, Title: l.T("decisions.evidence.zone_title", "Code", z.Code, "Name", z.Name),
			Summary: l.T("decisions.evidence.zone_summary", "Days", metering.DashboardDays, "Losses", fmt.Sprintf("%.1f", z.Total.Losses),
				"Unit", z.Unit, "Percent", fmt.Sprintf("%.1f", z.Total.LossPercent)),
			Link: "/m/" + m.Slug + "/resources"})
	}
	return out, nil
}

// participationEvidence offers the results of votes and the residents'
// most supported proposals.
type participationEvidence struct {
	s   *participation.Service
	cat *i18n.Catalog
}

// Evidence lists results, then each process's top proposals.
func (e participationEvidence) Evidence(ctx context.Context, m decisions.Municipality) ([]decisions.Evidence, error) {
	rs, err := e.s.Results(ctx, m.ID, participation.ResultFilter{})
	if err != nil {
		return nil, err
	}
	l := e.cat.Localizer(web.Lang(ctx))
	var out []decisions.Evidence
	for _, r := range rs {
		if len(out) == evidenceMax {
			break
		}
		out = append(out, decisions.Evidence{Kind: "participation.result", Ref: r.ID, Title: r.Title,
			Summary: l.T("decisions.evidence.result_summary", "Progress", r.Progress), Link: "/participation/results/" + r.ID})
	}
	ps, err := e.s.Processes(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		top, err := e.s.Proposals(ctx, p.ID, participation.OrderTop, web.Page{Limit: 5})
		if err != nil {
			return nil, err
		}
		for _, pr := range top.Items {
			out = append(out, decisions.Evidence{Kind: "participation.proposal", Ref: pr.ID, Title: pr.Title,
				Summary: l.T("decisions.evidence.proposal_summary", "Supports", pr.Supports, "Threshold", pr.Threshold), Link: "/participation/proposals/" + pr.ID})
		}
	}
	return out, nil
}

// decisionsHome is the decision register's block of a municipality's
// home page: the latest published decisions.
type decisionsHome struct{ a *App }

// homeDecisions is how many decisions the block lists.
const homeDecisions = 3

// Section lists the latest decisions and links to the register.
func (h decisionsHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	l := h.a.Catalog.Localizer(lang)
	m := decisions.Municipality{ID: muni.ID, Path: muni.Path, Slug: muni.Slug}
	ds, err := h.a.Decisions.Register(auth.With(ctx, auth.Anon), m, decisions.Filter{Limit: homeDecisions})
	if err != nil {
		return territory.HomeBlock{}, err
	}
	b := territory.HomeBlock{Title: l.T("decisions.register.title"), Text: l.T("decisions.home.text"),
		MoreURL: "/m/" + muni.Slug + "/decisions/", MoreText: l.T("decisions.home.all")}
	for _, d := range ds {
		b.Items = append(b.Items, territory.HomeItem{Title: d.Title, URL: "/decisions/" + d.ID,
			Meta: l.T("decisions.line", "Body", l.T("decisions.body."+string(d.Body)), "Date", d.DecidedText(), "Number", d.Number), Badge: l.T("decisions.status." + string(d.Status))})
	}
	return b, nil
}
