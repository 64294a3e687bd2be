package transport

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Stop is a place where vehicles stop, or a station grouping such places.
type Stop struct {
	ID           string
	Code         string
	Name         string
	Description  string
	Lat, Lon     float64
	HasPosition  bool
	LocationType int
	Parent       string
	Wheelchair   int
}

// Route is a line as passengers know it.
type Route struct {
	ID        string
	AgencyID  string
	Short     string
	Long      string
	Desc      string
	Type      int
	Color     string
	TextColor string
}

// Name is the route's short name, or its long one when it has none.
func (r Route) Name() string {
	if r.Short != "" {
		return r.Short
	}
	return r.Long
}

// Network is a municipality's active feed as the public pages use it.
type Network struct {
	Municipality Municipality
	Feed         Feed
	Zone         *time.Location // the feed's zone, GTFS times are in it
}

// network resolves the municipality at slug and its active feed.
func (s *Service) network(ctx context.Context, slug string) (Network, error) {
	m, err := s.places.MunicipalityBySlug(ctx, slug)
	if err != nil {
		return Network{}, err
	}
	f, err := s.st.activeFeed(ctx, m.ID)
	if err != nil {
		return Network{Municipality: m}, err
	}
	loc, ok := LoadZone(f.Info.TimeZone)
	if !ok {
		if loc, ok = LoadZone(m.TimeZone); !ok {
			loc = time.UTC
		}
	}
	return Network{Municipality: m, Feed: f, Zone: loc}, nil
}

// Network is the municipality's active feed; ErrNotFound when it has none.
func (s *Service) Network(ctx context.Context, slug string) (Network, error) {
	return s.network(ctx, slug)
}

// NextDepartures lists up to limit departures from a stop of the
// municipality's active feed at or after at, with times in the
// municipality's own zone.
func (s *Service) NextDepartures(ctx context.Context, slug, stopID string, at time.Time, limit int) ([]Departure, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return nil, err
	}
	if _, err := s.st.stop(ctx, n.Feed.No, stopID); err != nil {
		return nil, err
	}
	return s.departuresIn(ctx, n, stopID, at, limit)
}

func (s *Service) departuresIn(ctx context.Context, n Network, stopID string, at time.Time, limit int) ([]Departure, error) {
	cal, err := s.st.calendar(ctx, &s.cals, n.Feed.No)
	if err != nil {
		return nil, err
	}
	shown, ok := LoadZone(n.Municipality.TimeZone)
	if !ok {
		shown = n.Zone
	}
	deps, err := s.st.departures(ctx, cal, n.Feed, n.Zone, stopID, at.In(shown), limit)
	if err != nil {
		return nil, err
	}
	return deps, s.applyRealtime(ctx, n.Municipality.ID, deps)
}

const stopCols = `stop_id, code, name, description, lat, lon, location_type, parent_station, wheelchair`

// prefixed qualifies each of a column list's names with p ("s.").
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func scanStop(sc interface{ Scan(...any) error }) (Stop, error) {
	var st Stop
	var lat, lon sql.NullFloat64
	err := sc.Scan(&st.ID, &st.Code, &st.Name, &st.Description, &lat, &lon, &st.LocationType, &st.Parent, &st.Wheelchair)
	st.Lat, st.Lon, st.HasPosition = lat.Float64, lon.Float64, lat.Valid && lon.Valid
	return st, err
}

func (s *store) stop(ctx context.Context, feedNo int64, stopID string) (Stop, error) {
	st, err := scanStop(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+stopCols+` FROM transport_stops WHERE feed_id = $1 AND stop_id = $2`, feedNo, stopID))
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound()
	}
	return st, err
}

// stops lists the feed's stops and stations, by name.
func (s *store) stops(ctx context.Context, feedNo int64) ([]Stop, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+stopCols+` FROM transport_stops
		WHERE feed_id = $1 AND location_type IN (0, 1) ORDER BY name, stop_id`, feedNo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stop
	for rows.Next() {
		st, err := scanStop(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

const routeCols = `route_id, agency_id, short_name, long_name, description, route_type, color, text_color`

func scanRoute(sc interface{ Scan(...any) error }) (Route, error) {
	var r Route
	err := sc.Scan(&r.ID, &r.AgencyID, &r.Short, &r.Long, &r.Desc, &r.Type, &r.Color, &r.TextColor)
	return r, err
}

func (s *store) routes(ctx context.Context, feedNo int64) ([]Route, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+routeCols+` FROM transport_routes WHERE feed_id = $1
		ORDER BY COALESCE(sort_order, 0), short_name, long_name, route_id`, feedNo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Route
	for rows.Next() {
		r, err := scanRoute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *store) route(ctx context.Context, feedNo int64, routeID string) (Route, error) {
	r, err := scanRoute(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+routeCols+` FROM transport_routes WHERE feed_id = $1 AND route_id = $2`, feedNo, routeID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound()
	}
	return r, err
}
