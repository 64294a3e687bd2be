package transport

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// Punctuality window: a stop event counts as on time from one minute
// early to five minutes late, both ends included.
const (
	OnTimeEarly = -60
	OnTimeLate  = 300
	// FrequentHeadway is the longest mean scheduled headway (at a stop,
	// per line and direction, over the service day) at which passengers
	// are taken to turn up without a timetable, so excess wait time is
	// measured: 12 minutes.
	FrequentHeadway = 12 * 60
	// MaxQualityDays bounds one report's date range.
	MaxQualityDays = 93
)

// Quality grains.
const (
	GrainDay   = "day"
	GrainMonth = "month"
)

// QualityRow is one route's or carrier's service quality in one period.
type QualityRow struct {
	Period    string // 2006-01-02 or 2006-01
	Kind      string // route or agency
	ID, Name  string
	Scheduled int // trips due by now
	Cancelled int // of them reported cancelled
	Missed    int // cancelled or never observed
	Observed  int // stop events seen
	OnTime    int
	Early     int
	Late      int
	// Frequent is set when at least one stop of the line (or of the
	// carrier's lines) ran every FrequentHeadway or more often; EWT is
	// then measured in seconds over such stops.
	Frequent bool
	EWT      float64
	ewtSum   float64
	ewtW     float64
}

// OnTimeShare is OnTime / Observed, 0 without observations.
func (r QualityRow) OnTimeShare() float64 {
	if r.Observed == 0 {
		return 0
	}
	return float64(r.OnTime) / float64(r.Observed)
}

// OnTimePercent is OnTimeShare in per cent, for the page.
func (r QualityRow) OnTimePercent() float64 { return r.OnTimeShare() * 100 }

// MissedPercent is Missed / Scheduled in per cent.
func (r QualityRow) MissedPercent() float64 {
	if r.Scheduled == 0 {
		return 0
	}
	return float64(r.Missed) / float64(r.Scheduled) * 100
}

// EWTMinutes is EWT in minutes.
func (r QualityRow) EWTMinutes() float64 { return r.EWT / 60 }

// Quality is the punctuality report of a municipality's network.
type Quality struct {
	Network
	From, To time.Time // local service dates, both included
	Grain    string
	Routes   []QualityRow
	Agencies []QualityRow
}

// qTrip is a scheduled trip of one service day.
type qTrip struct {
	id, route, agency string
	dir               int
	stops             []tripStop
}

// qEvent is an observed stop event, unix milliseconds.
type qEvent struct{ sched, seen int64 }

type tripSeq struct {
	trip string
	seq  int
}

// qDay is what one service day's measures are computed from.
type qDay struct {
	date      time.Time // local midnight
	base      time.Time // the service day's start (noon minus 12 h)
	trips     []qTrip   // scheduled on the day
	obs       map[tripSeq]qEvent
	cancelled map[string]bool
}

type qKey struct{ period, kind, id string }

