package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/mqtt"
)

// Vehicle positions over MQTT: a vehicle (or a fleet gateway) publishes
// one JSON position per message to
//
//	muni/<municipality>/v1/vehicles/<vehicle>/position
//
// where municipality is the slug or id and vehicle the vehicle's id, as
// GTFS-Realtime's VehicleDescriptor.id. The payload:
//
//	{"lat": 55.75, "lon": 37.61, "bearing": 90, "speed": 8.3,
//	 "timestamp": 1764210000, "trip_id": "T1", "route_id": "R1",
//	 "start_date": "20261127", "label": "А 123 ВС", "stop_id": "S1",
//	 "status": "stopped_at"}
//
// lat and lon are required (WGS 84 degrees); bearing is degrees clockwise
// from north, speed metres per second; timestamp is Unix seconds or RFC
// 3339 (default: when the message arrives) and may be at most five
// minutes ahead and thirty minutes old; status is stopped_at,
// in_transit_to or incoming_at. Other fields are refused, so a misspelt
// one ("lng") is noticed. Each position feeds the same live state as a
// GTFS-Realtime VehiclePositions message: the live map, the published
// feed and the punctuality records.

// VehicleTopicFilter matches every vehicle's position topic.
const VehicleTopicFilter = "muni/+/v1/vehicles/+/position"

// MaxClockAhead is how far ahead of muni's clock a position's timestamp
// may be.
const MaxClockAhead = 5 * time.Minute

// FleetUser is the MQTT user name of a gateway that reports a whole
// fleet: its API key may publish for any vehicle of the municipalities it
// operates. Any other user name is the one vehicle the connection speaks
// for.
const FleetUser = "*"

// parseVehicleTopic splits a position topic.
func parseVehicleTopic(topic string) (muni, vehicle string, ok bool) {
	p := strings.Split(topic, "/")
	if len(p) != 6 || p[0] != "muni" || p[2] != "v1" || p[3] != "vehicles" || p[5] != "position" || p[1] == "" || p[4] == "" {
		return "", "", false
	}
	return p[1], p[4], true
}

// mqttState is the service's MQTT bookkeeping: municipalities resolved
// from topics, and the counter of bad messages.
type mqttState struct {
	once  sync.Once
	bad   *prometheus.CounterVec // by vehicle and problem
	munis sync.Map               // topic name -> Municipality
}

func (m *mqttState) counter() *prometheus.CounterVec {
	m.once.Do(func() {
		m.bad = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "muni_transport_mqtt_bad_messages_total",
			Help: "MQTT vehicle positions that were refused, by vehicle and problem (topic, municipality, payload, position, bearing, speed, timestamp, status).",
		}, []string{"vehicle", "problem"})
	})
	return m.bad
}

// RegisterMetrics exports the MQTT counters on reg.
func (s *Service) RegisterMetrics(reg prometheus.Registerer) error {
	return reg.Register(s.mq.counter())
}

// resolveTopicMuni finds a topic's municipality by slug, then id.
func (s *Service) resolveTopicMuni(ctx context.Context, name string) (Municipality, error) {
	if v, ok := s.mq.munis.Load(name); ok {
		return v.(Municipality), nil
	}
	m, err := s.places.MunicipalityBySlug(ctx, name)
	if errors.Is(err, fault.ErrNotFound) {
		m, err = s.places.Municipality(ctx, name)
	}
	if err != nil {
		return m, err
	}
	s.mq.munis.Store(name, m)
	return m, nil
}

// mqttPosition is one position message.
type mqttPosition struct {
	Lat          *float64        `json:"lat"`
	Lon          *float64        `json:"lon"`
	Bearing      *float64        `json:"bearing"`
	Speed        *float64        `json:"speed"`
	Timestamp    json.RawMessage `json:"timestamp"`
	TripID       string          `json:"trip_id"`
	RouteID      string          `json:"route_id"`
	StartDate    string          `json:"start_date"`
	Label        string          `json:"label"`
	StopID       string          `json:"stop_id"`
	StopSequence *uint32         `json:"stop_sequence"`
	Status       string          `json:"status"`
}

// badPosition is a refused message: which check it failed, and why.
type badPosition struct {
	problem string
	err     error
}

