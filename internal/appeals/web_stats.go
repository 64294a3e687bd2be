package appeals

import (
	"context"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/web"
)

// statsPage is a municipality's public statistics, with names for the
// category and department rows.
type statsPage struct {
	Muni   Municipality
	Stats  Stats
	Tables []statsTable
}

// statsTable is one breakdown: by month, by category or by department.
type statsTable struct {
	ID      string // element id
	Heading string // i18n key
	Column  string // i18n key of the first column
	Lines   []statsLine
}

// statsLine is one row with its name.
type statsLine struct {
	Name string
	StatsRow
}

func table(id, heading, column string, rows []StatsRow, name func(string) string) statsTable {
	t := statsTable{ID: id, Heading: heading, Column: column}
	for _, r := range rows {
		t.Lines = append(t.Lines, statsLine{Name: name(r.Key), StatsRow: r})
	}
	return t
}

// Percent formats a share as whole per cent.
func (statsPage) Percent(share float64) int { return int(share*100 + 0.5) }

func (h *handler) statsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	st, err := h.svc.Statistics(ctx, m.ID)
	if err != nil {
		return err
	}
	names, err := h.names(ctx, m, web.Lang(ctx))
	if err != nil {
		return err
	}
	named := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	same := func(k string) string { return k }
	p := statsPage{Muni: m, Stats: st, Tables: []statsTable{
		table("by-month", "appeals.stats.by_month", "appeals.stats.month", st.ByMonth, same),
		table("by-category", "appeals.stats.by_category", "appeals.reports.category", st.ByCategory, named),
		table("by-department", "appeals.stats.by_department", "appeals.show.department", st.ByDepartment, named),
	}}
	return h.render.Page(w, r, http.StatusOK, "appeals/stats", p)
}

// names are the municipality's category and department names in lang.
func (h *handler) names(ctx context.Context, m Municipality, lang string) (map[string]string, error) {
	out := map[string]string{}
	cats, err := h.svc.Categories(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		out[c.ID] = c.Name(lang)
	}
	deps, err := h.svc.places.Departments(ctx, m.ID)
	for _, d := range deps {
		out[d.ID] = d.Title(lang)
	}
	return out, err
}

// apiStats is the statistics as JSON.
func (h *handler) apiStats(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	st, err := h.svc.Statistics(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, st)
}