// measure computes the rows per route and per agency, in periods of the
// grain, counting as due the trips whose last scheduled stop is not after
// now. names maps "route:ID" and "agency:ID" to display names.
func measure(days []qDay, grain string, now time.Time, names map[string]string) (routes, agencies []QualityRow) {
	rows := map[qKey]*QualityRow{}
	row := func(period, kind, id string) *QualityRow {
		k := qKey{period, kind, id}
		r := rows[k]
		if r == nil {
			r = &QualityRow{Period: period, Kind: kind, ID: id, Name: names[kind+":"+id]}
			if r.Name == "" {
				r.Name = id
			}
			rows[k] = r
		}
		return r
	}
	type lineStop struct {
		route string
		dir   int
		stop  string
	}
	// The day's scheduled and observed times at each line stop. The maps
	// and their slices are emptied, not made anew, for each day: a year's
	// report reuses one day's worth of memory.
	at := map[lineStop][]int64{}
	seen := map[lineStop][]int64{}
	agencyOf := map[string]string{}
	nowMs := now.UnixMilli()
	for _, d := range days {
		period := d.date.Format("2006-01-02")
		if grain == GrainMonth {
			period = d.date.Format("2006-01")
		}
		for ls := range at {
			at[ls] = at[ls][:0]
		}
		for ls := range seen {
			seen[ls] = seen[ls][:0]
		}
		for _, t := range d.trips {
			agencyOf[t.route] = t.agency
			rr, ar := row(period, "route", t.route), row(period, "agency", t.agency)
			observed := false
			for _, s := range t.stops {
				ls := lineStop{t.route, t.dir, s.stop}
				sched := d.base.Add(time.Duration(s.sec) * time.Second).UnixMilli()
				if sched <= nowMs {
					at[ls] = append(at[ls], sched)
				}
				e, ok := d.obs[tripSeq{t.id, s.seq}]
				if !ok {
					continue
				}
				observed = true
				seen[ls] = append(seen[ls], e.seen)
				delay := (e.seen - e.sched) / 1000
				for _, r := range []*QualityRow{rr, ar} {
					r.Observed++
					switch {
					case delay < OnTimeEarly:
						r.Early++
					case delay > OnTimeLate:
						r.Late++
					default:
						r.OnTime++
					}
				}
			}
			if len(t.stops) == 0 || d.base.Add(time.Duration(t.stops[len(t.stops)-1].sec)*time.Second).After(now) {
				continue // not due yet
			}
			for _, r := range []*QualityRow{rr, ar} {
				r.Scheduled++
				if d.cancelled[t.id] {
					r.Cancelled++
					r.Missed++
				} else if !observed {
					r.Missed++
				}
			}
		}
		for ls, sched := range at {
			swt, span, ok := meanWait(sched)
			if !ok || span/float64(len(sched)-1) > FrequentHeadway {
				continue
			}
			rr, ar := row(period, "route", ls.route), row(period, "agency", agencyOf[ls.route])
			rr.Frequent, ar.Frequent = true, true
			awt, _, ok := meanWait(seen[ls])
			if !ok {
				continue // no observed headway at this stop
			}
			for _, r := range []*QualityRow{rr, ar} {
				r.ewtSum += (awt - swt) * span
				r.ewtW += span
			}
		}
	}
	for _, r := range rows {
		if r.ewtW > 0 {
			r.EWT = r.ewtSum / r.ewtW
		}
		if r.Kind == "route" {
			routes = append(routes, *r)
		} else {
			agencies = append(agencies, *r)
		}
	}
	for _, rs := range [][]QualityRow{routes, agencies} {
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Period != rs[j].Period {
				return rs[i].Period < rs[j].Period
			}
			return rs[i].Name < rs[j].Name
		})
	}
	return routes, agencies
}

// meanWait is the average wait of a passenger turning up at random
// between the first and last of the times (ms): Σh² / (2 Σh) in seconds,
// with the span Σh; false with fewer than two distinct times. It sorts
// times in place.
func meanWait(ts []int64) (wait, span float64, ok bool) {
	if len(ts) < 2 {
		return 0, 0, false
	}
	slices.Sort(ts)
	var sum, sq float64
	for i := 1; i < len(ts); i++ {
		h := float64(ts[i]-ts[i-1]) / 1000
		sum += h
		sq += h * h
	}
	if sum == 0 {
		return 0, 0, false
	}
	return sq / (2 * sum), sum, true
}

