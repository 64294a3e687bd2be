package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// MaxRealtimeBytes bounds one pushed GTFS-Realtime message.
const MaxRealtimeBytes = 4 << 20

// realtimeTTL is how long a trip update or a vehicle position counts:
// older ones say nothing about now.
const realtimeTTL = 30 * time.Minute

// RealtimeResult is what one GTFS-Realtime message changed.
type RealtimeResult struct {
	Trips    int
	Vehicles int
}

// Vehicle is a vehicle's last reported position.
type Vehicle struct {
	ID, Label       string
	TripID, RouteID string
	Lat, Lon        float64
	Bearing         *float64
	Speed           *float64 // metres per second
	ObservedAt      time.Time
}

// tripDelay is a trip's latest realtime state.
type tripDelay struct {
	startDate string
	delay     *int
	updates   [][2]int // stop_sequence, delay
	canceled  bool
}

// at is the delay at stop sequence seq: the last update at or before it,
// else the trip's own delay.
func (d tripDelay) at(seq int) (int, bool) {
	for i := len(d.updates) - 1; i >= 0; i-- {
		if d.updates[i][0] <= seq {
			return d.updates[i][1], true
		}
	}
	if d.delay != nil {
		return *d.delay, true
	}
	return 0, false
}

// IngestRealtime takes a GTFS-Realtime FeedMessage (TripUpdates and
// VehiclePositions) for the municipality: an operator of it, or a machine
// with such a grant, may push. Delays are read from the delay fields;
// trips marked CANCELED are kept as cancelled.
func (s *Service) IngestRealtime(ctx context.Context, municipalityID string, body []byte) (RealtimeResult, error) {
	m, err := s.operate(ctx, municipalityID)
	if err != nil {
		return RealtimeResult{}, err
	}
	var msg gtfs.FeedMessage
	if err := proto.Unmarshal(body, &msg); err != nil || msg.GetHeader() == nil {
		return RealtimeResult{}, &fault.Error{Kind: fault.ErrInvalid, Type: "gtfs-rt-invalid", Key: "transport.error.realtime", Err: ErrInvalid}
	}
	return s.ingestMessage(ctx, m, &msg)
}

// ingestMessage stores a decoded message for the municipality: the live
// state of its trips and vehicles, and what service quality records.
func (s *Service) ingestMessage(ctx context.Context, m Municipality, msg *gtfs.FeedMessage) (RealtimeResult, error) {
	now := db.Millis(s.now())
	obs, err := s.observer(ctx, m, msg.GetHeader().GetTimestamp())
	if err != nil {
		return RealtimeResult{}, err
	}
	var res RealtimeResult
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		q := s.db.Q(ctx)
		for _, e := range msg.GetEntity() {
			if tu := e.GetTripUpdate(); tu != nil && tu.GetTrip().GetTripId() != "" {
				if err := upsertTrip(ctx, q, m.ID, tu, now); err != nil {
					return err
				}
				if obs != nil {
					if err := obs.tripUpdate(ctx, q, tu); err != nil {
						return err
					}
				}
				res.Trips++
			}
			if vp := e.GetVehicle(); vp != nil && vp.GetPosition() != nil {
				if err := upsertVehicle(ctx, q, m.ID, e.GetId(), vp, msg.GetHeader().GetTimestamp(), now); err != nil {
					return err
				}
				if obs != nil {
					if err := obs.vehicle(ctx, q, vp, msg.GetHeader().GetTimestamp()); err != nil {
						return err
					}
				}
				res.Vehicles++
			}
		}
		return nil
	})
	return res, err
}

// operate returns the municipality if the actor in ctx may feed its
// realtime data: an operator of it, or higher.
func (s *Service) operate(ctx context.Context, municipalityID string) (Municipality, error) {
	m, err := s.places.Municipality(ctx, municipalityID)
	if err != nil {
		return m, err
	}
	if !auth.From(ctx).Can(auth.RoleOperator, m.Path) {
		return m, forbidden()
	}
	return m, nil
}

