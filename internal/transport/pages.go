package transport

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Overview is the public transport page of a municipality: its lines,
// its stops and a map of both.
type Overview struct {
	Network
	Routes  []Route
	Stops   []Stop
	MapJSON string // GeoJSON FeatureCollection: route shapes, stops, vehicles
	// Vehicles are the positions reported in the last 30 minutes.
	Vehicles []Vehicle
	// CanManage is set by the page for an official who may upload feeds.
	CanManage bool
}

// Networks lists the municipalities with an active timetable, by name.
func (s *Service) Networks(ctx context.Context) ([]Network, error) {
	ids, err := db.Strings(ctx, s.db.R(ctx), `SELECT tenant_id FROM transport_feeds WHERE status = 'active'`)
	if err != nil {
		return nil, err
	}
	var out []Network
	for _, id := range ids {
		m, err := s.places.Municipality(ctx, id)
		if errors.Is(err, ErrNotFound) || errors.Is(err, fault.ErrNotFound) {
			continue // a municipality since removed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Network{Municipality: m})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Municipality.Name < out[j].Municipality.Name })
	return out, nil
}

// Overview reads the municipality's active network for its public page.
func (s *Service) Overview(ctx context.Context, slug string) (Overview, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return Overview{Network: n}, err
	}
	o := Overview{Network: n}
	if o.Routes, err = s.st.routes(ctx, n.Feed.No); err != nil {
		return o, err
	}
	if o.Stops, err = s.st.stops(ctx, n.Feed.No); err != nil {
		return o, err
	}
	lines, err := s.st.routeShapes(ctx, n.Feed.No, "")
	if err != nil {
		return o, err
	}
	if o.Vehicles, err = s.st.vehicles(ctx, n.Municipality.ID, db.Millis(s.now().Add(-realtimeTTL))); err != nil {
		return o, err
	}
	o.MapJSON, err = mapJSON(o.Routes, lines, o.Stops, "/m/"+slug+"/transport/stops/", o.Vehicles...)
	return o, err
}

type feature struct {
	Type       string         `json:"type"`
	Geometry   map[string]any `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// mapJSON draws the routes' shapes (or, without shapes, nothing for
// them) and the stops as points.
func mapJSON(routes []Route, lines map[string][][][2]float64, stops []Stop, stopURL string, vehicles ...Vehicle) (string, error) {
	var fs []feature
	for _, r := range routes {
		for _, l := range lines[r.ID] {
			color := "#1f4e8c"
			if r.Color != "" {
				color = "#" + r.Color
			}
			fs = append(fs, feature{"Feature", map[string]any{"type": "LineString", "coordinates": l},
				map[string]any{"role": "route", "name": r.Name() + " " + r.Long, "color": color}})
		}
	}
	for _, st := range stops {
		if !st.HasPosition {
			continue
		}
		fs = append(fs, feature{"Feature", map[string]any{"type": "Point", "coordinates": [2]float64{st.Lon, st.Lat}},
			map[string]any{"role": "stop", "name": st.Name, "url": stopURL + st.ID}})
	}
	for _, v := range vehicles {
		name := v.Label
		if name == "" {
			name = v.ID
		}
		fs = append(fs, feature{"Feature", map[string]any{"type": "Point", "coordinates": [2]float64{v.Lon, v.Lat}},
			map[string]any{"role": "vehicle", "name": name}})
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return string(b), err
}

// routeShapes returns each route's shapes as [lon, lat] lines; routeID
// "" means every route.
func (s *store) routeShapes(ctx context.Context, feedNo int64, routeID string) (map[string][][][2]float64, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT u.route_id, sh.shape_id, sh.lat, sh.lon
		FROM (SELECT DISTINCT route_id, shape_id FROM transport_trips WHERE feed_id = $1 AND shape_id <> ''
			AND ($2 = '' OR route_id = $2)) u
		JOIN transport_shapes sh ON sh.feed_id = $1 AND sh.shape_id = u.shape_id
		ORDER BY u.route_id, sh.shape_id, sh.seq`, feedNo, routeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][][][2]float64{}
	var lastRoute, lastShape string
	for rows.Next() {
		var route, shape string
		var lat, lon float64
		if err := rows.Scan(&route, &shape, &lat, &lon); err != nil {
			return nil, err
		}
		if route != lastRoute || shape != lastShape {
			out[route] = append(out[route], nil)
			lastRoute, lastShape = route, shape
		}
		ls := out[route]
		ls[len(ls)-1] = append(ls[len(ls)-1], [2]float64{lon, lat})
	}
	return out, rows.Err()
}

// StopPage is a stop with its next departures and the day's timetable.
type StopPage struct {
	Network
	Stop      Stop
	At        time.Time // the moment asked about, in the municipality's zone
	Next      []Departure
	Timetable []RouteTimes // the day of At, per route and direction
	MapJSON   string
}

// RouteTimes is one line's departures from a stop in one day, by hour.
type RouteTimes struct {
	Route    Route
	Headsign string
	Hours    []HourTimes
}

