package territory

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/muni-platform/muni/internal/platform/web"
)

type regionView struct {
	Region Node
	Munis  []Municipality
}

type portalView struct {
	Query   string
	Regions []regionView
	Total   int
	Open    bool // show every region unfolded (a search, or a small deployment)
}

// portal is the region portal: each region with its municipalities, and a
// search over their names and codes.
func (h *handler) portal(w http.ResponseWriter, r *http.Request) error {
	all, err := h.svc.Municipalities(r.Context())
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	v := portalView{Query: q}
	for _, m := range all {
		if !matches(m, q) {
			continue
		}
		if n := len(v.Regions); n == 0 || v.Regions[n-1].Region.ID != m.Region.ID {
			v.Regions = append(v.Regions, regionView{Region: m.Region})
		}
		v.Regions[len(v.Regions)-1].Munis = append(v.Regions[len(v.Regions)-1].Munis, m)
		v.Total++
	}
	v.Open = q != "" || len(v.Regions) <= 3
	return h.render.Page(w, r, http.StatusOK, "territory/portal", v)
}

// matches reports whether a municipality answers a search: a part of its
// name in either language or of its region's, or the start of its code.
func matches(m Municipality, q string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	for _, s := range []string{m.NameRU, m.NameEN, m.Region.NameRU, m.Region.NameEN} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return strings.HasPrefix(m.OKTMO, q)
}

type homeView struct {
	Muni        Node
	Region      Node
	Settlements []Node
	Departments []Department
	Blocks      []HomeBlock
	MapJSON     string
	DemoSource  string // the source the demo's nodes carry, shown translated
}

// home is a municipality's home page. It is registered as a public page,
// so anonymous visitors, who are most of them, may get a copy from the
// platform's page cache.
func (h *handler) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.municipalityBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	lang := web.Lang(ctx)
	v := homeView{Muni: m}
	if up, err := h.svc.Ancestors(ctx, m); err != nil {
		return err
	} else if len(up) > 0 {
		v.Region = up[0]
	}
	if v.Settlements, err = h.svc.st.listNodes(ctx, nodeFilter{ParentID: m.ID}); err != nil {
		return err
	}
	if v.Departments, err = h.svc.st.deptsOf(ctx, m.ID, "", 0); err != nil {
		return err
	}
	v.MapJSON = mapJSON(m, v.Settlements, lang)
	v.DemoSource = DemoSource
	if v.Blocks, err = h.blocks(ctx, m, lang); err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "territory/municipality", v)
}

// blocks asks every home section for its block, keeping those with
// something to show.
func (h *handler) blocks(ctx context.Context, m Node, lang string) ([]HomeBlock, error) {
	var out []HomeBlock
	for _, s := range h.sections {
		b, err := s.Section(ctx, m, lang)
		if err != nil {
			return nil, err
		}
		if b.Title != "" && (len(b.Items) > 0 || b.Text != "") {
			out = append(out, b)
		}
	}
	return out, nil
}

type feature struct {
	Type       string            `json:"type"`
	Geometry   json.RawMessage   `json:"geometry"`
	Properties map[string]string `json:"properties"`
}

// mapJSON is the GeoJSON the map script draws: the formation's boundary,
// its settlements' boundaries, and points for places with only a centre.
// "" when there is nothing to draw.
func mapJSON(m Node, kids []Node, lang string) string {
	var fs []feature
	for i, n := range append([]Node{m}, kids...) {
		role := "settlement"
		if i == 0 {
			role = "municipality"
		}
		props := map[string]string{"name": n.Name(lang), "role": role}
		switch {
		case len(n.Boundary) > 0:
			fs = append(fs, feature{Type: "Feature", Geometry: n.Boundary, Properties: props})
		case n.Center != nil:
			pt, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{n.Center.Lon, n.Center.Lat}})
			fs = append(fs, feature{Type: "Feature", Geometry: pt, Properties: props})
		}
	}
	if len(fs) == 0 {
		return ""
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	if err != nil {
		return ""
	}
	return string(b)
}

// aboutData lists the data sources and their licences.
func (h *handler) aboutData(w http.ResponseWriter, r *http.Request) error {
	return h.render.Page(w, r, http.StatusOK, "territory/about_data", map[string]string{
		"CitiesSource": CitiesSource, "DemoSource": DemoSource})
}
