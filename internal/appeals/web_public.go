package appeals

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/web"
)

// publicPage is a municipality's map and list of issue reports.
type publicPage struct {
	Muni       Municipality
	Items      []PublicReport
	Categories map[string]Category
	List       []Category
	Status     string
	CategoryID string
	MapJSON    string // GeoJSON of the reports with a point; "" when none
	Next       string
}

func publicFilter(r *http.Request) PublicFilter {
	q := r.URL.Query()
	f := PublicFilter{Status: q.Get("status"), CategoryID: q.Get("category"), BeforeID: q.Get("before"), Limit: 100}
	if f.Status != "open" && f.Status != "closed" {
		f.Status = ""
	}
	return f
}

func (h *handler) publicReports(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := publicFilter(r)
	items, err := h.svc.PublicReports(ctx, m.ID, f)
	if err != nil {
		return err
	}
	cats, err := h.svc.Categories(ctx, m.ID)
	if err != nil {
		return err
	}
	p := publicPage{Muni: m, Items: items, Categories: map[string]Category{}, Status: f.Status, CategoryID: f.CategoryID}
	for _, c := range cats {
		p.Categories[c.ID] = c
		if c.Regime == RegimeReport {
			p.List = append(p.List, c)
		}
	}
	if len(items) == f.Limit {
		p.Next = items[len(items)-1].ID
	}
	if p.MapJSON, err = reportsGeoJSON(items, p.Categories, h.stateName(r), web.Lang(ctx)); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "appeals/reports", p)
}

// stateName translates a state for the map's tooltips.
func (h *handler) stateName(r *http.Request) func(State) string {
	loc := h.cat.Localizer(web.Lang(r.Context()))
	return func(s State) string { return loc.T("appeals.state." + string(s)) }
}

type feature struct {
	Type       string            `json:"type"`
	Geometry   map[string]any    `json:"geometry"`
	Properties map[string]string `json:"properties"`
}

// reportsGeoJSON is the map layer: one point per located report, named
// by its category and state.
func reportsGeoJSON(items []PublicReport, cats map[string]Category, state func(State) string, lang string) (string, error) {
	var fs []feature
	for _, it := range items {
		if it.Point == nil {
			continue
		}
		fs = append(fs, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "Point", "coordinates": []float64{it.Point.Lon, it.Point.Lat}},
			Properties: map[string]string{"name": cats[it.CategoryID].Name(lang) + " · " + state(it.State), "role": "report"}})
	}
	if len(fs) == 0 {
		return "", nil
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return string(b), err
}

// apiPublicReports lists a municipality's issue reports as JSON.
func (h *handler) apiPublicReports(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := publicFilter(r)
	items, err := h.svc.PublicReports(r.Context(), m.ID, f)
	if err != nil {
		return err
	}
	out := web.List[PublicReport]{Items: items}
	if len(items) == f.Limit {
		out.NextCursor = items[len(items)-1].ID
	}
	return web.JSON(w, http.StatusOK, out)
}

// photoThumb serves a photo's small copy for the public list, to whoever
// may see the photo itself.
func (h *handler) photoThumb(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > MaxPhotos {
		return ErrNotFound
	}
	p, data, err := h.svc.PhotoThumb(r.Context(), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", p.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Cache-Control", "private, no-store")
	if p.Public {
		hd.Set("Cache-Control", "private, max-age=3600")
	}
	_, err = w.Write(data)
	return err
}
