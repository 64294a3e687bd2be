package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// maxSegmentBytes bounds a segment's or works' JSON body.
const maxSegmentBytes = 1 << 20

type trafficHandler struct {
	t      *Traffic
	render *web.Renderer
}

// TrafficRoutes mounts the congestion map and segment pages, the
// officials' segment pages, the road works registry (public map and
// list, officials' forms) and their JSON API.
func TrafficRoutes(rt *web.Router, render *web.Renderer, t *Traffic) {
	h := &trafficHandler{t: t, render: render}
	rt.Handle("GET /m/{slug}/transport/traffic", h.trafficMap)
	rt.Handle("GET /m/{slug}/transport/traffic/{code}", h.segment)
	rt.Handle("GET /api/v1/municipalities/{slug}/transport/segments", h.apiSegments)
	rt.HandleBody("PUT /api/v1/municipalities/{slug}/transport/segments/{code}", maxSegmentBytes, h.apiSaveSegment)
	rt.Handle("DELETE /api/v1/municipalities/{slug}/transport/segments/{code}", h.apiDeleteSegment)
	rt.HandlePublic("GET /m/{slug}/transport/works", h.works)
	rt.Handle("GET /m/{slug}/transport/works/new", h.newWork)
	rt.Handle("POST /m/{slug}/transport/works", h.createWork)
	rt.HandlePublic("GET /m/{slug}/transport/works/{id}", h.work)
	rt.Handle("GET /m/{slug}/transport/works/{id}/edit", h.editWork)
	rt.Handle("POST /m/{slug}/transport/works/{id}", h.updateWork)
	rt.Handle("GET /api/v1/municipalities/{slug}/transport/works", h.apiWorks)
	rt.HandleBody("POST /api/v1/municipalities/{slug}/transport/works", maxSegmentBytes, h.apiCreateWork)
	h.segmentRoutes(rt)
}

// levelColors colour segments on the map by congestion level.
var levelColors = map[string]string{LevelFree: "#1d6b3a", LevelModerate: "#8a6d00", LevelHeavy: "#c05600", LevelJammed: "#b3261e", "": "#6b7280"}

