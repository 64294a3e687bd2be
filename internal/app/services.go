package app

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/services"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/workplace"
)

// buildServices makes the municipal services domain over the territory
// tree. Fonts for the result PDF come from MUNI_FONT_DIR; without them
// muni still runs and says so when a result is asked for.
func (a *App) buildServices() *services.Service {
	fonts, err := a.pdfFonts()
	if err != nil {
		a.Log.Warn("services: no fonts for result documents", "err", err)
		fonts = nil
	}
	return services.New(services.Deps{DB: a.DB, Audit: a.Audit, Outbox: a.Outbox, Places: servicePlaces{a.Territory},
		People: servicePeople{a}, Fonts: fonts})
}

// subscribeServices turns the applications' events into notifications.
func (a *App) subscribeServices() error {
	return a.notifyOn(services.NotifyEvents(), a.Services.Notices)
}

// servicePlaces adapts the territory domain to services.Places.
type servicePlaces struct{ t *territory.Service }

func serviceMuni(n territory.Node) (services.Municipality, error) {
	if !n.Municipal() {
		return services.Municipality{}, territory.ErrNotFound
	}
	return services.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN, TimeZone: n.TimeZone}, nil
}

// Municipality returns one municipal formation.
func (p servicePlaces) Municipality(ctx context.Context, id string) (services.Municipality, error) {
	n, err := p.t.Node(ctx, id)
	if err != nil {
		return services.Municipality{}, err
	}
	return serviceMuni(n)
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p servicePlaces) MunicipalityBySlug(ctx context.Context, slug string) (services.Municipality, error) {
	n, err := p.t.NodeBySlug(ctx, slug)
	if err != nil {
		return services.Municipality{}, err
	}
	return serviceMuni(n)
}

// Departments lists a municipality's departments, territorial ones included.
func (p servicePlaces) Departments(ctx context.Context, muniID string) ([]services.Department, error) {
	ds, err := p.t.Departments(ctx, muniID)
	out := make([]services.Department, 0, len(ds))
	for _, d := range ds {
		out = append(out, services.Department{ID: d.ID, MunicipalityID: d.MuniID, Name: d.NameRU, NameEN: d.NameEN})
	}
	return out, err
}

// servicePeople names an applicant from identity, for drafts the system
// starts on a resident's behalf (an accepted proactive offer).
type servicePeople struct{ a *App }

// Name is the user's name.
func (p servicePeople) Name(ctx context.Context, userID string) (string, error) {
	u, _, err := p.a.Identity.UserDetail(AsSystem(ctx), userID)
	return u.Name, err
}

// serviceQueue feeds the officials' work queue with open applications,
// each with its regulated deadline (none while its term is suspended in
// time) and that deadline's legal basis.
type serviceQueue struct {
	svc *services.Service
	t   *territory.Service
}

// Name is the source's name in the queue's filter.
func (q serviceQueue) Name() string { return "services" }

// Queue lists the open applications the actor works on.
func (q serviceQueue) Queue(ctx context.Context, actor *auth.Actor, f workplace.Filter) ([]workplace.Item, error) {
	apps, err := q.svc.Queue(auth.With(ctx, actor))
	if err != nil {
		return nil, err
	}
	zones := zoneCache{t: q.t}
	out := make([]workplace.Item, 0, len(apps))
	for _, ap := range apps {
		zone := zones.of(ctx, ap.TenantID)
		state := "services.state." + string(ap.State)
		if ap.Suspended() {
			state = "services.state.suspended"
		}
		// A term suspended in time has no running deadline: the item is
		// not overdue and sorts after those the official can work on.
		out = append(out, workplace.Item{Source: "services", Kind: "services.kind.application", ID: ap.ID,
			Title: ap.Number + " · " + ap.ServiceName, URL: "/services/applications/" + ap.ID, TenantID: ap.TenantID,
			Zone: zone, State: state, Due: ap.RunningDue(), Basis: ap.Basis})
	}
	return out, nil
}

// servicesHome is the services block of a municipality's home page.
type servicesHome struct{ a *App }

// Section links to the catalogue, its statistics and the person's own
// applications.
func (h servicesHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	l := h.a.Catalog.Localizer(lang)
	return territory.HomeBlock{Title: l.T("services.home.title"), Text: l.T("services.home.text"),
		Items: []territory.HomeItem{{Title: l.T("services.home.catalog"), URL: "/m/" + muni.Slug + "/services"},
			{Title: l.T("services.home.stats"), URL: "/m/" + muni.Slug + "/services/stats"},
			{Title: l.T("proactive.home.link"), URL: "/proactive", Meta: l.T("proactive.home.meta")}},
		MoreURL: "/services/mine", MoreText: l.T("services.home.mine")}, nil
}

// demoServices is the demo step that fills every demo municipality's
// catalogue with eight services and files applications in every state in
// the main one, signed by the identity step's residents.
func demoServices(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	users, err := demoResidents(ctx, a)
	if err != nil {
		return err
	}
	in := services.DemoInput{Now: time.Now()}
	// The resident whose login the demo prints comes first: their "my
	// applications" page then shows a draft among the rest.
	for i, u := range users {
		for _, l := range w.Logins {
			if l.Role == auth.RoleResident.String() && l.Email == u.Email && i > 0 {
				users[0], users[i] = users[i], users[0]
			}
		}
	}
	for _, u := range users {
		in.Residents = append(in.Residents, services.DemoResident{ID: u.ID, Name: u.Name})
	}
	for i, m := range td.All() {
		dm := services.DemoMunicipality{ID: m.ID, Departments: m.Departments}
		if i == 0 {
			dm.Applications = 120
		}
		in.Municipalities = append(in.Municipalities, dm)
	}
	res, err := services.SeedDemo(AsSystem(ctx), a.Services, in)
	if err != nil {
		return err
	}
	w.Notes = append(w.Notes, fmt.Sprintf("services: %d catalogue entries, %d applications (%d with a deadline moved by a suspended term)",
		res.Services, res.Applications, res.Extended))
	return nil
}

// zoneCache looks each municipality's time zone up once per work queue.
type zoneCache struct {
	t *territory.Service
	m map[string]string // tenant -> IANA zone
}

// of is the zone of a tenant, or "" when it cannot be read.
func (z *zoneCache) of(ctx context.Context, tenantID string) string {
	if zone, ok := z.m[tenantID]; ok {
		return zone
	}
	if z.m == nil {
		z.m = map[string]string{}
	}
	zone := ""
	if n, err := z.t.Node(ctx, tenantID); err == nil {
		zone = n.TimeZone
	}
	z.m[tenantID] = zone
	return zone
}
