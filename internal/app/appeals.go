package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/workplace"
)

// buildAppeals makes the appeals service over the territory tree.
func (a *App) buildAppeals() *appeals.Service {
	return appeals.New(appeals.Deps{DB: a.DB, Audit: a.Audit, Outbox: a.Outbox, Places: appealPlaces{a.Territory},
		Staff: appealPeople{a}, PhotoMaxBytes: a.Cfg.PhotoMaxBytes})
}

// appealPlaces adapts the territory domain to appeals.Places.
type appealPlaces struct{ t *territory.Service }

func appealMuni(n territory.Node) (appeals.Municipality, error) {
	if !n.Municipal() {
		return appeals.Municipality{}, territory.ErrNotFound
	}
	return appeals.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN, TimeZone: n.TimeZone,
		Boundary: n.Boundary}, nil
}

// Municipality returns one municipal formation.
func (p appealPlaces) Municipality(ctx context.Context, id string) (appeals.Municipality, error) {
	n, err := p.t.Node(ctx, id)
	if err != nil {
		return appeals.Municipality{}, err
	}
	return appealMuni(n)
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p appealPlaces) MunicipalityBySlug(ctx context.Context, slug string) (appeals.Municipality, error) {
	n, err := p.t.NodeBySlug(ctx, slug)
	if err != nil {
		return appeals.Municipality{}, err
	}
	return appealMuni(n)
}

// MunicipalityByOKTMO returns the municipal formation with an OKTMO code,
// for Open311's jurisdiction_id.
func (p appealPlaces) MunicipalityByOKTMO(ctx context.Context, code string) (appeals.Municipality, error) {
	n, err := p.t.NodeByOKTMO(ctx, code)
	if err != nil {
		return appeals.Municipality{}, err
	}
	return appealMuni(n)
}

// Department returns one department.
func (p appealPlaces) Department(ctx context.Context, id string) (appeals.Department, error) {
	d, err := p.t.Department(ctx, id)
	return appeals.Department{ID: d.ID, MunicipalityID: d.MuniID, Name: d.NameRU, NameEN: d.NameEN}, err
}

// Departments lists a municipality's departments.
func (p appealPlaces) Departments(ctx context.Context, muniID string) ([]appeals.Department, error) {
	ds, err := p.t.Departments(ctx, muniID)
	out := make([]appeals.Department, 0, len(ds))
	for _, d := range ds {
		out = append(out, appeals.Department{ID: d.ID, MunicipalityID: d.MuniID, Name: d.NameRU, NameEN: d.NameEN})
	}
	return out, err
}

// Contains reports whether p lies within the municipality's boundary;
// known is false when it has none (or an unreadable one).
func (p appealPlaces) Contains(ctx context.Context, muniID string, pt appeals.Point) (inside, known bool, err error) {
	n, err := p.t.Node(ctx, muniID)
	if err != nil || len(n.Boundary) == 0 {
		return false, false, err
	}
	g, err := geojson.UnmarshalGeometry(n.Boundary)
	if err != nil {
		return false, false, nil
	}
	at := orb.Point{pt.Lon, pt.Lat}
	switch v := g.Coordinates.(type) {
	case orb.Polygon:
		return planar.PolygonContains(v, at), true, nil
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(v, at), true, nil
	}
	return false, false, nil
}

// Districts lists the municipality's child territories with their
// boundaries: the districts items are routed by.
func (p appealPlaces) Districts(ctx context.Context, muniID string) ([]appeals.District, error) {
	kids, err := p.t.Children(ctx, muniID)
	if err != nil {
		return nil, err
	}
	out := make([]appeals.District, 0, len(kids))
	for _, n := range kids {
		out = append(out, appeals.District{ID: n.ID, Name: n.NameRU, NameEN: n.NameEN, Boundary: n.Boundary})
	}
	return out, nil
}

// appealQueue feeds the officials' work queue with open appeals and
// reports, each with its nearest deadline and that deadline's legal basis.
type appealQueue struct {
	svc *appeals.Service
	t   *territory.Service
}

// Name is the source's name in the queue's filter.
func (q appealQueue) Name() string { return "appeals" }

