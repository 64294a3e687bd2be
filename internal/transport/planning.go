package transport

import (
	"context"
	"math"
	"sort"
	"time"
)

// CoverageRadius is the distance from a stop that counts as served:
// 500 m, measured in a straight line (great-circle), not along streets.
const CoverageRadius = 500.0

// PopulationPoint is a place where people live, with how many: a
// locality's centre and population from the territory register.
type PopulationPoint struct {
	Name       string
	Lat, Lon   float64
	Population int64
}

// Population lists a municipality's population points; the app adapts
// the territory domain to it.
type Population interface {
	PopulationPoints(ctx context.Context, municipalityID string) ([]PopulationPoint, error)
}

// StopFrequency is how often vehicles leave a stop in the window.
type StopFrequency struct {
	Stop       Stop
	Departures int
	PerHour    float64
}

// CoveredPoint is a population point with its nearest frequent stop.
type CoveredPoint struct {
	PopulationPoint
	Nearest  string  // the nearest stop with enough departures, "" when none
	Distance float64 // metres to it
	Covered  bool
}

// Coverage is the planning view: service frequency per stop over a
// weekday window and the share of population near a frequent stop.
type Coverage struct {
	Network
	Date        time.Time // the service day measured
	FromHour    int
	ToHour      int
	MinPerHour  float64
	Stops       []StopFrequency // busiest first
	Points      []CoveredPoint
	Population  int64
	Covered     int64
	Share       float64 // Covered / Population, 0 when no population is known
	HasPoints   bool
	RadiusMetre float64
}

// Coverage measures the municipality's active network on date between
// fromHour and toHour (local, feed's zone), counting a stop as frequent
// with at least minPerHour departures per hour on average.
func (s *Service) Coverage(ctx context.Context, slug string, date time.Time, fromHour, toHour int, minPerHour float64) (Coverage, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return Coverage{Network: n}, err
	}
	c := Coverage{Network: n, Date: date, FromHour: fromHour, ToHour: toHour, MinPerHour: minPerHour, RadiusMetre: CoverageRadius}
	cal, err := s.st.calendar(ctx, &s.cals, n.Feed.No)
	if err != nil {
		return c, err
	}
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, n.Zone)
	counts, err := s.st.departureCounts(ctx, n.Feed.No, cal.Active(day), fromHour*3600, toHour*3600)
	if err != nil {
		return c, err
	}
	stops, err := s.st.stops(ctx, n.Feed.No)
	if err != nil {
		return c, err
	}
	hours := float64(toHour - fromHour)
	for _, st := range stops {
		if k := counts[st.ID]; k > 0 {
			c.Stops = append(c.Stops, StopFrequency{Stop: st, Departures: k, PerHour: float64(k) / hours})
		}
	}
	sort.SliceStable(c.Stops, func(i, j int) bool { return c.Stops[i].Departures > c.Stops[j].Departures })
	if s.population == nil {
		return c, nil
	}
	pts, err := s.population.PopulationPoints(ctx, n.Municipality.ID)
	if err != nil {
		return c, err
	}
	c.HasPoints = len(pts) > 0
	for _, p := range pts {
		cp := CoveredPoint{PopulationPoint: p, Distance: math.Inf(1)}
		for _, f := range c.Stops {
			if f.PerHour < minPerHour || !f.Stop.HasPosition {
				continue
			}
			if d := Distance(p.Lat, p.Lon, f.Stop.Lat, f.Stop.Lon); d < cp.Distance {
				cp.Distance, cp.Nearest = d, f.Stop.Name
			}
		}
		cp.Covered = cp.Distance <= CoverageRadius
		c.Population += p.Population
		if cp.Covered {
			c.Covered += p.Population
		}
		c.Points = append(c.Points, cp)
	}
	if c.Population > 0 {
		c.Share = float64(c.Covered) / float64(c.Population)
	}
	return c, nil
}

// Distance is the great-circle distance in metres.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	la1, la2 := lat1*math.Pi/180, lat2*math.Pi/180
	dla, dlo := la2-la1, (lon2-lon1)*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// departureCounts counts each stop's departures in [lo, hi) seconds of a
// service day, by the day's active services, frequencies included.
func (s *store) departureCounts(ctx context.Context, feedNo int64, active map[string]bool, lo, hi int) (map[string]int, error) {
	out := map[string]int{}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT st.stop_id, t.service_id, f.start_time, f.end_time, f.headway,
		st.departure - (SELECT MIN(s2.departure) FROM transport_stop_times s2 WHERE s2.feed_id = st.feed_id AND s2.trip_id = st.trip_id)
		FROM transport_frequencies f
		JOIN transport_stop_times st ON st.feed_id = f.feed_id AND st.trip_id = f.trip_id
		JOIN transport_trips t ON t.feed_id = st.feed_id AND t.trip_id = st.trip_id
		WHERE f.feed_id = $1 AND st.departure IS NOT NULL AND st.pickup <> 1`, feedNo)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var stop, service string
		var start, end, headway, offset int
		if err := rows.Scan(&stop, &service, &start, &end, &headway, &offset); err != nil {
			rows.Close()
			return nil, err
		}
		if !active[service] {
			continue
		}
		for t := start; t < end; t += headway {
			if at := t + offset; at >= lo && at < hi {
				out[stop]++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Trips run by frequencies were counted above; their own times are a
	// template.
	rows, err = s.db.R(ctx).QueryContext(ctx, `SELECT st.stop_id, t.service_id, COUNT(*)
		FROM transport_stop_times st
		JOIN transport_trips t ON t.feed_id = st.feed_id AND t.trip_id = st.trip_id
		WHERE st.feed_id = $1 AND st.departure >= $2 AND st.departure < $3 AND st.pickup <> 1
		AND NOT EXISTS (SELECT 1 FROM transport_frequencies f WHERE f.feed_id = st.feed_id AND f.trip_id = st.trip_id)
		GROUP BY st.stop_id, t.service_id`, feedNo, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var stop, service string
		var n int
		if err := rows.Scan(&stop, &service, &n); err != nil {
			return nil, err
		}
		if active[service] {
			out[stop] += n
		}
	}
	return out, rows.Err()
}

// SharePercent is Share in per cent, for the page.
func (c Coverage) SharePercent() float64 { return c.Share * 100 }
