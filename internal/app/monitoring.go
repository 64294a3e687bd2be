package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/monitoring"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
)

// buildMonitoring makes the monitoring service over the other domains,
// each adapted to one of its small source interfaces.
func (a *App) buildMonitoring() (*monitoring.Service, error) {
	return monitoring.New(monitoring.Deps{DB: a.DB, Audit: a.Audit, Places: monitoringPlaces{a.Territory}, Log: a.Log,
		Sources: monitoring.Sources{
			Appeals:       monitoringAppeals{a},
			Notices:       monitoringNotices{a},
			Alarms:        monitoringAlarms{a},
			Participation: monitoringParticipation{a},
			Transport:     monitoringTransport{a},
			Losses:        monitoringLosses{a},
			CentreAccess:  monitoringTransport{a},
			Services:      monitoringServices{a},
			RoadWorks:     monitoringRoadWorks{a},
		}})
}

// monitoringPDF is the indicator reports' PDF writer, or nil (no PDF
// link) when the fonts of MUNI_FONT_DIR are missing.
func (a *App) monitoringPDF() monitoring.PDF {
	fonts, err := a.pdfFonts()
	if err != nil {
		a.Log.Warn("monitoring: no fonts for PDF reports", "err", err)
		return nil
	}
	return monitoring.PDFReport{Fonts: fonts, Catalog: a.Catalog}
}

// monitoringServices reads the municipal services domain.
type monitoringServices struct{ a *App }

// Overdue counts the open applications and those past their deadline.
func (s monitoringServices) Overdue(ctx context.Context, muniID string) (monitoring.ServiceFigures, error) {
	n, err := s.a.Territory.Node(ctx, muniID)
	if err != nil {
		return monitoring.ServiceFigures{}, err
	}
	stats, err := s.a.Services.Stats(ctx, muniID)
	if err != nil {
		return monitoring.ServiceFigures{}, err
	}
	out := monitoring.ServiceFigures{URL: "/admin/m/" + n.Slug + "/services"}
	for _, st := range stats {
		out.Open += st.Open
	}
	if out.Overdue, err = s.a.Services.Overdue(ctx, muniID); err != nil {
		return monitoring.ServiceFigures{}, err
	}
	return out, nil
}

// monitoringPlaces adapts the territory domain to monitoring.Places.
type monitoringPlaces struct{ t *territory.Service }

func monitoringMuni(n territory.Node, err error) (monitoring.Municipality, error) {
	if err != nil {
		return monitoring.Municipality{}, err
	}
	if !n.Municipal() {
		return monitoring.Municipality{}, territory.ErrNotFound
	}
	region, _, _ := strings.Cut(strings.TrimPrefix(n.Path, "/"), "/")
	return monitoring.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN, TimeZone: n.TimeZone,
		Population: n.Population, RegionID: region}, nil
}

// Municipality returns one municipal formation.
func (p monitoringPlaces) Municipality(ctx context.Context, id string) (monitoring.Municipality, error) {
	return monitoringMuni(p.t.Node(ctx, id))
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p monitoringPlaces) MunicipalityBySlug(ctx context.Context, slug string) (monitoring.Municipality, error) {
	return monitoringMuni(p.t.NodeBySlug(ctx, slug))
}

// Region lists the okrugs and districts of m's subject (the level the
// 607 report compares), m itself always included.
func (p monitoringPlaces) Region(ctx context.Context, m monitoring.Municipality) ([]monitoring.Municipality, error) {
	nodes, err := p.t.Subtree(ctx, "/"+m.RegionID+"/")
	if err != nil && !errors.Is(err, territory.ErrNotFound) {
		return nil, err
	}
	var out []monitoring.Municipality
	for _, n := range nodes {
		switch n.Kind {
		case territory.KindUrbanOkrug, territory.KindMunicipalOkrug, territory.KindMunicipalDistrict:
		default:
			if n.ID != m.ID {
				continue
			}
		}
		if x, err := monitoringMuni(n, nil); err == nil {
			out = append(out, x)
		}
	}
	return out, nil
}

// monitoringAppeals reads the appeals domain.
type monitoringAppeals struct{ a *App }