// Queue lists the open items the actor works on.
func (q appealQueue) Queue(ctx context.Context, actor *auth.Actor, f workplace.Filter) ([]workplace.Item, error) {
	items, err := q.svc.Queue(auth.With(ctx, actor), appeals.QueueFilter{OpenOnly: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := make([]workplace.Item, 0, len(items))
	ids := make([]string, len(items))
	for i, s := range items {
		ids[i] = s.ID
	}
	triage, err := q.svc.InTriage(ctx, ids) // shown as their state: an official picks the department
	if err != nil {
		return nil, err
	}
	zones := zoneCache{t: q.t}
	for _, s := range items {
		zone := zones.of(ctx, s.TenantID)
		it := workplace.Item{Source: "appeals", Kind: "appeals.regime." + string(s.Regime), ID: s.ID, Title: s.Title(),
			URL: "/appeals/" + s.ID, TenantID: s.TenantID, Zone: zone, State: "appeals.state." + string(s.State)}
		if s.Due != nil {
			it.Due, it.Basis = s.Due.At, s.Due.Basis
		}
		if _, ok := triage[s.ID]; ok {
			it.State = "appeals.show.triage"
		}
		// Among equal deadlines: residents' "me too" raises a report; a
		// legal deadline outranks an SLA due at the same moment.
		it.Priority = s.Supporters
		if s.Regime == appeals.RegimeAppeal {
			it.Priority = 1 << 20
		}
		out = append(out, it)
	}
	return out, nil
}

// appealsHome is the appeals block of a municipality's home page.
type appealsHome struct{ a *App }

// Section links to the submission form, the public reports and the
// person's own appeals.
func (h appealsHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	l := h.a.Catalog.Localizer(lang)
	return territory.HomeBlock{Title: l.T("appeals.home.title"), Text: l.T("appeals.home.text"),
		Items: []territory.HomeItem{{Title: l.T("appeals.home.new"), URL: "/m/" + muni.Slug + "/appeals/new"},
			{Title: l.T("appeals.home.reports"), URL: "/m/" + muni.Slug + "/reports"}},
		MoreURL: "/appeals/mine", MoreText: l.T("appeals.home.mine")}, nil
}

// demoAppeals is the demo step that files several hundred reports and
// appeals, signed by the identity step's residents, across every state.
func demoAppeals(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	users, err := demoResidents(ctx, a)
	if err != nil {
		return err
	}
	in := appeals.DemoInput{Now: time.Now()}
	for _, u := range users {
		in.Residents = append(in.Residents, appeals.DemoResident{ID: u.ID, Name: u.Name})
	}
	for i, m := range td.All() {
		n := 60
		if i == 0 {
			n = 240
		}
		dm := appeals.DemoMunicipality{ID: m.ID, Departments: m.Departments, Items: n}
		if c := m.Center; c != nil {
			dm.Center = &appeals.Point{Lat: c.Lat, Lon: c.Lon}
		}
		in.Municipalities = append(in.Municipalities, dm)
	}
	res, err := appeals.SeedDemo(AsSystem(ctx), a.Appeals, in)
	if err != nil {
		return err
	}
	w.Notes = append(w.Notes, fmt.Sprintf("appeals: %d categories, %d reports and appeals (%d overdue)",
		res.Categories, res.Items, res.Overdue))
	if ms := td.All(); len(ms) > 0 {
		n, err := demoAppealsRouting(AsSystem(ctx), a, ms[0])
		if err != nil {
			return fmt.Errorf("appeals routing: %w", err)
		}
		w.Notes = append(w.Notes, fmt.Sprintf("appeals: %d extra questions and routing rules in %s", n, ms[0].NameRU))
	}
	return nil
}

// demoAppealsRouting gives the first demo municipality's pothole and
// streetlight categories extra questions (optional ones for potholes, so
// a quick report stays quick), and routes courtyard reports by its
// settlements (each a child territory with a boundary): the first
// settlement's to the housing department, the rest to roads; a courtyard
// pinned outside every settlement, or near a settlement's edge, waits in
// triage. It runs again without adding anything twice.
func demoAppealsRouting(ctx context.Context, a *App, m territory.DemoMunicipality) (int, error) {
	cats, err := a.Appeals.Categories(ctx, m.ID)
	if err != nil {
		return 0, err
	}
	byCode := map[string]appeals.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	asks := map[string][]appeals.QuestionInput{
		"pothole": {
			{Code: "depth", Kind: appeals.QuestionNumber, LabelRU: "Примерная глубина, см", LabelEN: "Approximate depth, cm"},
			{Code: "where", Kind: appeals.QuestionSingle, LabelRU: "Где яма", LabelEN: "Where is it",
				Options: []appeals.Option{{Key: "road", RU: "На проезжей части", EN: "On the roadway"},
					{Key: "walk", RU: "На тротуаре", EN: "On the pavement"}, {Key: "yard", RU: "Во дворе", EN: "In a courtyard"}}},
			{Code: "hazards", Kind: appeals.QuestionMulti, LabelRU: "Что ещё опасно", LabelEN: "Other hazards",
				Options: []appeals.Option{{Key: "water", RU: "Заполнена водой", EN: "Full of water"},
					{Key: "rebar", RU: "Торчит арматура", EN: "Rebar sticking out"}, {Key: "dark", RU: "Нет освещения", EN: "No lighting"}}},
		},
		"streetlight": {
			{Code: "pole", Kind: appeals.QuestionString, LabelRU: "Номер опоры", LabelEN: "Pole number",
				HintRU: "написан на табличке на опоре", HintEN: "on the plate on the pole"},
			{Code: "since", Kind: appeals.QuestionDatetime, LabelRU: "Когда заметили", LabelEN: "Noticed at"},
		},
	}
	n := 0
	for code, ins := range asks {
		c, ok := byCode[code]
		if !ok {
			continue
		}
		have, err := a.Appeals.Questions(ctx, c.ID)
		if err != nil {
			return n, err
		}
		for _, in := range ins {
			if slices.ContainsFunc(have, func(q appeals.Question) bool { return q.Code == in.Code }) {
				continue
			}
			if _, err := a.Appeals.AddQuestion(ctx, c.ID, in); err != nil {
				return n, err
			}
			n++
		}
	}
	yard, ok := byCode["yard"]
	if !ok || len(m.Settlements) == 0 {
		return n, nil
	}
	for i, s := range m.Settlements {
		dep := m.Departments["roads"]
		if i == 0 {
			dep = m.Departments["housing"]
		}
		if dep == "" || len(s.Boundary) == 0 {
			continue
		}
		if _, err := a.Appeals.SetRoute(ctx, m.ID, appeals.Route{CategoryID: yard.ID, DistrictID: s.ID, DepartmentID: dep}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