type geoFeature struct {
	Type       string         `json:"type"`
	Geometry   Geometry       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

func featureCollection(fs []geoFeature) (string, error) {
	if len(fs) == 0 {
		return "", nil
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return string(b), err
}

// trafficPage is the congestion map.
type trafficPage struct {
	TrafficMap
	MapJSON string
}

func (h *trafficHandler) trafficMap(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Current(r.Context(), r.PathValue("slug"), h.t.now())
	if err != nil {
		return err
	}
	p := trafficPage{TrafficMap: m}
	var fs []geoFeature
	for _, s := range m.Segments {
		fs = append(fs, geoFeature{Type: "Feature", Geometry: s.Geometry, Properties: map[string]any{"role": "segment", "name": s.Name,
			"color": levelColors[s.Now.Level()], "url": fmt.Sprintf("/m/%s/transport/traffic/%s", m.Municipality.Slug, s.Code)}})
	}
	if p.MapJSON, err = featureCollection(fs); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.render.Page(w, r, http.StatusOK, "transport/traffic", p)
}

// segmentPage is one segment's day with its chart.
type segmentPage struct {
	SegmentDay
	MapJSON string
	Prev    string // the day before, 2006-01-02
	Next    string // the day after, "" when it is in the future
}

// Chart is the hours' index as metering-charts.js draws it, the series
// named name (in the page's language); gaps stay null.
func (p segmentPage) Chart(name string) (string, error) {
	chart := struct {
		X     []int64      `json:"x"`
		Y     [][]*float64 `json:"y"`
		Names []string     `json:"names"`
		Unit  string       `json:"unit"`
	}{X: []int64{}, Y: [][]*float64{{}}, Names: []string{name}}
	for _, b := range p.Hours {
		chart.X = append(chart.X, b.Start.Unix())
		var v *float64
		if b.Observed {
			tti := b.TTI
			v = &tti
		}
		chart.Y[0] = append(chart.Y[0], v)
	}
	b, err := json.Marshal(chart)
	return string(b), err
}

// segment shows a segment's hours on ?date=2006-01-02 (default today in
// the municipality's zone).
func (h *trafficHandler) segment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.t.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	loc := zone(m)
	day := h.t.now().In(loc)
	if s := r.URL.Query().Get("date"); s != "" {
		if day, err = time.ParseInLocation("2006-01-02", s, loc); err != nil {
			return invalidFeed("transport.traffic.error.date")
		}
	}
	d, err := h.t.SegmentPage(ctx, m.Slug, r.PathValue("code"), day)
	if err != nil {
		return err
	}
	p := segmentPage{SegmentDay: d, Prev: d.Day.AddDate(0, 0, -1).Format("2006-01-02")}
	if next := d.Day.AddDate(0, 0, 1); !next.After(h.t.now()) {
		p.Next = next.Format("2006-01-02")
	}
	if p.MapJSON, err = featureCollection([]geoFeature{{Type: "Feature", Geometry: d.Segment.Geometry,
		Properties: map[string]any{"role": "segment", "name": d.Segment.Name, "color": levelColors[d.Summary.Level()]}}}); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/segment", p)
}

// segmentJSON is a segment with its current state in the API.
type segmentJSON struct {
	RoadSegment
	Now *bucketJSON `json:"now"`
}

type bucketJSON struct {
	From      time.Time `json:"from"`
	TTI       float64   `json:"tti"`
	Level     string    `json:"level"`
	SpeedKmh  float64   `json:"speed_kmh"`
	FlowVehH  float64   `json:"flow_veh_h"`
	Occupancy float64   `json:"occupancy_pct"`
	Lanes     int       `json:"lanes"`
	LanesSeen int       `json:"lanes_known"`
}

func (h *trafficHandler) apiSegments(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Current(r.Context(), r.PathValue("slug"), h.t.now())
	if err != nil {
		return err
	}
	out := []segmentJSON{}
	for _, s := range m.Segments {
		j := segmentJSON{RoadSegment: s.RoadSegment}
		if b := s.Now; b.Observed {
			j.Now = &bucketJSON{From: b.Start, TTI: round2(b.TTI), Level: b.Level(), SpeedKmh: round2(b.Speed), FlowVehH: round2(b.Flow),
				Occupancy: round2(b.Occupancy), Lanes: b.Lanes, LanesSeen: b.LanesKnown}
		}
		out = append(out, j)
	}
	return web.JSON(w, http.StatusOK, map[string]any{"segments": out})
}

func round2(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return f
}

func (h *trafficHandler) apiSaveSegment(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if _, err := h.t.manage(r.Context(), m.ID); err != nil {
		return err
	}
	var in SegmentInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	s, err := h.t.SaveSegment(r.Context(), m.ID, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, s)
}

func (h *trafficHandler) apiDeleteSegment(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if err := h.t.DeleteSegment(r.Context(), m.ID, r.PathValue("code")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// worksPage is the public registry with its map.
type worksPage struct {
	WorksList
	MapJSON  string
	Sections []worksSection
}

// worksSection is one list of the page: current, planned, and for
// officials the others.
type worksSection struct {
	ID, Title, Empty string // element id, i18n keys
	List             []RoadWork
}

func worksFeatures(slug string, ws []RoadWork, phase string) []geoFeature {
	var fs []geoFeature
	for _, w := range ws {
		fs = append(fs, geoFeature{Type: "Feature", Geometry: w.Geometry, Properties: map[string]any{"role": "works", "phase": phase,
			"impact": w.Impact, "name": w.Title, "url": fmt.Sprintf("/m/%s/transport/works/%s", slug, w.ID)}})
	}
	return fs
}

func (h *trafficHandler) works(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	l, err := h.t.Works(r.Context(), m, h.t.now())
	if err != nil {
		return err
	}
	p := worksPage{WorksList: l, Sections: []worksSection{
		{"current", "transport.works.current", "transport.works.none_current", l.Current},
		{"planned", "transport.works.planned", "transport.works.none_planned", l.Planned}}}
	if l.CanManage {
		p.Sections = append(p.Sections, worksSection{"other", "transport.works.other", "transport.works.none_other", l.Other})
	}
	if p.MapJSON, err = featureCollection(append(worksFeatures(m.Slug, l.Current, PhaseCurrent), worksFeatures(m.Slug, l.Planned, PhasePlanned)...)); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/works", p)
}

// workPage is one entry of the registry.
type workPage struct {
	Municipality Municipality
	Work         RoadWork
	Phase        string
	CanManage    bool
	MapJSON      string
}

func (h *trafficHandler) work(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	wk, err := h.t.Work(r.Context(), m, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := workPage{Municipality: m, Work: wk, Phase: wk.Phase(h.t.now()), CanManage: h.t.CanManage(r.Context(), m)}
	if p.MapJSON, err = featureCollection(worksFeatures(m.Slug, []RoadWork{wk}, p.Phase)); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/work", p)
}

// workForm is the officials' form for new or changed works.
type workForm struct {
	Municipality Municipality
	ID           string // "" for new works
	Values       map[string]string
	Errors       map[string]string
	Impacts      []string
	Statuses     []string
}

var workFields = []string{"title", "contractor", "lat", "lon", "geometry", "starts", "ends", "impact", "status", "detour"}

func (h *trafficHandler) showForm(w http.ResponseWriter, r *http.Request, status int, m Municipality, id string, values, errs map[string]string) error {
	return h.render.Page(w, r, status, "transport/work_form", workForm{Municipality: m, ID: id, Values: values, Errors: errs,
		Impacts: Impacts(), Statuses: WorksStatuses()})
}

// official resolves the municipality and checks the actor may manage its
// road works and segments, sending a visitor who is not signed in to sign
// in.
func (h *trafficHandler) official(w http.ResponseWriter, r *http.Request) (Municipality, bool, error) {
	if !web.SignIn(w, r) {
		return Municipality{}, false, nil
	}
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return m, false, err
	}
	if _, err := h.t.manage(r.Context(), m.ID); err != nil {
		return m, false, err
	}
	return m, true, nil
}

func (h *trafficHandler) newWork(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	loc := zone(m)
	start := h.t.now().In(loc).Truncate(time.Hour).Add(24 * time.Hour)
	return h.showForm(w, r, http.StatusOK, m, "", map[string]string{"impact": ImpactLaneClosed, "status": WorksScheduled,
		"starts": start.Format("2006-01-02T15:04"), "ends": start.AddDate(0, 0, 7).Format("2006-01-02T15:04")}, nil)
}

func (h *trafficHandler) editWork(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	wk, err := h.t.Work(r.Context(), m, r.PathValue("id"))
	if err != nil {
		return err
	}
	loc := zone(m)
	v := map[string]string{"title": wk.Title, "contractor": wk.Contractor, "starts": wk.Starts.In(loc).Format("2006-01-02T15:04"),
		"ends": wk.Ends.In(loc).Format("2006-01-02T15:04"), "impact": wk.Impact, "status": wk.Status, "detour": wk.Detour}
	if wk.Geometry.Type == GeoPoint {
		var p position
		json.Unmarshal(wk.Geometry.Coordinates, &p)
		v["lon"], v["lat"] = strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64)
	} else {
		b, _ := json.Marshal(wk.Geometry)
		v["geometry"] = string(b)
	}
	return h.showForm(w, r, http.StatusOK, m, wk.ID, v, nil)
}

// formInput reads the form: a GeoJSON line or polygon in "geometry", or
// else a point from "lat" and "lon"; times are local to the municipality.
func formInput(r *http.Request, loc *time.Location) (WorkInput, map[string]string) {
	v := map[string]string{}
	for _, k := range workFields {
		v[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := WorkInput{Title: v["title"], Contractor: v["contractor"], Impact: v["impact"], Status: v["status"], Detour: v["detour"]}
	if v["geometry"] != "" {
		in.Geometry = json.RawMessage(v["geometry"])
	} else if lat, err1 := strconv.ParseFloat(strings.Replace(v["lat"], ",", ".", 1), 64); err1 == nil {
		if lon, err2 := strconv.ParseFloat(strings.Replace(v["lon"], ",", ".", 1), 64); err2 == nil {
			in.Geometry, _ = json.Marshal(Geometry{Type: GeoPoint, Coordinates: json.RawMessage(fmt.Sprintf("[%g,%g]", lon, lat))})
		}
	}
	for k, t := range map[string]*time.Time{"starts": &in.Starts, "ends": &in.Ends} {
		if p, err := time.ParseInLocation("2006-01-02T15:04", v[k], loc); err == nil {
			*t = p
		}
	}
	return in, v
}

func (h *trafficHandler) saveForm(w http.ResponseWriter, r *http.Request, id string) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	in, values := formInput(r, zone(m))
	var wk RoadWork
	if id == "" {
		wk, err = h.t.CreateWork(r.Context(), m.ID, in)
	} else {
		wk, err = h.t.UpdateWork(r.Context(), m.ID, id, in)
	}
	if fe, ok := fault.As(err); ok && errors.Is(err, fault.ErrInvalid) {
		errs := fe.Fields
		if e, ok := errs["geometry"]; ok && values["geometry"] == "" { // the point fields were used
			errs["lat"] = e
		}
		return h.showForm(w, r, http.StatusUnprocessableEntity, m, id, values, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/m/%s/transport/works/%s", m.Slug, wk.ID), http.StatusSeeOther)
	return nil
}

func (h *trafficHandler) createWork(w http.ResponseWriter, r *http.Request) error {
	return h.saveForm(w, r, "")
}

func (h *trafficHandler) updateWork(w http.ResponseWriter, r *http.Request) error {
	return h.saveForm(w, r, r.PathValue("id"))
}

// apiWorks lists current and planned works at ?at= (RFC 3339, default
// now).
func (h *trafficHandler) apiWorks(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	at := h.t.now()
	if s := r.URL.Query().Get("at"); s != "" {
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			return invalidFields("transport-works-query", map[string]string{"at": "transport.works.error.at"})
		}
	}
	l, err := h.t.Works(r.Context(), m, at)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"at": at.UTC(), "current": orEmpty(l.Current), "planned": orEmpty(l.Planned)})
}

func orEmpty(ws []RoadWork) []RoadWork {
	if ws == nil {
		return []RoadWork{}
	}
	return ws
}

func (h *trafficHandler) apiCreateWork(w http.ResponseWriter, r *http.Request) error {
	m, err := h.t.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if _, err := h.t.manage(r.Context(), m.ID); err != nil {
		return err
	}
	var in WorkInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	wk, err := h.t.CreateWork(r.Context(), m.ID, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, wk)
}