func (e *badPosition) Error() string { return e.problem + ": " + e.err.Error() }

func refuse(problem, format string, args ...any) error {
	return &badPosition{problem: problem, err: fmt.Errorf(format, args...)}
}

// vehiclePosition checks a payload and turns it into a GTFS-Realtime
// vehicle position of vehicle, now being the arrival time.
func vehiclePosition(vehicle string, payload []byte, now time.Time) (*gtfs.VehiclePosition, error) {
	var p mqttPosition
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, refuse("payload", "not a position object: %v", err)
	}
	if dec.More() {
		return nil, refuse("payload", "more than one JSON value")
	}
	if p.Lat == nil || p.Lon == nil {
		return nil, refuse("position", "lat and lon are required")
	}
	if *p.Lat < -90 || *p.Lat > 90 || *p.Lon < -180 || *p.Lon > 180 || (*p.Lat == 0 && *p.Lon == 0) {
		return nil, refuse("position", "lat %v, lon %v is not a position on Earth", *p.Lat, *p.Lon)
	}
	pos := &gtfs.Position{Latitude: proto.Float32(float32(*p.Lat)), Longitude: proto.Float32(float32(*p.Lon))}
	if p.Bearing != nil {
		if *p.Bearing < 0 || *p.Bearing >= 360 {
			return nil, refuse("bearing", "bearing %v is not in [0, 360)", *p.Bearing)
		}
		pos.Bearing = proto.Float32(float32(*p.Bearing))
	}
	if p.Speed != nil {
		if *p.Speed < 0 || *p.Speed > 100 || math.IsNaN(*p.Speed) {
			return nil, refuse("speed", "speed %v m/s is not in [0, 100]", *p.Speed)
		}
		pos.Speed = proto.Float32(float32(*p.Speed))
	}
	at, err := positionTime(p.Timestamp, now)
	if err != nil {
		return nil, err
	}
	vp := &gtfs.VehiclePosition{Vehicle: &gtfs.VehicleDescriptor{Id: proto.String(vehicle)}, Position: pos,
		Timestamp: proto.Uint64(uint64(at.Unix()))}
	if p.Label != "" {
		vp.Vehicle.Label = proto.String(p.Label)
	}
	if vp.Trip = vehicleTrip(p.TripID, p.RouteID); vp.Trip != nil {
		if p.StartDate != "" {
			if _, err := time.Parse("20060102", p.StartDate); err != nil {
				return nil, refuse("payload", "start_date %q is not YYYYMMDD", p.StartDate)
			}
			vp.Trip.StartDate = proto.String(p.StartDate)
		}
	}
	if p.StopID != "" {
		vp.StopId = proto.String(p.StopID)
	}
	if p.StopSequence != nil {
		vp.CurrentStopSequence = proto.Uint32(*p.StopSequence)
	}
	switch p.Status {
	case "":
	case "stopped_at":
		vp.CurrentStatus = gtfs.VehiclePosition_STOPPED_AT.Enum()
	case "in_transit_to":
		vp.CurrentStatus = gtfs.VehiclePosition_IN_TRANSIT_TO.Enum()
	case "incoming_at":
		vp.CurrentStatus = gtfs.VehiclePosition_INCOMING_AT.Enum()
	default:
		return nil, refuse("status", "status %q is not stopped_at, in_transit_to or incoming_at", p.Status)
	}
	return vp, nil
}

// positionTime reads a timestamp: Unix seconds or RFC 3339, now when
// absent; refused when too far ahead or too old to say anything of now.
func positionTime(raw json.RawMessage, now time.Time) (time.Time, error) {
	at := now
	if len(raw) > 0 && string(raw) != "null" {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return at, refuse("timestamp", "timestamp %q is not RFC 3339", s)
			}
			at = t
		} else {
			sec, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return at, refuse("timestamp", "timestamp %s is neither Unix seconds nor RFC 3339", raw)
			}
			at = time.Unix(sec, 0)
		}
	}
	if at.After(now.Add(MaxClockAhead)) {
		return at, refuse("timestamp", "timestamp %s is ahead of the clock", at.UTC().Format(time.RFC3339))
	}
	if at.Before(now.Add(-realtimeTTL)) {
		return at, refuse("timestamp", "timestamp %s is older than %v", at.UTC().Format(time.RFC3339), realtimeTTL)
	}
	return at, nil
}

