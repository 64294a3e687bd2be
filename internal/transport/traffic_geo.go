package transport

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
)

// Geometry is a GeoJSON geometry as road segments and works keep it:
// a Point, a LineString or a Polygon, in longitude, latitude order.
type Geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// The geometry types.
const (
	GeoPoint   = "Point"
	GeoLine    = "LineString"
	GeoPolygon = "Polygon"
)

type position [2]float64 // lon, lat

// UnmarshalJSON reads a GeoJSON position: longitude, latitude and an
// optional altitude, which is dropped.
func (p *position) UnmarshalJSON(b []byte) error {
	var xs []float64
	if err := json.Unmarshal(b, &xs); err != nil {
		return err
	}
	if len(xs) < 2 || len(xs) > 3 {
		return errBadPosition
	}
	p[0], p[1] = xs[0], xs[1]
	return nil
}

var errBadPosition = errors.New("transport: a position is longitude, latitude[, altitude]")

func (p position) ok() bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}

// maxPositions bounds a geometry's size.
const maxPositions = 5000

// geoProblem says why a geometry is refused, so the message can say what
// to fix; geoOK is none.
type geoProblem int

const (
	geoOK     geoProblem = iota
	geoShape             // not GeoJSON of an allowed type, or malformed positions
	geoShort             // a line of fewer than two positions, a ring of fewer than four or not closed
	geoRange             // a position outside -180..180 longitude, -90..90 latitude
	geoTooBig            // more than maxPositions positions
)

// parseGeometry reads raw GeoJSON and checks it is one of the allowed
// types with valid positions: a point, a line of at least two positions,
// a polygon of closed rings of at least four. It returns the geometry in
// its compact form.
func parseGeometry(raw []byte, allowed ...string) (Geometry, bool) {
	g, p := readGeometry(raw, allowed...)
	return g, p == geoOK
}

// readGeometry is parseGeometry that says what is wrong.
func readGeometry(raw []byte, allowed ...string) (Geometry, geoProblem) {
	var g Geometry
	if err := json.Unmarshal(raw, &g); err != nil || !slices.Contains(allowed, g.Type) {
		return g, geoShape
	}
	var n int
	switch g.Type {
	case GeoPoint:
		var p position
		if json.Unmarshal(g.Coordinates, &p) != nil {
			return g, geoShape
		}
		if !p.ok() {
			return g, geoRange
		}
		n = 1
	case GeoLine:
		var ps []position
		if json.Unmarshal(g.Coordinates, &ps) != nil {
			return g, geoShape
		}
		if len(ps) < 2 {
			return g, geoShort
		}
		if !allOK(ps) {
			return g, geoRange
		}
		n = len(ps)
	case GeoPolygon:
		var rings [][]position
		if json.Unmarshal(g.Coordinates, &rings) != nil {
			return g, geoShape
		}
		if len(rings) == 0 {
			return g, geoShort
		}
		for _, r := range rings {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return g, geoShort
			}
			if !allOK(r) {
				return g, geoRange
			}
			n += len(r)
		}
	}
	if n > maxPositions {
		return g, geoTooBig
	}
	g.Coordinates = compact(g.Coordinates)
	return g, geoOK
}

func allOK(ps []position) bool {
	for _, p := range ps {
		if !p.ok() {
			return false
		}
	}
	return true
}

// compact drops the insignificant spaces of valid JSON.
func compact(raw json.RawMessage) json.RawMessage {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return b
}

// line is a LineString's positions.
func (g Geometry) line() []position {
	var ps []position
	if g.Type == GeoLine {
		json.Unmarshal(g.Coordinates, &ps)
	}
	return ps
}

// lineLength is a line's length in metres along the great circle.
func lineLength(ps []position) float64 {
	var m float64
	for i := 1; i < len(ps); i++ {
		m += haversine(ps[i-1], ps[i])
	}
	return m
}

func haversine(a, b position) float64 {
	const r = 6371008.8 // mean Earth radius, m
	rad := math.Pi / 180
	dLat, dLon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
