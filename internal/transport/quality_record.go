package transport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Observation sources.
const (
	sourceTripUpdate = "trip_update"
	sourceVehicle    = "vehicle"
)

// observer records, from one GTFS-Realtime message, what service quality
// needs: the stop events that already happened and the trips cancelled.
// It resolves trips against the municipality's active feed; without one
// it records nothing.
type observer struct {
	s      *Service
	tenant string
	feed   int64
	zone   *time.Location
	at     time.Time // when the message says it was made
	trips  map[string]*observedTrip
}

// observedTrip is a trip's timetable as the recorder needs it.
type observedTrip struct {
	route     string
	frequency bool
	stops     []tripStop // by seq
}

type tripStop struct {
	seq      int
	stop     string
	sec      int // departure, else arrival: seconds after the service day's start
	lat, lon *float64
}

// NearStop is how close (metres, straight line) a vehicle position must
// be to a stop of its trip to count as the vehicle at that stop when the
// position does not say STOPPED_AT.
const NearStop = 30.0

// observer returns nil when the municipality has no active feed.
func (s *Service) observer(ctx context.Context, m Municipality, headerTS uint64) (*observer, error) {
	f, err := s.st.activeFeed(ctx, m.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	loc, ok := LoadZone(f.Info.TimeZone)
	if !ok {
		if loc, ok = LoadZone(m.TimeZone); !ok {
			loc = time.UTC
		}
	}
	at := s.now()
	if headerTS > 0 {
		at = time.Unix(int64(headerTS), 0)
	}
	return &observer{s: s, tenant: m.ID, feed: f.No, zone: loc, at: at, trips: map[string]*observedTrip{}}, nil
}

// trip reads a trip's stops from the active feed; nil when unknown.
func (o *observer) trip(ctx context.Context, id string) (*observedTrip, error) {
	if t, ok := o.trips[id]; ok {
		return t, nil
	}
	q := o.s.db.R(ctx)
	t := &observedTrip{}
	var freq int
	err := q.QueryRowContext(ctx, `SELECT route_id, (SELECT COUNT(*) FROM transport_frequencies f WHERE f.feed_id = t.feed_id AND f.trip_id = t.trip_id)
		FROM transport_trips t WHERE feed_id = $1 AND trip_id = $2`, o.feed, id).Scan(&t.route, &freq)
	if errors.Is(err, sql.ErrNoRows) {
		o.trips[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.frequency = freq > 0
	rows, err := q.QueryContext(ctx, `SELECT st.seq, st.stop_id, COALESCE(st.departure, st.arrival), s.lat, s.lon
		FROM transport_stop_times st LEFT JOIN transport_stops s ON s.feed_id = st.feed_id AND s.stop_id = st.stop_id
		WHERE st.feed_id = $1 AND st.trip_id = $2 AND COALESCE(st.departure, st.arrival) IS NOT NULL ORDER BY st.seq`, o.feed, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ts tripStop
		if err := rows.Scan(&ts.seq, &ts.stop, &ts.sec, &ts.lat, &ts.lon); err != nil {
			return nil, err
		}
		t.stops = append(t.stops, ts)
	}
	o.trips[id] = t
	return t, rows.Err()
}

// serviceDay is the trip descriptor's start date, or the day the message
// was made in the feed's zone when it names none.
func (o *observer) serviceDay(td *gtfs.TripDescriptor) (time.Time, bool) {
	if sd := td.GetStartDate(); sd != "" {
		d, err := time.ParseInLocation("20060102", sd, o.zone)
		return d, err == nil
	}
	l := o.at.In(o.zone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, o.zone), true
}

// find is the trip's stop by sequence, else by stop id.
func (t *observedTrip) find(seq *uint32, stopID string) (tripStop, bool) {
	for _, s := range t.stops {
		if seq != nil && s.seq == int(*seq) || seq == nil && stopID != "" && s.stop == stopID {
			return s, true
		}
	}
	return tripStop{}, false
}

// tripUpdate records a cancellation, or the trip's stop events whose
// time (given, or the timetable plus the delay) is not after the moment
// the message was made: those happened, later ones are predictions.
func (o *observer) tripUpdate(ctx context.Context, q db.Querier, tu *gtfs.TripUpdate) error {
	td := tu.GetTrip()
	t, err := o.trip(ctx, td.GetTripId())
	if err != nil || t == nil || t.frequency {
		return err // unknown trips and frequency trips (no fixed times) are not measured
	}
	day, ok := o.serviceDay(td)
	if !ok {
		return nil
	}
	date := day.Format("20060102")
	if td.GetScheduleRelationship() == gtfs.TripDescriptor_CANCELED {
		_, err := q.ExecContext(ctx, `INSERT INTO transport_cancellations (tenant_id, service_date, trip_id, route_id, reported_ms)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, service_date, trip_id) DO UPDATE SET reported_ms = excluded.reported_ms`,
			o.tenant, date, td.GetTripId(), t.route, db.Millis(o.at))
		if err != nil {
			return fmt.Errorf("transport: cancellation: %w", err)
		}
		return nil
	}
	// A trip running again is no longer cancelled.
	if _, err := q.ExecContext(ctx, `DELETE FROM transport_cancellations WHERE tenant_id = $1 AND service_date = $2 AND trip_id = $3`,
		o.tenant, date, td.GetTripId()); err != nil {
		return err
	}
	base := serviceDayStart(day, o.zone)
	for _, u := range tu.GetStopTimeUpdate() {
		if u.GetScheduleRelationship() != gtfs.TripUpdate_StopTimeUpdate_SCHEDULED {
			continue // SKIPPED or NO_DATA: nothing observed
		}
		ts, ok := t.find(u.StopSequence, u.GetStopId())
		if !ok {
			continue
		}
		ev := u.GetDeparture()
		if ev == nil || ev.Time == nil && ev.Delay == nil {
			ev = u.GetArrival()
		}
		if ev == nil {
			continue
		}
		sched := base.Add(time.Duration(ts.sec) * time.Second)
		var seen time.Time
		switch {
		case ev.Time != nil:
			seen = time.Unix(ev.GetTime(), 0)
		case ev.Delay != nil:
			seen = sched.Add(time.Duration(ev.GetDelay()) * time.Second)
		default:
			continue
		}
		if seen.After(o.at) {
			continue
		}
		if err := o.record(ctx, q, date, td.GetTripId(), t.route, ts, sched, seen, sourceTripUpdate); err != nil {
			return err
		}
	}
	return nil
}

// vehicle records a vehicle at a stop of its trip at the position's
// time: STOPPED_AT the stop it names, else within NearStop of one; the
// last such report is kept, closest to departure.
func (o *observer) vehicle(ctx context.Context, q db.Querier, vp *gtfs.VehiclePosition, headerTS uint64) error {
	if vp.GetTrip().GetTripId() == "" {
		return nil
	}
	t, err := o.trip(ctx, vp.GetTrip().GetTripId())
	if err != nil || t == nil || t.frequency {
		return err
	}
	var ts tripStop
	ok := false
	if vp.GetCurrentStatus() == gtfs.VehiclePosition_STOPPED_AT && (vp.CurrentStopSequence != nil || vp.GetStopId() != "") {
		ts, ok = t.find(vp.CurrentStopSequence, vp.GetStopId())
	} else if p := vp.GetPosition(); p != nil {
		best := NearStop
		for _, st := range t.stops {
			if st.lat == nil || st.lon == nil {
				continue
			}
			if d := Distance(float64(p.GetLatitude()), float64(p.GetLongitude()), *st.lat, *st.lon); d <= best {
				ts, ok, best = st, true, d
			}
		}
	}
	if !ok {
		return nil
	}
	day, ok := o.serviceDay(vp.GetTrip())
	if !ok {
		return nil
	}
	at := vp.GetTimestamp()
	if at == 0 {
		at = headerTS
	}
	if at == 0 {
		return nil
	}
	sched := serviceDayStart(day, o.zone).Add(time.Duration(ts.sec) * time.Second)
	return o.record(ctx, q, day.Format("20060102"), vp.GetTrip().GetTripId(), t.route, ts, sched, time.Unix(int64(at), 0), sourceVehicle)
}

func (o *observer) record(ctx context.Context, q db.Querier, date, trip, route string, ts tripStop, sched, seen time.Time, source string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO transport_observations (tenant_id, service_date, trip_id, seq, stop_id, route_id, scheduled_ms, observed_ms, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id, service_date, trip_id, seq) DO UPDATE SET observed_ms = excluded.observed_ms,
		scheduled_ms = excluded.scheduled_ms, source = excluded.source`,
		o.tenant, date, trip, ts.seq, ts.stop, route, db.Millis(sched), db.Millis(seen), source)
	if err != nil {
		return fmt.Errorf("transport: observation: %w", err)
	}
	return nil
}
