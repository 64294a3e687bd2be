package metering

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/sheet"
	"github.com/muni-platform/muni/internal/platform/web"
)

type watchHandler struct {
	w      *Watch
	render *web.Renderer
	cat    *i18n.Catalog
}

// WatchRoutes mounts the staff pages (the resource dashboard, a
// building's page, alarm actions, planned outages, monthly exports) and
// the public outage map and its JSON.
func WatchRoutes(rt *web.Router, render *web.Renderer, w *Watch, cat *i18n.Catalog) {
	h := &watchHandler{w: w, render: render, cat: cat}
	rt.Handle("GET /m/{slug}/resources", h.dashboard)
	rt.Handle("GET /m/{slug}/resources/buildings/{code}", h.building)
	rt.Handle("POST /m/{slug}/resources/alarms/{id}/{action}", h.alarmAction)
	rt.Handle("GET /m/{slug}/resources/outages/new", h.outageForm)
	rt.Handle("POST /m/{slug}/resources/outages", h.planOutage)
	rt.Handle("POST /m/{slug}/resources/outages/{id}/end", h.endOutage)
	rt.Handle("GET /m/{slug}/resources/export.csv", h.export("csv"))
	rt.Handle("GET /m/{slug}/resources/export.xlsx", h.export("xlsx"))
	rt.HandlePublic("GET /m/{slug}/outages", h.publicOutages)
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/outages", h.apiOutages)
}

func (h *watchHandler) muni(ctx context.Context, slug string) (Municipality, error) {
	m, err := h.w.svc.places.MunicipalityBySlug(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// staff sends a visitor to sign in first; it reports whether the actor
// is signed in (the service decides whether they may see the page).
func staff(w http.ResponseWriter, r *http.Request) (*auth.Actor, bool) {
	a := auth.From(r.Context())
	if a.SignedIn() {
		return a, true
	}
	http.Redirect(w, r, web.LoginURL(r), http.StatusSeeOther)
	return nil, false
}

// staffMuni is the start of every staff page here: a visitor is sent to
// sign in (ok false, err nil); otherwise the municipality named in the
// path, or the error of finding it (ok false).
func (h *watchHandler) staffMuni(w http.ResponseWriter, r *http.Request) (*auth.Actor, Municipality, bool, error) {
	a, ok := staff(w, r)
	if !ok {
		return nil, Municipality{}, false, nil
	}
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, Municipality{}, false, err
	}
	return a, m, true, nil
}

// dashboardPage is the dashboard with what its scripts draw.
type dashboardPage struct {
	Dashboard
	Charts  []chart
	MapJSON string
	Now     time.Time
}

// chart is one uPlot chart: x in Unix seconds, series of values.
type chart struct {
	ID     string
	Title  string
	Unit   string
	Series []string // i18n'd series names
	JSON   string
}

func (h *watchHandler) dashboard(w http.ResponseWriter, r *http.Request) error {
	a, m, ok, err := h.staffMuni(w, r)
	if !ok {
		return err
	}
	d, err := h.w.Dashboard(r.Context(), a, m.ID)
	if err != nil {
		return err
	}
	l := h.cat.Localizer(web.Lang(r.Context()))
	p := dashboardPage{Dashboard: d, Now: h.w.now()}
	for _, z := range d.Zones {
		xs := make([]int64, 0, len(z.Days))
		in, cons, loss := []float64{}, []float64{}, []float64{}
		for _, day := range z.Days {
			xs = append(xs, day.Day.Unix())
			in = append(in, round3(day.Balance.In-day.Balance.Out))
			cons = append(cons, round3(day.Balance.Consumers))
			loss = append(loss, round3(day.Balance.Losses))
		}
		names := []string{l.T("metering.dashboard.input"), l.T("metering.dashboard.consumers"), l.T("metering.dashboard.losses")}
		b, err := json.Marshal(map[string]any{"x": xs, "y": [][]float64{in, cons, loss}, "names": names, "unit": l.T("metering.unit." + z.Unit)})
		if err != nil {
			return err
		}
		p.Charts = append(p.Charts, chart{ID: "zone-" + z.Code, Title: z.Name, Unit: z.Unit, Series: names, JSON: string(b)})
	}
	if p.MapJSON, err = objectsGeoJSON(d.Objects, func(o ObjectRow) string { return o.Name }); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "metering/dashboard", p)
}

