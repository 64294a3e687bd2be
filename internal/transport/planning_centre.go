package transport

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The federal indicator of Decree 607: the share of the population
// living in settlements without regular bus (or rail) service to the
// administrative centre of the municipal district or urban okrug. muni
// measures it on the municipality's active GTFS feed with these rules,
// which the planning page states:
//
//   - A settlement is reached by the stops within SettlementStopRadius of
//     its point (straight line), the centre by the stops within
//     CentreStopRadius of the municipality's point.
//   - A trip connects a settlement with the centre when it calls at a
//     stop of each (in either order; one stop may be both).
//   - The service is regular when, in the seven days from the Monday of
//     the measured week, such trips run on at least MinRegularDays days
//     (at least one trip a day).
//   - The settlement nearest the municipality's point, within
//     CentreStopRadius, is the administrative centre itself and counts as
//     served.
const (
	SettlementStopRadius = 1000.0
	CentreStopRadius     = 2000.0
	MinRegularDays       = 5
)

// Centres gives a municipality's administrative centre: its point, and a
// name for it when no settlement lies there. The app's adapter of the territory domain, given as
// Deps.Population, implements it too.
type Centres interface {
	Centre(ctx context.Context, municipalityID string) (name string, lat, lon float64, ok bool, err error)
}

// SettlementAccess is one settlement's service to the centre.
type SettlementAccess struct {
	PopulationPoint
	IsCentre     bool
	NearestStop  string  // the nearest stop within SettlementStopRadius, "" when none
	StopDistance float64 // metres to it
	Days         int     // days of the week with at least one trip to the centre
	TripsPerWeek int     // trips to or from the centre over the week
	Regular      bool
}

// CentreAccess is the indicator for one municipality and week.
type CentreAccess struct {
	Network
	WeekFrom     time.Time // the Monday the week starts on
	Centre       string    // the centre's name
	HasCentre    bool      // the municipality has a point to measure from
	Settlements  []SettlementAccess
	Population   int64
	Without      int64 // population of settlements without regular service
	Share        float64
	SettleRadius float64
	CentreRadius float64
	MinDays      int
}

// SharePercent is Share in per cent.
func (c CentreAccess) SharePercent() float64 { return c.Share * 100 }

// Unserved are the settlements without regular service, most populous
// first.
func (c CentreAccess) Unserved() []SettlementAccess {
	var out []SettlementAccess
	for _, s := range c.Settlements {
		if !s.Regular {
			out = append(out, s)
		}
	}
	return out
}

// CentreAccessOf measures the indicator for the municipality (by id) in
// the week of at: for the monitoring of indicators. ErrNotFound when the
// municipality has no active feed.
func (s *Service) CentreAccessOf(ctx context.Context, municipalityID string, at time.Time) (CentreAccess, error) {
	m, err := s.places.Municipality(ctx, municipalityID)
	if err != nil {
		return CentreAccess{}, err
	}
	return s.CentreAccess(ctx, m.Slug, at)
}