// Situation is the staff's view: counts and the open items' places.
func (s monitoringAppeals) Situation(ctx context.Context, muniID string) (monitoring.AppealSituation, error) {
	st, err := s.a.Appeals.Situation(ctx, muniID)
	if err != nil {
		return monitoring.AppealSituation{}, err
	}
	out := monitoring.AppealSituation{Open: st.Open, Overdue: st.Overdue, Today: st.Today, URL: "/appeals/queue",
		Points: make([]monitoring.Point, 0, len(st.Points))}
	for _, p := range st.Points {
		out.Points = append(out.Points, monitoring.Point{Kind: "appeal", Lat: p.Lat, Lon: p.Lon, URL: "/appeals/" + p.ID, Overdue: p.Overdue})
	}
	return out, nil
}

// Districts counts the public reports per district, named in lang.
func (s monitoringAppeals) Districts(ctx context.Context, muniID, lang string, since time.Time) ([]monitoring.DistrictCount, error) {
	cs, err := s.a.Appeals.DistrictCounts(ctx, muniID, since)
	if err != nil {
		return nil, err
	}
	var out []monitoring.DistrictCount
	for _, c := range cs {
		if c.Total == 0 {
			continue
		}
		name := c.Name
		if lang == "en" && c.NameEN != "" {
			name = c.NameEN
		}
		out = append(out, monitoring.DistrictCount{Name: name, Open: c.Open, Total: c.Total})
	}
	return out, nil
}

// Figures are the appeals domain's own statistics of the period.
func (s monitoringAppeals) Figures(ctx context.Context, muniID string, from, to time.Time) (monitoring.AppealFigures, error) {
	r, err := s.a.Appeals.PeriodStats(ctx, muniID, from, to)
	if err != nil {
		return monitoring.AppealFigures{}, err
	}
	return monitoring.AppealFigures{Received: r.Received, MedianAnswer: r.MedianAnswer, MedianFix: r.MedianFix, OverdueShare: r.OverdueShare}, nil
}

// StatsURL is the public statistics page.
func (monitoringAppeals) StatsURL(slug string) string { return "/m/" + slug + "/reports/stats" }

// monitoringNotices reads metering's public outage notices: those on
// now and those announced for the coming week.
type monitoringNotices struct{ a *App }

// Notices lists them with their buildings' places.
func (s monitoringNotices) Notices(ctx context.Context, muniID string, now time.Time) ([]monitoring.Notice, error) {
	n, err := s.a.Territory.Node(ctx, muniID)
	if err != nil {
		return nil, err
	}
	list, err := s.a.watch().Outages(ctx, muniID, now, now.AddDate(0, 0, 7))
	if err != nil {
		return nil, err
	}
	out := make([]monitoring.Notice, 0, len(list))
	for _, o := range list {
		if o.Ended != nil && !o.Ended.After(now) {
			continue
		}
		kind := "outage"
		if o.Planned {
			kind = "planned"
		}
		x := monitoring.Notice{Kind: kind, Service: o.Service, Title: s.title(ctx, o), Starts: o.Starts, Ends: o.Ends, Active: o.Active(now),
			URL: "/m/" + n.Slug + "/outages"}
		for _, p := range o.Objects {
			x.Points = append(x.Points, monitoring.Point{Kind: "outage", Lat: p.Lat, Lon: p.Lon, Name: p.Address, URL: x.URL})
		}
		out = append(out, x)
	}
	return out, nil
}

// title names an outage by its service (in Russian, the residents'
// language of the notices), its zone and its reason.
func (s monitoringNotices) title(ctx context.Context, o metering.Outage) string {
	t := s.a.Catalog.Localizer("ru").T("metering.service." + o.Service)
	if o.ZoneName != "" {
		t += " — " + o.ZoneName
	}
	if o.Reason != "" {
		t += ": " + o.Reason
	}
	return t
}

// monitoringAlarms reads metering's open alarms, for staff.
type monitoringAlarms struct{ a *App }

// Alarms lists up to 50 open alarms.
func (s monitoringAlarms) Alarms(ctx context.Context, muniID string) ([]monitoring.Alarm, error) {
	n, err := s.a.Territory.Node(ctx, muniID)
	if err != nil {
		return nil, err
	}
	list, err := s.a.watch().Alarms(ctx, auth.From(ctx), muniID, true, 50)
	if err != nil {
		return nil, err
	}
	out := make([]monitoring.Alarm, 0, len(list))
	for _, x := range list {
		out = append(out, monitoring.Alarm{Kind: string(x.Kind), Target: x.TargetName, Severity: string(x.Severity), Since: x.Since,
			Acked: x.Acknowledged != nil, URL: "/m/" + n.Slug + "/resources#alarm-" + x.ID})
	}
	return out, nil
}

