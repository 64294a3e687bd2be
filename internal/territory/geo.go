package territory

import (
	"encoding/json"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// maxBoundaryBytes bounds a stored boundary; a municipality's outline at
// web resolution fits well within it.
const maxBoundaryBytes = 2 << 20

// Point is a position in WGS 84 degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// CheckPoint returns the i18n key of what is wrong with a centre, or "".
func CheckPoint(p Point) string {
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
		return "territory.center.invalid"
	}
	return ""
}

// NormalizeBoundary checks a GeoJSON boundary (a Polygon or MultiPolygon
// geometry, or a Feature holding one) and returns it as a bare geometry.
// An empty input means "no boundary". The second result is the i18n key of
// what is wrong, or "".
func NormalizeBoundary(raw json.RawMessage) (json.RawMessage, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, ""
	}
	if len(raw) > maxBoundaryBytes {
		return nil, "territory.boundary.too_large"
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil || g.Coordinates == nil {
		f, ferr := geojson.UnmarshalFeature(raw)
		if ferr != nil || f.Geometry == nil {
			return nil, "territory.boundary.invalid"
		}
		return checkPolygonal(f.Geometry)
	}
	return checkPolygonal(g.Coordinates)
}

func checkPolygonal(g orb.Geometry) (json.RawMessage, string) {
	var polys orb.MultiPolygon
	switch v := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{v}
	case orb.MultiPolygon:
		polys = v
	default:
		return nil, "territory.boundary.type"
	}
	if len(polys) == 0 {
		return nil, "territory.boundary.invalid"
	}
	for _, p := range polys {
		if key := checkPolygon(p); key != "" {
			return nil, key
		}
	}
	b, err := json.Marshal(geojson.NewGeometry(g))
	if err != nil {
		return nil, "territory.boundary.invalid"
	}
	return b, ""
}

func checkPolygon(p orb.Polygon) string {
	if len(p) == 0 {
		return "territory.boundary.invalid"
	}
	for _, ring := range p {
		if len(ring) < 4 || !ring.Closed() {
			return "territory.boundary.ring"
		}
		for _, pt := range ring {
			if CheckPoint(Point{Lat: pt.Lat(), Lon: pt.Lon()}) != "" {
				return "territory.boundary.range"
			}
		}
	}
	return ""
}

// SquareAround is a closed ring approximating a square of side km around
// a centre, for synthetic demo boundaries.
func SquareAround(c Point, km float64, wobble []float64) orb.Polygon {
	dLat := km / 2 / 111.32
	dLon := km / 2 / (111.32 * math.Cos(c.Lat*math.Pi/180))
	corners := [][2]float64{{-1, -1}, {0, -1.15}, {1, -1}, {1.1, 0}, {1, 1}, {0, 1.1}, {-1, 1}, {-1.15, 0}}
	ring := make(orb.Ring, 0, len(corners)+1)
	for i, k := range corners {
		f := 1.0
		if len(wobble) > 0 {
			f = wobble[i%len(wobble)]
		}
		ring = append(ring, orb.Point{round6(c.Lon + k[0]*dLon*f), round6(c.Lat + k[1]*dLat*f)})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// mustGeometry encodes a polygon built in code as a GeoJSON geometry.
func mustGeometry(p orb.Polygon) json.RawMessage {
	b, err := json.Marshal(geojson.NewGeometry(p))
	if err != nil {
		panic(err) // a polygon of finite numbers always encodes
	}
	return b
}