// Quality reports punctuality per route and carrier of the municipality
// at slug for the service dates from..to (its zone, both included), by
// day or month, to its staff (an operator or higher).
func (s *Service) Quality(ctx context.Context, slug string, from, to time.Time, grain string) (Quality, error) {
	n, err := s.network(ctx, slug)
	if err != nil {
		return Quality{Network: n}, err
	}
	if !auth.From(ctx).Can(auth.RoleOperator, n.Municipality.Path) {
		return Quality{}, forbidden()
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, n.Zone)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, n.Zone)
	if grain != GrainDay && grain != GrainMonth || to.Before(from) || to.Sub(from) > MaxQualityDays*24*time.Hour {
		return Quality{}, invalidFeed("transport.quality.error.range")
	}
	q := Quality{Network: n, From: from, To: to, Grain: grain}
	cal, err := s.st.calendar(ctx, &s.cals, n.Feed.No)
	if err != nil {
		return q, err
	}
	trips, names, err := s.st.qualityTrips(ctx, n.Feed.No)
	if err != nil {
		return q, err
	}
	obs, cancelled, err := s.st.qualityObservations(ctx, n.Municipality.ID, from.Format("20060102"), to.Format("20060102"))
	if err != nil {
		return q, err
	}
	var days []qDay
	// Days running the same services share one list of trips: a year has
	// a handful of distinct service patterns, not 365.
	byServices := map[string][]qTrip{}
	for d := from; !d.After(to); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, n.Zone) {
		date := d.Format("20060102")
		day := qDay{date: d, base: serviceDayStart(d, n.Zone), obs: obs[date], cancelled: cancelled[date]}
		active := cal.Active(d)
		ids := make([]string, 0, len(active))
		for id, on := range active {
			if on {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		key := strings.Join(ids, "\x00")
		dayTrips, ok := byServices[key]
		if !ok {
			for _, t := range trips {
				if active[t.service] {
					dayTrips = append(dayTrips, t.qTrip)
				}
			}
			byServices[key] = dayTrips
		}
		day.trips = dayTrips
		days = append(days, day)
	}
	q.Routes, q.Agencies = measure(days, grain, s.now(), names)
	return q, nil
}

type serviceTrip struct {
	qTrip
	service string
}

// qualityTrips reads the feed's trips with fixed times (frequency trips
// are left out) and their stops, and the names of routes and agencies.
func (s *store) qualityTrips(ctx context.Context, feedNo int64) ([]serviceTrip, map[string]string, error) {
	names := map[string]string{}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT 'route:' || route_id, CASE WHEN short_name <> '' THEN short_name ELSE long_name END
		FROM transport_routes WHERE feed_id = $1
		UNION ALL SELECT 'agency:' || agency_id, name FROM transport_agencies WHERE feed_id = $1`, feedNo)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return nil, nil, err
		}
		names[k] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = s.db.R(ctx).QueryContext(ctx, `SELECT t.trip_id, t.route_id, r.agency_id, COALESCE(t.direction_id, 0), t.service_id,
		st.seq, st.stop_id, COALESCE(st.departure, st.arrival)
		FROM transport_trips t
		JOIN transport_routes r ON r.feed_id = t.feed_id AND r.route_id = t.route_id
		JOIN transport_stop_times st ON st.feed_id = t.feed_id AND st.trip_id = t.trip_id
		WHERE t.feed_id = $1 AND COALESCE(st.departure, st.arrival) IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM transport_frequencies f WHERE f.feed_id = t.feed_id AND f.trip_id = t.trip_id)
		ORDER BY t.trip_id, st.seq`, feedNo)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []serviceTrip
	for rows.Next() {
		var t serviceTrip
		var ts tripStop
		if err := rows.Scan(&t.id, &t.route, &t.agency, &t.dir, &t.service, &ts.seq, &ts.stop, &ts.sec); err != nil {
			return nil, nil, err
		}
		if n := len(out); n > 0 && out[n-1].id == t.id {
			out[n-1].stops = append(out[n-1].stops, ts)
			continue
		}
		t.stops = []tripStop{ts}
		out = append(out, t)
	}
	return out, names, rows.Err()
}

// qualityObservations reads the tenant's observations and cancellations
// for service dates from..to (YYYYMMDD), by date.
func (s *store) qualityObservations(ctx context.Context, tenant, from, to string) (map[string]map[tripSeq]qEvent, map[string]map[string]bool, error) {
	obs := map[string]map[tripSeq]qEvent{}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT service_date, trip_id, seq, scheduled_ms, observed_ms FROM transport_observations
		WHERE tenant_id = $1 AND service_date >= $2 AND service_date <= $3`, tenant, from, to)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var date string
		var k tripSeq
		var e qEvent
		if err := rows.Scan(&date, &k.trip, &k.seq, &e.sched, &e.seen); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if obs[date] == nil {
			obs[date] = map[tripSeq]qEvent{}
		}
		obs[date][k] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	cancelled := map[string]map[string]bool{}
	rows, err = s.db.R(ctx).QueryContext(ctx, `SELECT service_date, trip_id FROM transport_cancellations
		WHERE tenant_id = $1 AND service_date >= $2 AND service_date <= $3`, tenant, from, to)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var date, trip string
		if err := rows.Scan(&date, &trip); err != nil {
			return nil, nil, err
		}
		if cancelled[date] == nil {
			cancelled[date] = map[string]bool{}
		}
		cancelled[date][trip] = true
	}
	return obs, cancelled, rows.Err()
}
