package appeals

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
)

func TestHotSpotCellsAreSquareInMetres(t *testing.T) {
	for _, lat := range []float64{-33.9, 0.1, 43.1, 55.75, 59.93, 69.0} {
		for _, side := range []float64{100, 250, 1000} {
			p := Point{Lat: lat, Lon: 30.31}
			row, col := cellOf(p, side)
			dLat, w := side/degreeMetres, cellWidth(row, side)
			south, west := float64(row)*dLat, float64(col)*w
			if p.Lat < south || p.Lat >= south+dLat || p.Lon < west || p.Lon >= west+w {
				t.Fatalf("%v is outside its cell", p)
			}
			mid := south + dLat/2
			height := distance(Point{south, west}, Point{south + dLat, west})
			width := distance(Point{mid, west}, Point{mid, west + w})
			if math.Abs(height-side) > side*0.01 || math.Abs(width-side) > side*0.01 {
				t.Errorf("lat %.2f side %.0f: cell %.1f × %.1f m", lat, side, width, height)
			}
		}
	}
	// Points 100 m apart share a 250 m cell or sit in neighbouring ones.
	a, b := Point{59.93, 30.31}, Point{59.93 + 100/degreeMetres, 30.31}
	ra, ca := cellOf(a, 250)
	rb, cb := cellOf(b, 250)
	if rb-ra > 1 || cb-ca > 1 || ca != cb {
		t.Errorf("cells %d,%d and %d,%d", ra, ca, rb, cb)
	}
}

func TestHotSpots(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		cat := e.pothole(true)
		submit := func(p Point, text string) Appeal {
			return must[Appeal](t)(e.svc.Submit(resident("u1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport,
				CategoryID: cat.ID, Description: text, Point: &p}))
		}
		for range 3 {
			submit(Point{59.9301, 30.3101}, "Яма у дома")
		}
		submit(Point{59.9302, 30.3102}, "Ещё одна яма")
		submit(Point{59.95, 30.35}, "Яма у моста")
		submit(Point{59.9301, 30.3101}, "Сволочи, мудаки, засыпьте яму") // held by moderation: not counted
		e.complaint(resident("u2"))                                      // a formal appeal: never counted
		e.now = e.now.Add(time.Hour)
		g := must[HotSpots](t)(e.svc.HotSpots(context.Background(), muniA.ID, HotSpotFilter{}))
		if g.Total != 5 || len(g.Cells) != 2 || g.Cells[0].Count != 4 || g.Cells[1].Count != 1 || g.Max != 4 ||
			g.Cells[0].ByCategory[cat.ID] != 4 || g.Cells[0].Open != 4 || g.Cell != HotSpotCell {
			t.Fatalf("grid %+v", g)
		}
		if c := g.Cells[0].Center(); distance(c, Point{59.9301, 30.3101}) > 250 {
			t.Errorf("busiest cell centred at %v", c)
		}
		other := must[HotSpots](t)(e.svc.HotSpots(context.Background(), muniA.ID, HotSpotFilter{CategoryID: "none"}))
		if other.Total != 0 || len(other.Cells) != 0 {
			t.Errorf("an unknown category counts %d", other.Total)
		}
		old := must[HotSpots](t)(e.svc.HotSpots(context.Background(), muniA.ID, HotSpotFilter{From: e.now.AddDate(-1, 0, 0),
			To: e.now.Add(-2 * time.Hour)}))
		if old.Total != 0 {
			t.Errorf("reports received later are counted: %d", old.Total)
		}
		for _, f := range []HotSpotFilter{{Cell: 50}, {Cell: 5000}, {From: e.now.AddDate(-2, 0, 0)}, {From: e.now, To: e.now.Add(-time.Hour)}} {
			if _, err := e.svc.HotSpots(context.Background(), muniA.ID, f); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("%+v: %v", f, err)
			}
		}
		gj, err := g.GeoJSON(func(c HotCell) string { return "n" })
		if err != nil || !strings.Contains(gj, `"role":"hotspot"`) || !strings.Contains(gj, `"shade":0.75`) {
			t.Errorf("geojson %s %v", gj, err)
		}

		h := testServer(t, e.svc, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/municipalities/a/reports/hotspots?cell=500&months=1", nil))
		var got HotSpots
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Total != 5 || got.Cell != 500 {
			t.Fatalf("JSON %d %.300s", rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "u1") || strings.Contains(rec.Body.String(), "Яма у") {
			t.Error("the grid carries personal data or texts")
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/municipalities/a/reports/hotspots?cell=abc", nil))
		if rec.Code != 400 || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
			t.Errorf("bad cell: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/m/a/reports/hotspots", nil))
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "Очаги проблем") || !strings.Contains(body, `data-geojson=`) ||
			!strings.Contains(body, "<td>4</td>") {
			t.Errorf("page %d %.1500s", rec.Code, body)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/m/a/reports/hotspots?months=40", nil))
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `role="alert"`) {
			t.Errorf("bad period page %d", rec.Code)
		}
	})
}