// TakeVehiclePosition stores one MQTT position message, named by its
// topic, into the live vehicle state. The broker has already checked who
// sent it. The error is only for a store that failed (the message must
// not be acknowledged); a message that is wrong is counted per vehicle
// and logged, and done.
func (s *Service) TakeVehiclePosition(ctx context.Context, topic string, payload []byte) error {
	muniName, vehicle, ok := parseVehicleTopic(topic)
	if !ok {
		s.badPosition("", topic, refuse("topic", "not %s", VehicleTopicFilter))
		return nil
	}
	m, err := s.resolveTopicMuni(ctx, muniName)
	if err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			s.badPosition(vehicle, topic, refuse("municipality", "no municipality %q", muniName))
			return nil
		}
		return err
	}
	now := s.now()
	vp, err := vehiclePosition(vehicle, payload, now)
	if err != nil {
		s.badPosition(vehicle, topic, err)
		return nil
	}
	msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"), Timestamp: proto.Uint64(vp.GetTimestamp())},
		Entity: []*gtfs.FeedEntity{{Id: proto.String("mqtt:" + vehicle), Vehicle: vp}}}
	_, err = s.ingestMessage(ctx, m, msg)
	return err
}

// badPosition counts and logs a refused message.
func (s *Service) badPosition(vehicle, topic string, err error) {
	problem := "payload"
	var bp *badPosition
	if errors.As(err, &bp) {
		problem = bp.problem
	}
	s.mq.counter().WithLabelValues(vehicle, problem).Inc()
	s.log.Warn("transport: bad MQTT vehicle position", "vehicle", vehicle, "topic", topic, "problem", problem, "err", err)
}

// KeyAuth turns an API key into the machine actor it stands for; the app
// passes the identity domain's.
type KeyAuth func(ctx context.Context, token string) (*auth.Actor, error)

// Realm is the vehicles' share of the embedded MQTT broker. A client
// connects with an API key as password that holds at least an operator's
// role over the municipality, and as user name either the vehicle it
// reports (per-vehicle credentials: the connection may publish that
// vehicle's position only) or FleetUser (a gateway: any vehicle of the
// key's municipalities).
func (s *Service) Realm(keys KeyAuth) mqtt.Realm { return vehicleRealm{s: s, keys: keys} }

type vehicleRealm struct {
	s    *Service
	keys KeyAuth
}

// vehicleClient is an admitted connection.
type vehicleClient struct {
	actor   *auth.Actor
	vehicle string // "" for a fleet gateway
}

func (r vehicleRealm) Admit(ctx context.Context, user, password string) (any, bool) {
	if user == "" || password == "" {
		return nil, false
	}
	a, err := r.keys(ctx, password)
	if err != nil || a == nil || !a.Staff() {
		return nil, false
	}
	c := vehicleClient{actor: a, vehicle: user}
	if user == FleetUser {
		c.vehicle = ""
	}
	return c, true
}

// MayPublish lets a client publish positions of its vehicle (any, for a
// gateway) in a municipality its key operates.
func (r vehicleRealm) MayPublish(ctx context.Context, client any, topic string) bool {
	c := client.(vehicleClient)
	muni, vehicle, ok := parseVehicleTopic(topic)
	if !ok || (c.vehicle != "" && vehicle != c.vehicle) {
		return false
	}
	m, err := r.s.resolveTopicMuni(ctx, muni)
	return err == nil && c.actor.Can(auth.RoleOperator, m.Path)
}

func (r vehicleRealm) Take(ctx context.Context, client any, topic string, payload []byte) error {
	return r.s.TakeVehiclePosition(auth.With(ctx, client.(vehicleClient).actor), topic, payload)
}

// SpeedKMH is the vehicle's last speed in km/h, rounded; 0 when unknown.
func (v Vehicle) SpeedKMH() int {
	if v.Speed == nil {
		return 0
	}
	return int(math.Round(*v.Speed * 3.6))
}
