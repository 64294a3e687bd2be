package transport

import (
	"context"
	"sort"
	"time"
)

// Departure is one vehicle leaving a stop.
type Departure struct {
	TripID      string
	RouteID     string
	RouteShort  string
	RouteLong   string
	RouteType   int
	Color       string
	Headsign    string
	At          time.Time // the moment, in the zone it was asked in
	ServiceDate time.Time // the service day the trip belongs to
	Frequency   bool      // from frequencies.txt: every Headway seconds
	Seq         int       // the stop's stop_sequence in the trip

	// From GTFS-Realtime, when a fresh trip update names the trip.
	Realtime bool
	Delay    int // seconds, positive when late
	Canceled bool
}

// Expected is when the vehicle is expected: the timetable plus the delay.
func (d Departure) Expected() time.Time { return d.At.Add(time.Duration(d.Delay) * time.Second) }

// DelayMinutes is the delay rounded to whole minutes, for the page.
func (d Departure) DelayMinutes() int {
	if d.Delay >= 0 {
		return (d.Delay + 30) / 60
	}
	return -((-d.Delay + 30) / 60)
}

// horizon is how far ahead departures are looked for.
const horizon = 24 * 3600

// departures lists up to limit departures from stopID of feed at or after
// from, across the service days that can reach it (yesterday's trips run
// past midnight as times over 24:00).
func (s *store) departures(ctx context.Context, cal *serviceCalendar, feed Feed, loc *time.Location, stopID string, from time.Time, limit int) ([]Departure, error) {
	local := from.In(loc)
	var out []Departure
	freq, err := s.frequencyTemplates(ctx, feed.No, stopID)
	if err != nil {
		return nil, err
	}
	for off := -1; off <= 1; off++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+off, 0, 0, 0, 0, loc)
		active := cal.Active(day)
		if len(active) == 0 {
			continue
		}
		base := serviceDayStart(day, loc)
		sec := int(from.Sub(base).Seconds())
		lo := max(sec, 0)
		if sec+horizon < 0 {
			continue
		}
		got, err := s.scheduled(ctx, feed.No, stopID, lo, sec+horizon, active, freq, base, day, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		for _, f := range freq {
			if !active[f.service] {
				continue
			}
			for t := f.start; t < f.end; t += f.headway {
				at := t + f.offset
				if at >= lo && at < sec+horizon {
					d := f.dep
					d.At, d.ServiceDate, d.Frequency = base.Add(time.Duration(at)*time.Second), day, true
					out = append(out, d)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	if len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		out[i].At = out[i].At.In(from.Location())
	}
	return out, nil
}

const departureCols = `st.departure, st.seq, st.trip_id, COALESCE(NULLIF(st.headsign, ''), t.headsign), t.service_id,
	r.route_id, r.short_name, r.long_name, r.route_type, r.color`

// scheduled reads the stop's departures of one service day in order,
// keeping those of the day's active services and stopping at limit.
func (s *store) scheduled(ctx context.Context, feedNo int64, stopID string, lo, hi int, active map[string]bool,
	freq []frequencyTemplate, base, day time.Time, limit int) ([]Departure, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+departureCols+`
		FROM transport_stop_times st
		JOIN transport_trips t ON t.feed_id = st.feed_id AND t.trip_id = st.trip_id
		JOIN transport_routes r ON r.feed_id = t.feed_id AND r.route_id = t.route_id
		WHERE st.feed_id = $1 AND st.stop_id = $2 AND st.departure >= $3 AND st.departure < $4 AND st.pickup <> 1
		ORDER BY st.departure`, feedNo, stopID, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	skip := map[string]bool{}
	for _, f := range freq {
		skip[f.dep.TripID] = true
	}
	var out []Departure
	for rows.Next() && len(out) < limit {
		var d Departure
		var sec int
		var service string
		if err := rows.Scan(&sec, &d.Seq, &d.TripID, &d.Headsign, &service, &d.RouteID, &d.RouteShort, &d.RouteLong, &d.RouteType, &d.Color); err != nil {
			return nil, err
		}
		if !active[service] || skip[d.TripID] {
			continue
		}
		d.At, d.ServiceDate = base.Add(time.Duration(sec)*time.Second), day
		out = append(out, d)
	}
	return out, rows.Err()
}

// frequencyTemplate is a frequency-based trip through the stop: the trip
// starts every headway seconds between start and end and reaches the stop
// offset seconds after it starts.
type frequencyTemplate struct {
	dep                         Departure
	service                     string
	start, end, headway, offset int
}

func (s *store) frequencyTemplates(ctx context.Context, feedNo int64, stopID string) ([]frequencyTemplate, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+departureCols+`, f.start_time, f.end_time, f.headway,
		(SELECT MIN(s2.departure) FROM transport_stop_times s2 WHERE s2.feed_id = st.feed_id AND s2.trip_id = st.trip_id)
		FROM transport_frequencies f
		JOIN transport_stop_times st ON st.feed_id = f.feed_id AND st.trip_id = f.trip_id
		JOIN transport_trips t ON t.feed_id = st.feed_id AND t.trip_id = st.trip_id
		JOIN transport_routes r ON r.feed_id = t.feed_id AND r.route_id = t.route_id
		WHERE f.feed_id = $1 AND st.stop_id = $2 AND st.departure IS NOT NULL AND st.pickup <> 1`, feedNo, stopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []frequencyTemplate
	for rows.Next() {
		var f frequencyTemplate
		var sec, first int
		d := &f.dep
		if err := rows.Scan(&sec, &d.Seq, &d.TripID, &d.Headsign, &f.service, &d.RouteID, &d.RouteShort, &d.RouteLong, &d.RouteType, &d.Color,
			&f.start, &f.end, &f.headway, &first); err != nil {
			return nil, err
		}
		f.offset = sec - first
		out = append(out, f)
	}
	return out, rows.Err()
}
