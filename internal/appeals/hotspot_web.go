package appeals

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// hotspotRoutes mounts the public hot-spot grid: a page with the map and
// its table, and the same data as JSON.
func hotspotRoutes(rt *web.Router, h *handler) {
	rt.HandlePublic("GET /m/{slug}/reports/hotspots", h.hotspotsPage)
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/reports/hotspots", h.apiHotspots)
}

// hotspotPeriods are the periods the page offers, in months back from now.
var hotspotPeriods = []int{1, 3, 12}

// hotspotCells are the cell sizes the page offers, in metres.
var hotspotCells = []int{250, 500, 1000}

// hotspotQuery reads category, months (1–12) or from/to (RFC 3339) and
// cell (metres) from the query.
func hotspotQuery(q url.Values, now time.Time) (HotSpotFilter, int, map[string]string) {
	f := HotSpotFilter{CategoryID: q.Get("category")}
	bad := map[string]string{}
	months := 3
	if v := q.Get("months"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 12 {
			bad["months"] = "appeals.hotspots.period_invalid"
		} else {
			months = n
		}
	}
	f.From = now.AddDate(0, -months, 0)
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad[name] = "appeals.hotspots.period_invalid"
			}
			*dst = t
		}
	}
	if v := q.Get("cell"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad["cell"] = "appeals.hotspots.cell_invalid"
		}
		f.Cell = n
	}
	return f, months, bad
}

// hotspotsPage shows the grid on the map, shaded by count, and as a
// table of the busiest cells for those who do not see the map.
type hotspotsPage struct {
	Muni       Municipality
	Grid       HotSpots
	MapJSON    string
	Categories []Category
	Names      map[string]string
	Category   string
	Months     int
	Periods    []int
	Cells      []int
	Top        []HotCell // the busiest cells, at most 50
	Errors     map[string]string
}

// Place names a cell by its middle point.
func (hotspotsPage) Place(c HotCell) string {
	p := c.Center()
	return fmt.Sprintf("%.4f, %.4f", p.Lat, p.Lon)
}

func (h *handler) hotspotsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	lang := web.Lang(ctx)
	f, months, bad := hotspotQuery(r.URL.Query(), h.svc.now())
	p := hotspotsPage{Muni: m, Category: f.CategoryID, Months: months, Periods: hotspotPeriods, Cells: hotspotCells,
		Names: map[string]string{}, Errors: bad}
	cats, err := h.svc.Categories(ctx, m.ID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Regime == RegimeReport {
			p.Categories = append(p.Categories, c)
			p.Names[c.ID] = c.Name(lang)
		}
	}
	status := http.StatusOK
	if len(bad) == 0 {
		p.Grid, err = h.svc.HotSpots(ctx, m.ID, f)
		if fe, ok := faultFields(err); ok {
			p.Errors, status, err = fe, http.StatusBadRequest, nil
		}
		if err != nil {
			return err
		}
	} else {
		status = http.StatusBadRequest
	}
	p.Top = p.Grid.Cells[:min(len(p.Grid.Cells), 50)]
	loc := h.cat.Localizer(lang)
	if p.MapJSON, err = p.Grid.GeoJSON(func(c HotCell) string {
		return loc.T("appeals.hotspots.cell_count", "N", c.Count)
	}); err != nil {
		return err
	}
	if len(p.Grid.Cells) == 0 {
		p.MapJSON = ""
	}
	return h.render.Page(w, r, status, "appeals/hotspots", p)
}

func (h *handler) apiHotspots(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f, _, bad := hotspotQuery(r.URL.Query(), h.svc.now())
	if len(bad) > 0 {
		return invalid("hotspots-invalid", bad)
	}
	grid, err := h.svc.HotSpots(r.Context(), m.ID, f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, grid)
}

// faultFields is the per-field messages of an invalid-input error.
func faultFields(err error) (map[string]string, bool) {
	fe, ok := fault.As(err)
	if !ok || !errors.Is(err, fault.ErrInvalid) {
		return nil, false
	}
	return fe.Fields, true
}