// CentreAccess measures the indicator for the municipality at slug in
// the week (Monday to Sunday, the feed's zone) of at.
func (s *Service) CentreAccess(ctx context.Context, slug string, at time.Time) (CentreAccess, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return CentreAccess{Network: n}, err
	}
	at = at.In(n.Zone)
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, n.Zone)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	c := CentreAccess{Network: n, WeekFrom: monday, SettleRadius: SettlementStopRadius, CentreRadius: CentreStopRadius, MinDays: MinRegularDays}
	cs, ok := s.population.(Centres)
	if s.population == nil || !ok {
		return c, nil
	}
	name, lat, lon, has, err := cs.Centre(ctx, n.Municipality.ID)
	if err != nil || !has {
		return c, err
	}
	c.HasCentre, c.Centre = true, name
	pts, err := s.population.PopulationPoints(ctx, n.Municipality.ID)
	if err != nil {
		return c, err
	}
	stops, err := s.st.stops(ctx, n.Feed.No)
	if err != nil {
		return c, err
	}
	// The stops that reach the centre, and each settlement's.
	centreStops := map[string]bool{}
	near := make([]map[string]bool, len(pts))
	c.Settlements = make([]SettlementAccess, len(pts))
	relevant := map[string]bool{}
	for i, p := range pts {
		near[i] = map[string]bool{}
		c.Settlements[i] = SettlementAccess{PopulationPoint: p, StopDistance: math.Inf(1)}
	}
	for _, st := range stops {
		if !st.HasPosition {
			continue
		}
		if Distance(lat, lon, st.Lat, st.Lon) <= CentreStopRadius {
			centreStops[st.ID], relevant[st.ID] = true, true
		}
		for i, p := range pts {
			d := Distance(p.Lat, p.Lon, st.Lat, st.Lon)
			if d > SettlementStopRadius {
				continue
			}
			near[i][st.ID], relevant[st.ID] = true, true
			if sa := &c.Settlements[i]; d < sa.StopDistance {
				sa.StopDistance, sa.NearestStop = d, st.Name
			}
		}
	}
	// The settlement nearest the centre's point is the centre.
	centre, best := -1, CentreStopRadius
	for i, p := range pts {
		if d := Distance(lat, lon, p.Lat, p.Lon); d <= best {
			centre, best = i, d
		}
	}
	if centre >= 0 {
		c.Centre = pts[centre].Name
	}
	calls, err := s.st.tripCalls(ctx, n.Feed.No, relevant)
	if err != nil {
		return c, err
	}
	cal, err := s.st.calendar(ctx, &s.cals, n.Feed.No)
	if err != nil {
		return c, err
	}
	var week [7]map[string]bool
	for d := range week {
		week[d] = cal.Active(monday.AddDate(0, 0, d))
	}
	for i := range c.Settlements {
		sa := &c.Settlements[i]
		sa.IsCentre = i == centre
		var days [7]bool
		for _, tc := range calls {
			if !tc.reaches(near[i]) || !tc.reaches(centreStops) {
				continue
			}
			for d := range week {
				if week[d][tc.service] {
					days[d] = true
					sa.TripsPerWeek++
				}
			}
		}
		for _, ok := range days {
			if ok {
				sa.Days++
			}
		}
		sa.Regular = sa.IsCentre || sa.Days >= MinRegularDays
		c.Population += sa.Population
		if !sa.Regular {
			c.Without += sa.Population
		}
	}
	sort.SliceStable(c.Settlements, func(a, b int) bool { return c.Settlements[a].Population > c.Settlements[b].Population })
	if c.Population > 0 {
		c.Share = float64(c.Without) / float64(c.Population)
	}
	return c, nil
}

// tripCall is a trip (with its service) and the stops of interest it
// calls at.
type tripCall struct {
	service string
	stops   []string
}

func (t tripCall) reaches(set map[string]bool) bool {
	for _, s := range t.stops {
		if set[s] {
			return true
		}
	}
	return false
}

// tripCalls lists the trips that call at any of the stops, with the ones
// they call at. A frequency-based trip counts once a day: regularity asks
// for a trip a day, not for their number.
func (s *store) tripCalls(ctx context.Context, feedNo int64, stops map[string]bool) ([]tripCall, error) {
	if len(stops) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(stops))
	for id := range stops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []tripCall
	byTrip := map[string]int{}
	// In chunks, well under every engine's limit on bound values.
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := []any{feedNo}
		ph := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			ph[i] = "$" + strconv.Itoa(i+2)
		}
		rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT DISTINCT st.trip_id, t.service_id, st.stop_id
			FROM transport_stop_times st JOIN transport_trips t ON t.feed_id = st.feed_id AND t.trip_id = st.trip_id
			WHERE st.feed_id = $1 AND st.stop_id IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var trip, service, stop string
			if err := rows.Scan(&trip, &service, &stop); err != nil {
				rows.Close()
				return nil, err
			}
			i, ok := byTrip[trip]
			if !ok {
				i = len(out)
				byTrip[trip] = i
				out = append(out, tripCall{service: service})
			}
			out[i].stops = append(out[i].stops, stop)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// planningPage is the planning page: stop coverage and the indicator.
type planningPage struct {
	Coverage
	Access CentreAccess
}