func upsertTrip(ctx context.Context, q db.Querier, tenant string, tu *gtfs.TripUpdate, now int64) error {
	var ups [][2]int
	for _, u := range tu.GetStopTimeUpdate() {
		ev := u.GetDeparture()
		if ev == nil {
			ev = u.GetArrival()
		}
		if ev != nil && u.StopSequence != nil && ev.Delay != nil {
			ups = append(ups, [2]int{int(u.GetStopSequence()), int(ev.GetDelay())})
		}
	}
	b, _ := json.Marshal(ups)
	var delay any
	if tu.Delay != nil {
		delay = int(tu.GetDelay())
	}
	canceled := 0
	if tu.GetTrip().GetScheduleRelationship() == gtfs.TripDescriptor_CANCELED {
		canceled = 1
	}
	_, err := q.ExecContext(ctx, `INSERT INTO transport_rt_trips (tenant_id, trip_id, start_date, delay, updates, canceled, updated_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (tenant_id, trip_id, start_date) DO UPDATE SET delay = excluded.delay, updates = excluded.updates,
		canceled = excluded.canceled, updated_ms = excluded.updated_ms`,
		tenant, tu.GetTrip().GetTripId(), tu.GetTrip().GetStartDate(), delay, string(b), canceled, now)
	if err != nil {
		return fmt.Errorf("transport: realtime trip: %w", err)
	}
	return nil
}

func upsertVehicle(ctx context.Context, q db.Querier, tenant, entityID string, vp *gtfs.VehiclePosition, headerTS uint64, now int64) error {
	id := vp.GetVehicle().GetId()
	if id == "" {
		id = entityID
	}
	ts := vp.GetTimestamp()
	if ts == 0 {
		ts = headerTS
	}
	var bearing, speed any
	if vp.GetPosition().Bearing != nil {
		bearing = float64(vp.GetPosition().GetBearing())
	}
	if vp.GetPosition().Speed != nil {
		speed = float64(vp.GetPosition().GetSpeed())
	}
	_, err := q.ExecContext(ctx, `INSERT INTO transport_rt_vehicles (tenant_id, vehicle_id, label, trip_id, route_id, lat, lon, bearing, speed, observed_ms, updated_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (tenant_id, vehicle_id) DO UPDATE SET label = excluded.label, trip_id = excluded.trip_id,
		route_id = excluded.route_id, lat = excluded.lat, lon = excluded.lon, bearing = excluded.bearing,
		speed = excluded.speed, observed_ms = excluded.observed_ms, updated_ms = excluded.updated_ms`,
		tenant, id, vp.GetVehicle().GetLabel(), vp.GetTrip().GetTripId(), vp.GetTrip().GetRouteId(),
		float64(vp.GetPosition().GetLatitude()), float64(vp.GetPosition().GetLongitude()), bearing, speed, int64(ts)*1000, now)
	if err != nil {
		return fmt.Errorf("transport: realtime vehicle: %w", err)
	}
	return nil
}

// delays reads the tenant's trip updates newer than since, by trip id
// and start date.
func (s *store) delays(ctx context.Context, tenant string, since int64) (map[[2]string]tripDelay, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT trip_id, start_date, delay, updates, canceled FROM transport_rt_trips
		WHERE tenant_id = $1 AND updated_ms >= $2`, tenant, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]string]tripDelay{}
	for rows.Next() {
		var trip, updates string
		var d tripDelay
		var delay *int
		var canceled int
		if err := rows.Scan(&trip, &d.startDate, &delay, &updates, &canceled); err != nil {
			return nil, err
		}
		d.delay, d.canceled = delay, canceled == 1
		if err := json.Unmarshal([]byte(updates), &d.updates); err != nil {
			return nil, err
		}
		out[[2]string{trip, d.startDate}] = d
	}
	return out, rows.Err()
}

// vehicles reads the tenant's vehicles seen since.
func (s *store) vehicles(ctx context.Context, tenant string, since int64) ([]Vehicle, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT vehicle_id, label, trip_id, route_id, lat, lon, bearing, speed, observed_ms
		FROM transport_rt_vehicles WHERE tenant_id = $1 AND updated_ms >= $2 ORDER BY vehicle_id`, tenant, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Vehicle
	for rows.Next() {
		var v Vehicle
		var ms int64
		if err := rows.Scan(&v.ID, &v.Label, &v.TripID, &v.RouteID, &v.Lat, &v.Lon, &v.Bearing, &v.Speed, &ms); err != nil {
			return nil, err
		}
		v.ObservedAt = db.Time(ms)
		out = append(out, v)
	}
	return out, rows.Err()
}