// objectsGeoJSON is a FeatureCollection of the located objects, for map.js.
func objectsGeoJSON(objs []ObjectRow, name func(ObjectRow) string) (string, error) {
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, o := range objs {
		if o.Lat == nil || o.Lon == nil {
			continue
		}
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "Point", "coordinates": []float64{*o.Lon, *o.Lat}},
			Properties: map[string]any{"name": name(o), "role": "point"}})
	}
	if len(fc.Features) == 0 {
		return "", nil
	}
	b, err := json.Marshal(fc)
	return string(b), err
}

// buildingPage is a building with its chart data.
type buildingPage struct {
	Building
	Charts []chart
}

func (h *watchHandler) building(w http.ResponseWriter, r *http.Request) error {
	a, m, ok, err := h.staffMuni(w, r)
	if !ok {
		return err
	}
	b, err := h.w.Building(r.Context(), a, m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	l := h.cat.Localizer(web.Lang(r.Context()))
	p := buildingPage{Building: b}
	for _, u := range b.Use {
		xs, ys := []int64{}, []float64{}
		for _, d := range u.Days {
			xs = append(xs, d.StartMs/1000)
			ys = append(ys, round3(d.Value))
		}
		names := []string{l.T("metering.resource." + string(u.Resource))}
		j, err := json.Marshal(map[string]any{"x": xs, "y": [][]float64{ys}, "names": names, "unit": l.T("metering.unit." + u.Unit)})
		if err != nil {
			return err
		}
		p.Charts = append(p.Charts, chart{ID: "use-" + string(u.Resource), Title: names[0], Unit: u.Unit, JSON: string(j)})
	}
	return h.render.Page(w, r, http.StatusOK, "metering/building", p)
}

func (h *watchHandler) alarmAction(w http.ResponseWriter, r *http.Request) error {
	a, m, ok, err := h.staffMuni(w, r)
	if !ok {
		return err
	}
	id := r.PathValue("id")
	switch r.PathValue("action") {
	case "acknowledge":
		err = h.w.Acknowledge(r.Context(), a, m.ID, id)
	case "clear":
		err = h.w.Clear(r.Context(), a, m.ID, id)
	default:
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/resources#alarms", http.StatusSeeOther)
	return nil
}

// outageFormPage is the planned-outage form.
type outageFormPage struct {
	Muni     Municipality
	Services []string
	Zones    []ZoneOption
	Values   map[string]string
	Errors   map[string]string
}

func (h *watchHandler) outageForm(w http.ResponseWriter, r *http.Request) error {
	if _, ok := staff(w, r); !ok {
		return nil
	}
	return h.showOutageForm(w, r, http.StatusOK, map[string]string{}, map[string]string{})
}

func (h *watchHandler) showOutageForm(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string) error {
	a := auth.From(r.Context())
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if _, err := h.w.svc.municipality(r.Context(), a, m.ID, auth.RoleOperator); err != nil {
		return err
	}
	zones, err := h.w.st.tenantZones(r.Context(), m.ID)
	if err != nil {
		return err
	}
	p := outageFormPage{Muni: m, Services: ServiceNames(), Values: values, Errors: errs}
	for _, z := range zones {
		p.Zones = append(p.Zones, ZoneOption{Code: z.code, Name: z.name})
	}
	return h.render.Page(w, r, status, "metering/outage_new", p)
}

// ZoneOption is a zone in a form's list.
type ZoneOption struct{ Code, Name string }

// formTime reads a datetime-local field in the municipality's zone.
func formTime(v string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *watchHandler) planOutage(w http.ResponseWriter, r *http.Request) error {
	a, m, ok, err := h.staffMuni(w, r)
	if !ok {
		return err
	}
	loc := locationOf(m)
	values := map[string]string{}
	for _, k := range []string{"service", "zone", "objects", "reason", "starts", "ends"} {
		values[k] = r.PostFormValue(k)
	}
	var objects []string
	for _, o := range strings.FieldsFunc(values["objects"], func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' }) {
		objects = append(objects, o)
	}
	_, err = h.w.PlanOutage(r.Context(), a, m.ID, PlannedInput{Service: values["service"], Zone: values["zone"], Objects: objects,
		Reason: values["reason"], Starts: formTime(values["starts"], loc), Ends: formTime(values["ends"], loc)})
	if fe, ok := fault.As(err); ok && errors.Is(err, fault.ErrInvalid) {
		return h.showOutageForm(w, r, http.StatusUnprocessableEntity, values, fe.Fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/outages", http.StatusSeeOther)
	return nil
}

func (h *watchHandler) endOutage(w http.ResponseWriter, r *http.Request) error {
	a, m, ok, err := h.staffMuni(w, r)
	if !ok {
		return err
	}
	if err := h.w.EndOutage(r.Context(), a, m.ID, r.PathValue("id"), h.w.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/resources#outages", http.StatusSeeOther)
	return nil
}

// export sends the monthly consumption of every building as CSV or XLSX;
// month=YYYY-MM, the current month by default.
func (h *watchHandler) export(format string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return h.exportAs(w, r, format) }
}

func (h *watchHandler) exportAs(w http.ResponseWriter, r *http.Request, format string) error {
	a, m, ok, err := h.staffMuni(w, r)
	if !ok {
		return err
	}
	month := h.w.now().In(locationOf(m))
	if v := r.URL.Query().Get("month"); v != "" {
		if month, err = time.ParseInLocation("2006-01", v, locationOf(m)); err != nil {
			return invalid("month", map[string]string{"month": "metering.error.month"})
		}
	}
	rows, err := h.w.MonthlyConsumption(r.Context(), a, m.ID, month)
	if err != nil {
		return err
	}
	l := h.cat.Localizer(web.Lang(r.Context()))
	var header []string
	for _, k := range []string{"code", "name", "address", "resource", "unit", "month", "value", "days", "estimated"} {
		header = append(header, l.T("metering.export."+k))
	}
	name := fmt.Sprintf("consumption-%s-%s.%s", m.Slug, month.Format("2006-01"), format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return WriteCSV(w, header, rows)
	}
	w.Header().Set("Content-Type", sheet.ContentType)
	return WriteXLSX(w, month.Format("2006-01"), header, rows)
}

// outagesPage is the public outage map and list.
type outagesPage struct {
	Muni     Municipality
	Sections []outageSection
	MapJSON  string
}

// outageSection is one list of the public page: on now, announced, ended.
type outageSection struct {
	ID, Title, Empty string // element id, i18n keys
	List             []Outage
}

func (h *watchHandler) publicOutages(w http.ResponseWriter, r *http.Request) error {
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	now := h.w.now()
	list, err := h.w.Outages(r.Context(), m.ID, now.AddDate(0, 0, -7), now.AddDate(0, 0, 30))
	if err != nil {
		return err
	}
	l := h.cat.Localizer(web.Lang(r.Context()))
	p := outagesPage{Muni: m}
	cur := outageSection{ID: "current", Title: "metering.outages.current", Empty: "metering.outages.none"}
	next := outageSection{ID: "upcoming", Title: "metering.outages.upcoming", Empty: "metering.outages.none_upcoming"}
	past := outageSection{ID: "past", Title: "metering.outages.past", Empty: "metering.outages.none_past"}
	var objs []ObjectRow
	for _, o := range list {
		switch {
		case o.Active(now):
			cur.List = append(cur.List, o)
			for _, pt := range o.Objects {
				lat, lon := pt.Lat, pt.Lon
				objs = append(objs, ObjectRow{Name: pt.Address + " — " + l.T("metering.service."+o.Service), Lat: &lat, Lon: &lon})
			}
		case o.Starts.After(now):
			next.List = append(next.List, o)
		default:
			past.List = append(past.List, o)
		}
	}
	p.Sections = []outageSection{cur, next, past}
	if p.MapJSON, err = objectsGeoJSON(objs, func(o ObjectRow) string { return o.Name }); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "metering/outages", p)
}

func (h *watchHandler) apiOutages(w http.ResponseWriter, r *http.Request) error {
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	now := h.w.now()
	list, err := h.w.Outages(r.Context(), m.ID, now.AddDate(0, 0, -7), now.AddDate(0, 0, 30))
	if err != nil {
		return err
	}
	if list == nil {
		list = []Outage{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"outages": list})
}