// monitoringParticipation lists the processes with a phase running.
type monitoringParticipation struct{ a *App }

// Activities are the processes open at now.
func (s monitoringParticipation) Activities(ctx context.Context, muniID string, now time.Time) ([]monitoring.Activity, error) {
	n, err := s.a.Territory.Node(ctx, muniID)
	if err != nil {
		return nil, err
	}
	ps, err := s.a.Participation.Processes(ctx, muniID)
	if err != nil {
		return nil, err
	}
	out := []monitoring.Activity{}
	for _, p := range ps {
		ph := p.Running(now)
		if ph == nil {
			continue
		}
		ends := ph.EndsAt
		out = append(out, monitoring.Activity{Kind: "process", Title: p.Title, Phase: string(ph.Kind), Ends: &ends,
			URL: "/m/" + n.Slug + "/participation/" + p.Slug})
	}
	return out, nil
}

// monitoringTransport reads transport's punctuality report, as muni
// itself: the shares are aggregates, published on the public page too.
type monitoringTransport struct{ a *App }

// UnservedShare is transport's measure of Decree 607's item 7 in the week
// around at; a municipality without a timetable or a centre point has
// none.
func (s monitoringTransport) UnservedShare(ctx context.Context, muniID string, at time.Time) (float64, bool, error) {
	c, err := s.a.Transport.CentreAccessOf(AsSystem(ctx), muniID, at)
	if errors.Is(err, fault.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil || !c.HasCentre || c.Population == 0 {
		return 0, false, err
	}
	return c.Share, true, nil
}

// Punctuality sums the carriers' rows over [from, to), in windows the
// report accepts; withMap adds the stops and the vehicles reporting now.
func (s monitoringTransport) Punctuality(ctx context.Context, muniID string, from, to time.Time, withMap bool) (monitoring.Punctuality, error) {
	n, err := s.a.Territory.Node(ctx, muniID)
	if err != nil {
		return monitoring.Punctuality{}, err
	}
	out := monitoring.Punctuality{URL: "/m/" + n.Slug + "/transport/"}
	sys := AsSystem(ctx)
	last := to.Add(-time.Millisecond)
	for start := from; !start.After(last); {
		end := start.AddDate(0, 0, transport.MaxQualityDays-1)
		if end.After(last) {
			end = last
		}
		q, err := s.a.Transport.Quality(sys, n.Slug, start, end, transport.GrainMonth)
		if errors.Is(err, fault.ErrNotFound) {
			return out, nil // no network: nothing to report
		}
		if err != nil {
			return out, err
		}
		for _, r := range q.Agencies {
			out.Observed += r.Observed
			out.OnTime += r.OnTime
			out.Scheduled += r.Scheduled
			out.Missed += r.Missed
		}
		start = end.AddDate(0, 0, 1)
	}
	if withMap {
		o, err := s.a.Transport.Overview(sys, n.Slug)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return out, err
		}
		out.Vehicles = len(o.Vehicles)
		for _, st := range o.Stops {
			if st.HasPosition {
				out.Points = append(out.Points, monitoring.Point{Kind: "stop", Lat: st.Lat, Lon: st.Lon, Name: st.Name,
					URL: "/m/" + n.Slug + "/transport/stops/" + st.ID})
			}
		}
		for _, v := range o.Vehicles {
			out.Points = append(out.Points, monitoring.Point{Kind: "vehicle", Lat: v.Lat, Lon: v.Lon, Name: v.Label, URL: out.URL})
		}
	}
	return out, nil
}

// monitoringLosses sums metering's zone balances of one resource.
type monitoringLosses struct{ a *App }

// Losses is the losses of the resource's zones over [from, to) as a
// share of their net input, counting only days with metered input.
func (s monitoringLosses) Losses(ctx context.Context, muniID, resource string, from, to time.Time) (float64, bool, error) {
	who := auth.From(ctx)
	reg, err := s.a.Metering.Registry(ctx, who, muniID)
	if err != nil {
		return 0, false, err
	}
	nets := map[string]bool{}
	for _, n := range reg.Networks {
		if string(n.Resource) == resource {
			nets[n.ID] = true
		}
	}
	var input, losses float64
	for _, z := range reg.Zones {
		if !nets[z.NetworkID] {
			continue
		}
		days, err := s.a.Metering.ZoneDays(ctx, who, muniID, z.Code, from, to)
		if err != nil {
			return 0, false, err
		}
		for _, d := range days {
			if d.Balance.HasInput {
				input += d.Balance.In - d.Balance.Out
				losses += d.Balance.Losses
			}
		}
	}
	if input <= 0 {
		return 0, false, nil
	}
	return losses / input * 100, true, nil
}