// applyRealtime sets each departure's delay from fresh trip updates.
func (s *Service) applyRealtime(ctx context.Context, tenant string, deps []Departure) error {
	if len(deps) == 0 {
		return nil
	}
	ds, err := s.st.delays(ctx, tenant, db.Millis(s.now().Add(-realtimeTTL)))
	if err != nil || len(ds) == 0 {
		return err
	}
	for i := range deps {
		d := &deps[i]
		td, ok := ds[[2]string{d.TripID, d.ServiceDate.Format("20060102")}]
		if !ok {
			td, ok = ds[[2]string{d.TripID, ""}]
		}
		if !ok || d.Frequency && td.startDate == "" {
			continue // a frequency trip's update names its start; without one it is ambiguous
		}
		d.Realtime, d.Canceled = true, td.canceled
		if delay, ok := td.at(d.Seq); ok {
			d.Delay = delay
		}
	}
	return nil
}

// RealtimeFeed is the municipality's GTFS-Realtime feed as muni knows it
// now: its trip updates and vehicle positions, encoded.
func (s *Service) RealtimeFeed(ctx context.Context, slug string) ([]byte, error) {
	m, err := s.places.MunicipalityBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	now := s.now()
	since := db.Millis(now.Add(-realtimeTTL))
	ds, err := s.st.delays(ctx, m.ID, since)
	if err != nil {
		return nil, err
	}
	vs, err := s.st.vehicles(ctx, m.ID, since)
	if err != nil {
		return nil, err
	}
	msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"),
		Incrementality: gtfs.FeedHeader_FULL_DATASET.Enum(), Timestamp: proto.Uint64(uint64(now.Unix()))}}
	for key, d := range ds {
		tu := &gtfs.TripUpdate{Trip: &gtfs.TripDescriptor{TripId: proto.String(key[0])}}
		if key[1] != "" {
			tu.Trip.StartDate = proto.String(key[1])
		}
		if d.canceled {
			tu.Trip.ScheduleRelationship = gtfs.TripDescriptor_CANCELED.Enum()
		}
		if d.delay != nil {
			tu.Delay = proto.Int32(int32(*d.delay))
		}
		for _, u := range d.updates {
			tu.StopTimeUpdate = append(tu.StopTimeUpdate, &gtfs.TripUpdate_StopTimeUpdate{StopSequence: proto.Uint32(uint32(u[0])),
				Departure: &gtfs.TripUpdate_StopTimeEvent{Delay: proto.Int32(int32(u[1]))}})
		}
		msg.Entity = append(msg.Entity, &gtfs.FeedEntity{Id: proto.String("trip:" + key[0] + ":" + key[1]), TripUpdate: tu})
	}
	for _, v := range vs {
		vp := &gtfs.VehiclePosition{Vehicle: &gtfs.VehicleDescriptor{Id: proto.String(v.ID)},
			Position:  &gtfs.Position{Latitude: proto.Float32(float32(v.Lat)), Longitude: proto.Float32(float32(v.Lon))},
			Timestamp: proto.Uint64(uint64(v.ObservedAt.Unix()))}
		if v.Label != "" {
			vp.Vehicle.Label = proto.String(v.Label)
		}
		vp.Trip = vehicleTrip(v.TripID, v.RouteID)
		if v.Bearing != nil {
			vp.Position.Bearing = proto.Float32(float32(*v.Bearing))
		}
		if v.Speed != nil {
			vp.Position.Speed = proto.Float32(float32(*v.Speed))
		}
		msg.Entity = append(msg.Entity, &gtfs.FeedEntity{Id: proto.String("vehicle:" + v.ID), Vehicle: vp})
	}
	sortEntities(msg.Entity)
	return proto.Marshal(msg)
}

// sortEntities orders a feed's entities by id, so the same state encodes
// to the same bytes.
func sortEntities(es []*gtfs.FeedEntity) {
	sort.Slice(es, func(i, j int) bool { return es[i].GetId() < es[j].GetId() })
}

// vehicleTrip is a vehicle position's trip descriptor: nil when neither
// the trip nor the route is known.
func vehicleTrip(tripID, routeID string) *gtfs.TripDescriptor {
	if tripID == "" && routeID == "" {
		return nil
	}
	td := &gtfs.TripDescriptor{}
	if tripID != "" {
		td.TripId = proto.String(tripID)
	}
	if routeID != "" {
		td.RouteId = proto.String(routeID)
	}
	return td
}
