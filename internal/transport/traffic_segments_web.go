package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// The officials' pages of road segments: a list, a form to create or
// change one (its line drawn on a map or typed as points) and removal
// after a confirmation. They call the same service methods as the JSON
// API, so validation, authorization and audit are the service's.

// segmentRoutes mounts the officials' segment pages.
func (h *trafficHandler) segmentRoutes(rt *web.Router) {
	rt.Handle("GET /m/{slug}/transport/segments", h.segments)
	rt.Handle("GET /m/{slug}/transport/segments/new", h.newSegment)
	rt.Handle("POST /m/{slug}/transport/segments", h.createSegment)
	rt.Handle("GET /m/{slug}/transport/segments/{code}/edit", h.editSegment)
	rt.Handle("POST /m/{slug}/transport/segments/{code}", h.updateSegment)
	rt.Handle("GET /m/{slug}/transport/segments/{code}/delete", h.confirmDeleteSegment)
	rt.Handle("POST /m/{slug}/transport/segments/{code}/delete", h.deleteSegment)
}

// segmentsPage is the officials' list of segments.
type segmentsPage struct {
	Municipality Municipality
	Segments     []RoadSegment
	Saved        string // the name of the segment just saved
	Deleted      bool   // a segment was just removed
}

func (h *trafficHandler) segments(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	segs, err := h.t.Segments(r.Context(), m.ID)
	if err != nil {
		return err
	}
	p := segmentsPage{Municipality: m, Segments: segs, Deleted: r.URL.Query().Has("deleted")}
	if code := r.URL.Query().Get("saved"); code != "" {
		if i := slices.IndexFunc(segs, func(s RoadSegment) bool { return s.Code == code }); i >= 0 {
			p.Saved = segs[i].Name
		}
	}
	return h.render.Page(w, r, http.StatusOK, "transport/segments", p)
}

// segmentForm is the officials' form for a new or changed segment.
type segmentForm struct {
	Municipality Municipality
	Code         string            // the segment's code, "" for a new one
	Values       map[string]string // code, name, geometry (points), length_m, free_flow_kmh
	Chosen       []string          // the detectors ticked
	Detectors    []Detector        // those to choose from, the chosen ones included
	Errors       map[string]string
	Boundary     string // the municipality's GeoJSON boundary, to frame the map
	Others       string // the other segments as a GeoJSON FeatureCollection
}

// Ticked reports whether the detector is among the chosen.
func (f segmentForm) Ticked(code string) bool { return slices.Contains(f.Chosen, code) }

// showSegmentForm renders the form with the detectors to choose from and
// the map's frame: the boundary and the municipality's other segments.
func (h *trafficHandler) showSegmentForm(w http.ResponseWriter, r *http.Request, status int, f segmentForm) error {
	ctx := r.Context()
	dets, err := h.t.DetectorChoices(ctx, f.Municipality.ID)
	if err != nil {
		return err
	}
	for _, c := range f.Chosen { // a chosen one no longer in service stays visible
		if !slices.ContainsFunc(dets, func(d Detector) bool { return d.Code == c }) {
			dets = append(dets, Detector{Code: c})
		}
	}
	f.Detectors = dets
	if b, err := h.t.Boundary(ctx, f.Municipality.ID); err != nil {
		return err
	} else if len(b) > 0 {
		f.Boundary = string(b)
	}
	segs, err := h.t.Segments(ctx, f.Municipality.ID)
	if err != nil {
		return err
	}
	var fs []geoFeature
	for _, s := range segs {
		if s.Code != f.Code {
			fs = append(fs, geoFeature{Type: "Feature", Geometry: s.Geometry, Properties: map[string]any{"name": s.Name}})
		}
	}
	if f.Others, err = featureCollection(fs); err != nil {
		return err
	}
	return h.render.Page(w, r, status, "transport/segment_form", f)
}

func (h *trafficHandler) newSegment(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	return h.showSegmentForm(w, r, http.StatusOK, segmentForm{Municipality: m, Values: map[string]string{}})
}