// monitoringHome adds the "what is happening" block to a municipality's
// home page, with the situation centre for its staff.
type monitoringHome struct{ a *App }

// Section links the public page, the indicators and, for staff, the
// situation centre.
func (h monitoringHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	l := h.a.Catalog.Localizer(lang)
	base := "/m/" + muni.Slug
	b := territory.HomeBlock{Title: l.T("monitoring.home.title"), Text: l.T("monitoring.home.text"), MoreURL: base + "/now", MoreText: l.T("monitoring.home.more")}
	b.Items = append(b.Items, territory.HomeItem{Title: l.T("monitoring.home.indicators"), URL: base + "/indicators"})
	if auth.From(ctx).Can(auth.RoleOperator, muni.Path) {
		b.Items = append(b.Items, territory.HomeItem{Title: l.T("monitoring.home.situation"), URL: base + "/situation"})
	}
	return b, nil
}

// demoMonitoring gives every demo municipality four years of the federal
// indicators and a three-year plan, so the region view has something to
// compare, and computes the platform's indicators of the main one for
// last year and this year from the data the earlier steps seeded.
func demoMonitoring(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	ctx = AsSystem(ctx)
	year := time.Now().Year()
	total := 0
	for _, m := range td.All() {
		n, err := a.Monitoring.SeedDemo(ctx, m.Slug, year-4, year-1)
		if err != nil {
			return err
		}
		total += n
	}
	computed := 0
	for _, p := range []string{strconv.Itoa(year - 1), strconv.Itoa(year)} {
		vals, err := a.Monitoring.Compute(ctx, td.Main.Slug, p)
		if err != nil {
			return err
		}
		computed += len(vals)
	}
	w.Notes = append(w.Notes, fmt.Sprintf("monitoring: %d indicator figures and targets for %d municipalities, %d computed from platform data (/m/%s/indicators, /m/%s/now)",
		total, len(td.All()), computed, td.Main.Slug, td.Main.Slug))
	return nil
}

// monitoringRoadWorks reads transport's road works registry: the works
// going on now and those planned, with a point of each on the map.
type monitoringRoadWorks struct{ a *App }

// Notices lists the current works, then the planned ones.
func (s monitoringRoadWorks) Notices(ctx context.Context, muniID string, now time.Time) ([]monitoring.Notice, error) {
	m, err := transportPlaces{s.a.Territory}.Municipality(ctx, muniID)
	if err != nil {
		return nil, err
	}
	l, err := s.a.Traffic.Works(ctx, m, now)
	if err != nil {
		return nil, err
	}
	out := []monitoring.Notice{}
	for i, w := range append(l.Current, l.Planned...) {
		ends := w.Ends
		x := monitoring.Notice{Kind: "roadworks", Title: w.Title, Starts: w.Starts, Ends: &ends, Active: i < len(l.Current),
			URL: "/m/" + m.Slug + "/transport/works/" + w.ID}
		if lat, lon, ok := geometryPoint(w.Geometry); ok {
			x.Points = []monitoring.Point{{Kind: "works", Lat: lat, Lon: lon, Name: w.Title, URL: x.URL}}
		}
		out = append(out, x)
	}
	return out, nil
}

// geometryPoint is a point of a GeoJSON geometry to mark it by: the
// point itself, a line's middle vertex, a polygon's first vertex.
func geometryPoint(g transport.Geometry) (lat, lon float64, ok bool) {
	var p [2]float64
	var line [][2]float64
	var poly [][][2]float64
	switch {
	case g.Type == transport.GeoPoint && json.Unmarshal(g.Coordinates, &p) == nil:
	case g.Type == transport.GeoLine && json.Unmarshal(g.Coordinates, &line) == nil && len(line) > 0:
		p = line[len(line)/2]
	case g.Type == transport.GeoPolygon && json.Unmarshal(g.Coordinates, &poly) == nil && len(poly) > 0 && len(poly[0]) > 0:
		p = poly[0][0]
	default:
		return 0, 0, false
	}
	return p[1], p[0], true
}
