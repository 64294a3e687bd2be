package transport

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/web"
)

// qualitySorts are the report's sortable columns.
var qualitySorts = map[string]func(a, b QualityRow) bool{
	"name":      func(a, b QualityRow) bool { return a.Name < b.Name },
	"period":    func(a, b QualityRow) bool { return a.Period < b.Period },
	"ontime":    func(a, b QualityRow) bool { return a.OnTimeShare() < b.OnTimeShare() },
	"observed":  func(a, b QualityRow) bool { return a.Observed < b.Observed },
	"scheduled": func(a, b QualityRow) bool { return a.Scheduled < b.Scheduled },
	"missed":    func(a, b QualityRow) bool { return a.Missed < b.Missed },
	"ewt":       func(a, b QualityRow) bool { return a.EWT < b.EWT },
}

// qualityPage is the report with the query that made it.
type qualityPage struct {
	Quality
	Sort, Dir string
	Columns   []qualityColumn
	Tables    []qualityTable
}

// qualityTable is one of the report's tables: routes or agencies.
type qualityTable struct {
	ID   string
	Rows []QualityRow
}

// qualityColumn is a header: its sort link and aria-sort state.
type qualityColumn struct {
	Key, Label, Href, AriaSort string
}

// sortRows orders rows by the column, stably, descending when desc.
func sortRows(rows []QualityRow, key string, desc bool) {
	less := qualitySorts[key]
	sort.SliceStable(rows, func(i, j int) bool {
		if desc {
			return less(rows[j], rows[i])
		}
		return less(rows[i], rows[j])
	})
}

// quality shows the punctuality report: ?from=&to= (2006-01-02, default
// the last seven days), ?grain=day|month, ?sort=column&dir=asc|desc;
// ?format=csv downloads it.
func (h *handler) quality(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	ctx := r.Context()
	n, err := h.svc.network(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	zone, ok := LoadZone(n.Municipality.TimeZone)
	if !ok {
		zone = n.Zone
	}
	today := h.now().In(zone) // the municipality's today
	to := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, n.Zone)
	from := to.AddDate(0, 0, -6)
	for name, t := range map[string]*time.Time{"from": &from, "to": &to} {
		if s := qs.Get(name); s != "" {
			if *t, err = time.ParseInLocation("2006-01-02", s, n.Zone); err != nil {
				return invalidFeed("transport.quality.error.range")
			}
		}
	}
	grain := qs.Get("grain")
	if grain == "" {
		grain = GrainDay
	}
	key, dir := qs.Get("sort"), qs.Get("dir")
	if key == "" {
		key = "period"
	}
	if _, ok := qualitySorts[key]; !ok || dir != "" && dir != "asc" && dir != "desc" {
		return invalidFeed("transport.quality.error.sort")
	}
	q, err := h.svc.Quality(ctx, r.PathValue("slug"), from, to, grain)
	if err != nil {
		return err
	}
	sortRows(q.Routes, key, dir == "desc")
	sortRows(q.Agencies, key, dir == "desc")
	if qs.Get("format") == "csv" {
		return writeQualityCSV(w, q)
	}
	p := qualityPage{Quality: q, Sort: key, Dir: dir, Tables: []qualityTable{{"routes", q.Routes}, {"agencies", q.Agencies}}}
	for _, c := range []string{"period", "name", "scheduled", "missed", "observed", "ontime", "ewt"} {
		col := qualityColumn{Key: c, Label: "transport.quality.col." + c}
		v := url.Values{"from": {from.Format("2006-01-02")}, "to": {to.Format("2006-01-02")}, "grain": {grain}, "sort": {c}}
		if c == key {
			col.AriaSort = "ascending"
			if dir == "desc" {
				col.AriaSort = "descending"
			} else {
				v.Set("dir", "desc")
			}
		}
		col.Href = "?" + v.Encode()
		p.Columns = append(p.Columns, col)
	}
	return h.render.Page(w, r, http.StatusOK, "transport/quality", p)
}

// writeQualityCSV writes routes then carriers, one row per period.
func writeQualityCSV(w http.ResponseWriter, q Quality) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="punctuality-%s-%s-%s.csv"`,
		q.Municipality.Slug, q.From.Format("20060102"), q.To.Format("20060102")))
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "id", "name", "period", "trips_scheduled", "trips_cancelled", "trips_missed", "events_observed",
		"on_time", "early", "late", "on_time_share", "frequent", "ewt_seconds"})
	for _, rows := range [][]QualityRow{q.Routes, q.Agencies} {
		for _, r := range rows {
			share, ewt := "", ""
			if r.Observed > 0 {
				share = strconv.FormatFloat(r.OnTimeShare(), 'f', 4, 64)
			}
			if r.Frequent {
				ewt = strconv.FormatFloat(r.EWT, 'f', 1, 64)
			}
			cw.Write([]string{r.Kind, r.ID, r.Name, r.Period, strconv.Itoa(r.Scheduled), strconv.Itoa(r.Cancelled), strconv.Itoa(r.Missed),
				strconv.Itoa(r.Observed), strconv.Itoa(r.OnTime), strconv.Itoa(r.Early), strconv.Itoa(r.Late), share,
				strconv.FormatBool(r.Frequent), ewt})
		}
	}
	cw.Flush()
	return cw.Error()
}