func (h *trafficHandler) editSegment(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	s, err := h.t.Segment(r.Context(), m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	line := s.Geometry.line()
	v := map[string]string{"code": s.Code, "name": s.Name, "geometry": formatPoints(line), "free_flow_kmh": formatNumber(s.FreeFlowKmh)}
	if s.LengthM != math.Round(lineLength(line)) { // given, not taken from the line
		v["length_m"] = formatNumber(s.LengthM)
	}
	return h.showSegmentForm(w, r, http.StatusOK, segmentForm{Municipality: m, Code: s.Code, Values: v, Chosen: s.Detectors})
}

func (h *trafficHandler) createSegment(w http.ResponseWriter, r *http.Request) error {
	return h.saveSegmentForm(w, r, "")
}

func (h *trafficHandler) updateSegment(w http.ResponseWriter, r *http.Request) error {
	return h.saveSegmentForm(w, r, r.PathValue("code"))
}

// saveSegmentForm creates (code "") or changes a segment from the form;
// refused input comes back with a message by each field and nothing
// written.
func (h *trafficHandler) saveSegmentForm(w http.ResponseWriter, r *http.Request, code string) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	in, values, pointsOK := segmentFormInput(r)
	var s RoadSegment
	if code == "" {
		s, err = h.t.CreateSegment(r.Context(), m.ID, values["code"], in)
	} else {
		values["code"] = code
		s, err = h.t.UpdateSegment(r.Context(), m.ID, code, in)
	}
	if fe, ok := fault.As(err); ok && errors.Is(err, fault.ErrInvalid) {
		errs := fe.Fields
		if !pointsOK { // the text was not points; say so rather than what the service made of nothing
			errs["geometry"] = "transport.traffic.error.points_format"
		}
		return h.showSegmentForm(w, r, http.StatusUnprocessableEntity, segmentForm{Municipality: m, Code: code, Values: values,
			Chosen: in.Detectors, Errors: errs})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/m/%s/transport/segments?saved=%s", m.Slug, url.QueryEscape(s.Code)), http.StatusSeeOther)
	return nil
}

// segmentFormInput reads the form. The line is the points field: one
// "latitude, longitude" a line, or GeoJSON as the API takes it; pointsOK
// is false when it is neither. Numbers may have a decimal comma; one
// that is not a number is passed on as out of range, for the service to
// refuse.
func segmentFormInput(r *http.Request) (in SegmentInput, values map[string]string, pointsOK bool) {
	values = map[string]string{}
	for _, k := range []string{"code", "name", "geometry", "length_m", "free_flow_kmh"} {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in = SegmentInput{Name: values["name"], FreeFlowKmh: formNumber(values["free_flow_kmh"]), Detectors: r.PostForm["detectors"]}
	if values["length_m"] != "" {
		in.LengthM = formNumber(values["length_m"])
	}
	if strings.HasPrefix(values["geometry"], "{") {
		return in, values, true
	}
	ps, ok := parsePoints(values["geometry"])
	if ok {
		in.Geometry, _ = json.Marshal(map[string]any{"type": GeoLine, "coordinates": append([]position{}, ps...)})
	}
	return in, values, ok
}

// formNumber reads a number typed in a form; what is not one is -1, a
// value every range refuses.
func formNumber(s string) float64 {
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return -1
	}
	return v
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// parsePoints reads one point a line, latitude then longitude, separated
// by a comma, a semicolon or spaces ("58.7372, 29.8512"; with decimal
// commas "58,7372; 29,8512" or "58,7372 29,8512"). Empty lines are
// skipped. It returns the positions (longitude, latitude, as GeoJSON
// orders them) and false when a line is not two numbers.
func parsePoints(text string) ([]position, bool) {
	var out []position
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		lat, lon, ok := pointOf(line)
		if !ok {
			return nil, false
		}
		out = append(out, position{lon, lat})
	}
	return out, true
}

func pointOf(line string) (lat, lon float64, ok bool) {
	split := func(seps string) []string {
		return strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(seps, r) })
	}
	parts := split(" \t,;")
	decimalComma := false
	if len(parts) != 2 { // "58,7372 29,8512": commas are decimal ones
		parts, decimalComma = split(" \t;"), true
	}
	if len(parts) != 2 {
		return 0, 0, false
	}
	var v [2]float64
	for i, p := range parts {
		if decimalComma {
			p = strings.Trim(p, ",") // "58,7372, 29,8512"
			p = strings.Replace(p, ",", ".", 1)
		}
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, 0, false
		}
		v[i] = f
	}
	return v[0], v[1], true
}

// formatPoints writes a line's positions as the points field shows them.
func formatPoints(ps []position) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s, %s\n", formatNumber(p[1]), formatNumber(p[0]))
	}
	return b.String()
}

// segmentDeletePage asks before a segment is removed.
type segmentDeletePage struct {
	Municipality Municipality
	Segment      RoadSegment
}

func (h *trafficHandler) confirmDeleteSegment(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	s, err := h.t.Segment(r.Context(), m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/segment_delete", segmentDeletePage{Municipality: m, Segment: s})
}

func (h *trafficHandler) deleteSegment(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.official(w, r)
	if !ok {
		return err
	}
	if err := h.t.DeleteSegment(r.Context(), m.ID, r.PathValue("code")); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/m/%s/transport/segments?deleted=1", m.Slug), http.StatusSeeOther)
	return nil
}