// HourTimes are the minutes of one hour.
type HourTimes struct {
	Hour    int
	Minutes []string
}

// StopPage reads a stop of the municipality's active network with its
// next departures after at and the timetable of at's day.
func (s *Service) StopPage(ctx context.Context, slug, stopID string, at time.Time) (StopPage, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return StopPage{Network: n}, err
	}
	p := StopPage{Network: n, At: at}
	if p.Stop, err = s.st.stop(ctx, n.Feed.No, stopID); err != nil {
		return p, err
	}
	if p.Next, err = s.departuresIn(ctx, n, stopID, at, 10); err != nil {
		return p, err
	}
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, at.Location())
	all, err := s.departuresIn(ctx, n, stopID, day, 2000)
	if err != nil {
		return p, err
	}
	p.Timetable = timetable(all, day)
	if p.Stop.HasPosition {
		p.MapJSON, err = mapJSON(nil, nil, []Stop{p.Stop}, "/m/"+slug+"/transport/stops/")
	}
	return p, err
}

// timetable groups the departures of day by route and headsign, then hour.
func timetable(deps []Departure, day time.Time) []RouteTimes {
	type key struct{ route, head string }
	idx := map[key]int{}
	var out []RouteTimes
	for _, d := range deps {
		if d.At.Year() != day.Year() || d.At.YearDay() != day.YearDay() {
			continue
		}
		k := key{d.RouteID, d.Headsign}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, RouteTimes{Route: Route{ID: d.RouteID, Short: d.RouteShort, Long: d.RouteLong, Type: d.RouteType, Color: d.Color}, Headsign: d.Headsign})
		}
		rt := &out[i]
		h := d.At.Hour()
		if len(rt.Hours) == 0 || rt.Hours[len(rt.Hours)-1].Hour != h {
			rt.Hours = append(rt.Hours, HourTimes{Hour: h})
		}
		last := &rt.Hours[len(rt.Hours)-1]
		last.Minutes = append(last.Minutes, d.At.Format("04"))
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Route.Name() < out[b].Route.Name() })
	return out
}

// RoutePage is a line with its stops in order, per direction.
type RoutePage struct {
	Network
	Route      Route
	Directions []Direction
	MapJSON    string
}

// Direction is a line's stops one way, from its longest trip.
type Direction struct {
	Headsign string
	Trips    int
	Stops    []Stop
}

// RoutePage reads a line of the municipality's active network.
func (s *Service) RoutePage(ctx context.Context, slug, routeID string) (RoutePage, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return RoutePage{Network: n}, err
	}
	p := RoutePage{Network: n}
	if p.Route, err = s.st.route(ctx, n.Feed.No, routeID); err != nil {
		return p, err
	}
	if p.Directions, err = s.st.directions(ctx, n.Feed.No, routeID); err != nil {
		return p, err
	}
	lines, err := s.st.routeShapes(ctx, n.Feed.No, routeID)
	if err != nil {
		return p, err
	}
	var stops []Stop
	for _, d := range p.Directions {
		stops = append(stops, d.Stops...)
	}
	p.MapJSON, err = mapJSON([]Route{p.Route}, lines, stops, "/m/"+slug+"/transport/stops/")
	return p, err
}

// directions finds, per direction_id, the trip with most stops and lists
// its stops.
func (s *store) directions(ctx context.Context, feedNo int64, routeID string) ([]Direction, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT t.trip_id, COALESCE(t.direction_id, 0), t.headsign,
		(SELECT COUNT(*) FROM transport_stop_times st WHERE st.feed_id = t.feed_id AND st.trip_id = t.trip_id) AS n
		FROM transport_trips t WHERE t.feed_id = $1 AND t.route_id = $2 ORDER BY t.trip_id`, feedNo, routeID)
	if err != nil {
		return nil, err
	}
	type best struct {
		trip, head string
		n, trips   int
	}
	byDir := map[int]*best{}
	for rows.Next() {
		var trip, head string
		var dir, n int
		if err := rows.Scan(&trip, &dir, &head, &n); err != nil {
			rows.Close()
			return nil, err
		}
		b := byDir[dir]
		if b == nil {
			b = &best{}
			byDir[dir] = b
		}
		b.trips++
		if n > b.n {
			b.trip, b.head, b.n = trip, head, n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Direction
	for dir := 0; dir <= 1; dir++ {
		b := byDir[dir]
		if b == nil {
			continue
		}
		d := Direction{Headsign: b.head, Trips: b.trips}
		srows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+prefixed("s.", stopCols)+` FROM transport_stop_times st
			JOIN transport_stops s ON s.feed_id = st.feed_id AND s.stop_id = st.stop_id
			WHERE st.feed_id = $1 AND st.trip_id = $2 ORDER BY st.seq`, feedNo, b.trip)
		if err != nil {
			return nil, err
		}
		for srows.Next() {
			st, err := scanStop(srows)
			if err != nil {
				srows.Close()
				return nil, err
			}
			d.Stops = append(d.Stops, st)
		}
		srows.Close()
		out = append(out, d)
	}
	return out, nil
}
