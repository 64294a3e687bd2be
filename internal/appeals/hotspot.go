package appeals

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Hot-spot grid cell sizes, in metres.
const (
	HotSpotCell    = 250
	HotSpotCellMin = 100
	HotSpotCellMax = 2000
	// HotSpotPeriodMax is the longest period a grid counts over.
	HotSpotPeriodMax = 366 * 24 * time.Hour
)

// degreeMetres is the length of a degree of latitude (and of longitude
// at the equator), WGS 84 mean.
const degreeMetres = 111320.0

// HotSpotFilter selects the reports a grid counts: one category or all,
// received within [From, To], in cells of Cell metres.
type HotSpotFilter struct {
	CategoryID string
	From, To   time.Time
	Cell       int
}

// HotCell is one grid cell with reports: its place, its bounds and how
// many public reports it holds, in all and per category.
type HotCell struct {
	Row        int            `json:"row"`
	Col        int            `json:"col"`
	South      float64        `json:"south"`
	West       float64        `json:"west"`
	North      float64        `json:"north"`
	East       float64        `json:"east"`
	Count      int            `json:"count"`
	Open       int            `json:"open"`
	ByCategory map[string]int `json:"by_category"`
}

// Center is the cell's middle point.
func (c HotCell) Center() Point {
	return Point{Lat: (c.South + c.North) / 2, Lon: (c.West + c.East) / 2}
}

// HotSpots is a grid of the municipality's public issue reports: cells
// of about Cell metres a side (rows of equal latitude height, each row's
// columns as wide in metres as they are high there), busiest first. Only
// what the public list shows counts: no formal appeals, nothing held by
// moderation, no personal data.
type HotSpots struct {
	Cell  int       `json:"cell_metres"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Total int       `json:"total"`
	Max   int       `json:"max"`
	Cells []HotCell `json:"cells"`
}

// cellOf places p in the grid of side metres: the row by latitude, then
// the column by longitude with the width the row's middle latitude gives.
func cellOf(p Point, side float64) (row, col int) {
	dLat := side / degreeMetres
	row = int(math.Floor(p.Lat / dLat))
	col = int(math.Floor(p.Lon / cellWidth(row, side)))
	return row, col
}

// cellWidth is the longitude span of a cell in row.
func cellWidth(row int, side float64) float64 {
	dLat := side / degreeMetres
	mid := (float64(row) + 0.5) * dLat
	return side / (degreeMetres * math.Max(math.Cos(mid*math.Pi/180), 0.01))
}

// HotSpots counts the public reports of a municipality per grid cell.
func (s *Service) HotSpots(ctx context.Context, tenantID string, f HotSpotFilter) (HotSpots, error) {
	bad := map[string]string{}
	if f.Cell == 0 {
		f.Cell = HotSpotCell
	}
	if f.Cell < HotSpotCellMin || f.Cell > HotSpotCellMax {
		bad["cell"] = "appeals.hotspots.cell_invalid"
	}
	now := s.now()
	if f.To.IsZero() || f.To.After(now) {
		f.To = now
	}
	if f.From.IsZero() {
		f.From = f.To.AddDate(0, -3, 0)
	}
	if !f.From.Before(f.To) || f.To.Sub(f.From) > HotSpotPeriodMax {
		bad["from"] = "appeals.hotspots.period_invalid"
	}
	if len(bad) > 0 {
		return HotSpots{}, invalid("hotspots-invalid", bad)
	}
	q := `SELECT a.lat, a.lon, a.category_id, a.state FROM appeals a WHERE a.tenant_id = $1 AND a.regime = $2
		AND a.received_ms >= $3 AND a.received_ms <= $4 AND a.lat IS NOT NULL AND a.lon IS NOT NULL AND ` + publicClause
	args := []any{tenantID, RegimeReport, db.Millis(f.From), db.Millis(f.To)}
	if f.CategoryID != "" {
		q += " AND a.category_id = $5"
		args = append(args, f.CategoryID)
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return HotSpots{}, err
	}
	defer rows.Close()
	side := float64(f.Cell)
	cells := map[[2]int]*HotCell{}
	out := HotSpots{Cell: f.Cell, From: f.From.UTC(), To: f.To.UTC(), Cells: []HotCell{}}
	for rows.Next() {
		var p Point
		var cat string
		var st State
		if err := rows.Scan(&p.Lat, &p.Lon, &cat, &st); err != nil {
			return HotSpots{}, err
		}
		row, col := cellOf(p, side)
		c := cells[[2]int{row, col}]
		if c == nil {
			dLat, w := side/degreeMetres, cellWidth(row, side)
			c = &HotCell{Row: row, Col: col, South: float64(row) * dLat, North: float64(row+1) * dLat,
				West: float64(col) * w, East: float64(col+1) * w, ByCategory: map[string]int{}}
			cells[[2]int{row, col}] = c
		}
		c.Count++
		c.ByCategory[cat]++
		if !st.Closed() {
			c.Open++
		}
		out.Total++
	}
	if err := rows.Err(); err != nil {
		return HotSpots{}, err
	}
	for _, c := range cells {
		out.Cells = append(out.Cells, *c)
		out.Max = max(out.Max, c.Count)
	}
	sort.Slice(out.Cells, func(i, j int) bool {
		a, b := out.Cells[i], out.Cells[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Row != b.Row {
			return a.Row > b.Row // north first
		}
		return a.Col < b.Col
	})
	return out, nil
}

// GeoJSON draws the grid for map.js: one shaded rectangle per cell, its
// shade growing with its count, named with the count.
func (h HotSpots) GeoJSON(name func(HotCell) string) (string, error) {
	type geometry struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string         `json:"type"`
		Geometry   geometry       `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, c := range h.Cells {
		ring := [][2]float64{{c.West, c.South}, {c.East, c.South}, {c.East, c.North}, {c.West, c.North}, {c.West, c.South}}
		shade := 0.15 + 0.6*float64(c.Count)/float64(max(h.Max, 1))
		fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: geometry{Type: "Polygon", Coordinates: [][][2]float64{ring}},
			Properties: map[string]any{"role": "hotspot", "shade": math.Round(shade*100) / 100, "name": name(c), "count": c.Count}})
	}
	data, err := json.Marshal(fc)
	return string(data), err
}
