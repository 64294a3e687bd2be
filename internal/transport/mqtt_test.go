package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/mqtt"
	"github.com/muni-platform/muni/internal/platform/mqtt/mqtttest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestVehiclePositionPayload(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, payload, problem string
		check                  func(*gtfs.VehiclePosition) bool
	}{
		{"minimal", `{"lat":55.75,"lon":37.61}`, "", func(v *gtfs.VehiclePosition) bool {
			return v.GetTimestamp() == uint64(now.Unix()) && v.GetVehicle().GetId() == "bus-7" && v.Trip == nil && v.Position.Speed == nil
		}},
		{"full", `{"lat":55.75,"lon":37.61,"bearing":90,"speed":8.5,"timestamp":1795769940,"trip_id":"T1","route_id":"R1",
			"start_date":"20261127","label":"А 123","stop_id":"S1","stop_sequence":3,"status":"stopped_at"}`, "", func(v *gtfs.VehiclePosition) bool {
			return v.GetTimestamp() == 1795769940 && v.GetPosition().GetBearing() == 90 && v.GetPosition().GetSpeed() == 8.5 &&
				v.GetTrip().GetTripId() == "T1" && v.GetTrip().GetRouteId() == "R1" && v.GetTrip().GetStartDate() == "20261127" &&
				v.GetVehicle().GetLabel() == "А 123" && v.GetStopId() == "S1" && v.GetCurrentStopSequence() == 3 &&
				v.GetCurrentStatus() == gtfs.VehiclePosition_STOPPED_AT
		}},
		{"rfc3339", `{"lat":55.75,"lon":37.61,"timestamp":"2026-11-27T11:58:00+03:00"}`, "", func(v *gtfs.VehiclePosition) bool {
			return v.GetTimestamp() == uint64(now.Add(-2*time.Minute).Unix())
		}},
		{"not json", `lat=55`, "payload", nil},
		{"two values", `{"lat":55.75,"lon":37.61}{}`, "payload", nil},
		{"misspelt field", `{"lat":55.75,"lng":37.61}`, "payload", nil},
		{"no lon", `{"lat":55.75}`, "position", nil},
		{"lat out of range", `{"lat":95,"lon":37.61}`, "position", nil},
		{"null island", `{"lat":0,"lon":0}`, "position", nil},
		{"bearing 360", `{"lat":55.75,"lon":37.61,"bearing":360}`, "bearing", nil},
		{"negative speed", `{"lat":55.75,"lon":37.61,"speed":-1}`, "speed", nil},
		{"future", `{"lat":55.75,"lon":37.61,"timestamp":1795770600}`, "timestamp", nil},
		{"stale", `{"lat":55.75,"lon":37.61,"timestamp":1795767000}`, "timestamp", nil},
		{"bad time text", `{"lat":55.75,"lon":37.61,"timestamp":"yesterday"}`, "timestamp", nil},
		{"bad start date", `{"lat":55.75,"lon":37.61,"trip_id":"T1","start_date":"27.11.2026"}`, "payload", nil},
		{"bad status", `{"lat":55.75,"lon":37.61,"status":"parked"}`, "status", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vp, err := vehiclePosition("bus-7", []byte(tc.payload), now)
			if tc.problem == "" {
				if err != nil || !tc.check(vp) {
					t.Fatalf("got %v, %v", vp, err)
				}
				return
			}
			var bp *badPosition
			if !errors.As(err, &bp) || bp.problem != tc.problem {
				t.Fatalf("err %v, want problem %q", err, tc.problem)
			}
		})
	}
}

// keyring stands in for the identity domain's API keys.
type keyring map[string]*auth.Actor

func (k keyring) auth(_ context.Context, token string) (*auth.Actor, error) {
	if a, ok := k[token]; ok {
		return a, nil
	}
	return nil, errors.New("bad key")
}

func machineOf(m Municipality, role auth.Role) *auth.Actor {
	return &auth.Actor{Kind: auth.Machine, ID: "key-" + m.ID, Grants: []auth.Grant{{Role: role, ScopeID: m.ID, ScopePath: m.Path}}}
}

func vehicle(t *testing.T, svc *Service, m Municipality, id string) (Vehicle, bool) {
	t.Helper()
	vs, err := svc.st.vehicles(context.Background(), m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.ID == id {
			return v, true
		}
	}
	return Vehicle{}, false
}

// TestVehiclesOverEmbeddedBroker publishes with mosquitto_pub to the
// broker inside muni: a position is in the live state, and in the
// published GTFS-Realtime feed, by the time the publish is acknowledged;
// a wrong key, a key below operator, another vehicle's or another
// municipality's topic store nothing; bad payloads are counted per
// vehicle.
func TestVehiclesOverEmbeddedBroker(t *testing.T) {
	mqtttest.Need(t)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		if err := svc.RegisterMetrics(prometheus.NewRegistry()); err != nil {
			t.Fatal(err)
		}
		keys := keyring{"key-a": machineOf(muniA, auth.RoleOperator), "key-b": machineOf(muniB, auth.RoleOperator),
			"key-a-resident": machineOf(muniA, auth.RoleResident)}
		b, err := mqtt.StartBroker("127.0.0.1:0", quietLog(), svc.Realm(keys.auth))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		topic := func(m, v string) string { return "muni/" + m + "/v1/vehicles/" + v + "/position" }

		// Per-vehicle credentials, by slug; acknowledged means stored.
		if err := mqtttest.Publish(t, b.Addr(), "bus-1", "key-a", topic("alpha", "bus-1"),
			`{"lat":55.75,"lon":37.61,"bearing":45,"speed":7.5,"trip_id":"T1","route_id":"R1","label":"А 001"}`); err != nil {
			t.Fatal(err)
		}
		v, ok := vehicle(t, svc, muniA, "bus-1")
		if !ok || v.Lat != float64(float32(55.75)) || v.RouteID != "R1" || v.TripID != "T1" || v.Label != "А 001" ||
			v.Speed == nil || *v.Speed != 7.5 || v.Bearing == nil || *v.Bearing != 45 || !v.ObservedAt.Equal(svc.now()) {
			t.Fatalf("bus-1 = %+v, %v", v, ok)
		}
		// A fleet gateway, by the municipality's id, for any of its vehicles.
		if err := mqtttest.Publish(t, b.Addr(), FleetUser, "key-a", topic(muniA.ID, "bus-2"), `{"lat":55.7,"lon":37.6}`); err != nil {
			t.Fatal(err)
		}
		if _, ok := vehicle(t, svc, muniA, "bus-2"); !ok {
			t.Fatal("the gateway's bus-2 was not stored")
		}
		// Refused: a wrong key and a resident's key cannot connect; bus-1's
		// connection may not speak for bus-3; A's key not for B.
		if err := mqtttest.Publish(t, b.Addr(), "bus-3", "nope", topic("alpha", "bus-3"), `{"lat":55.7,"lon":37.6}`); err == nil {
			t.Error("a wrong key connected")
		}
		if err := mqtttest.Publish(t, b.Addr(), "bus-3", "key-a-resident", topic("alpha", "bus-3"), `{"lat":55.7,"lon":37.6}`); err == nil {
			t.Error("a resident's key connected")
		}
		mqtttest.Publish(t, b.Addr(), "bus-1", "key-a", topic("alpha", "bus-3"), `{"lat":55.7,"lon":37.6}`)
		mqtttest.Publish(t, b.Addr(), FleetUser, "key-a", topic("beta", "bus-3"), `{"lat":55.7,"lon":37.6}`)
		if _, ok := vehicle(t, svc, muniA, "bus-3"); ok {
			t.Error("bus-3 stored in A from bus-1's connection")
		}
		if _, ok := vehicle(t, svc, muniB, "bus-3"); ok {
			t.Error("A's key stored a vehicle in B")
		}
		// Bad payloads: acknowledged (they will never get better), counted
		// per vehicle and problem, nothing changed.
		for _, p := range []string{`garbage`, `{"lat":95,"lon":37.6}`} {
			if err := mqtttest.Publish(t, b.Addr(), "bus-1", "key-a", topic("alpha", "bus-1"), p); err != nil {
				t.Fatal(err)
			}
		}
		bad := svc.mq.counter()
		if got := testutil.ToFloat64(bad.WithLabelValues("bus-1", "payload")); got != 1 {
			t.Errorf("bus-1 payload problems = %v, want 1", got)
		}
		if got := testutil.ToFloat64(bad.WithLabelValues("bus-1", "position")); got != 1 {
			t.Errorf("bus-1 position problems = %v, want 1", got)
		}
		if v2, _ := vehicle(t, svc, muniA, "bus-1"); v2.Lat != v.Lat {
			t.Errorf("a bad message moved bus-1 to %v", v2.Lat)
		}
		// The published feed carries what came over MQTT.
		body, err := svc.RealtimeFeed(context.Background(), "alpha")
		if err != nil {
			t.Fatal(err)
		}
		var msg gtfs.FeedMessage
		if err := proto.Unmarshal(body, &msg); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range msg.GetEntity() {
			if vp := e.GetVehicle(); vp != nil {
				got = append(got, fmt.Sprintf("%s %s %.1f", vp.GetVehicle().GetId(), vp.GetTrip().GetRouteId(), vp.GetPosition().GetSpeed()))
			}
		}
		if strings.Join(got, "; ") != "bus-1 R1 7.5; bus-2  0.0" {
			t.Errorf("feed vehicles %q", got)
		}
	})
}

// TestVehiclesOverExternalBroker takes positions from the Mosquitto at
// 127.0.0.1:1883 (the external broker muni uses with MUNI_MQTT_URL).
func TestVehiclesOverExternalBroker(t *testing.T) {
	mqtttest.Need(t)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		uniq := fmt.Sprintf("ext%d", time.Now().UnixNano())
		sub, err := mqtt.Subscribe(ctx, mqtt.SubscribeOptions{URL: "mqtt://127.0.0.1:1883", ClientID: "transport-test-" + uniq,
			Filter: VehicleTopicFilter, Group: uniq, SessionExpiry: time.Minute, Log: quietLog()}, svc.TakeVehiclePosition)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if err := sub.Ready(ctx); err != nil {
			t.Fatalf("no subscription from 127.0.0.1:1883: %v", err)
		}
		if err := mqtttest.Publish(t, "127.0.0.1:1883", "", "", "muni/alpha/v1/vehicles/"+uniq+"/position", `{"lat":55.75,"lon":37.61,"speed":3}`); err != nil {
			t.Fatal(err)
		}
		if err := mqtttest.Publish(t, "127.0.0.1:1883", "", "", "muni/nowhere/v1/vehicles/"+uniq+"/position", `{"lat":55.75,"lon":37.61}`); err != nil {
			t.Fatal(err)
		}
		for {
			v, ok := vehicle(t, svc, muniA, uniq)
			bad := testutil.ToFloat64(svc.mq.counter().WithLabelValues(uniq, "municipality"))
			if ok && bad == 1 {
				if v.Speed == nil || *v.Speed != 3 {
					t.Errorf("vehicle %+v", v)
				}
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("after 30 s: stored %v, unknown municipality counted %v", ok, bad)
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestVehiclePositionFeedsPunctuality: a bus stopped at a stop of its
// trip, reported over MQTT, is recorded for the punctuality report as a
// GTFS-Realtime vehicle position would be.
func TestVehiclePositionFeedsPunctuality(t *testing.T) {
	moscow, _ := time.LoadLocation("Europe/Moscow")
	var buf bytes.Buffer
	err := Generate(&buf, GenSpec{Agency: "МУП", AgencyURL: "https://example.org", TimeZone: "Europe/Moscow",
		Places: []Place{{"Альфа", 58.7, 29.8}, {"Бета", 58.75, 29.9}}, Routes: 1, StopsPerRoute: 3,
		WeekdayEvery: 10, WeekendEvery: 60, FirstMinute: 7 * 60, LastMinute: 8 * 60, StartDate: "20260101", EndDate: "20261231", SpeedKMH: 40})
	if err != nil {
		t.Fatal(err)
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		var now time.Time
		svc := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA), Now: func() time.Time { return now }, Log: quietLog()})
		f := importZip(t, svc, muniA, "gen.zip", buf.Bytes())
		if f.Status != StatusActive {
			t.Fatalf("import: %+v", f.Notices)
		}
		trips, _, err := svc.st.qualityTrips(context.Background(), f.No)
		if err != nil || len(trips) == 0 {
			t.Fatalf("trips: %d %v", len(trips), err)
		}
		var tr qTrip
		for _, x := range trips {
			if x.service == "weekday" {
				tr = x.qTrip
				break
			}
		}
		// Wednesday 25 November 2026: the bus stops at the trip's second
		// stop 90 s late and says so three minutes later.
		stopped := serviceDayStart(time.Date(2026, 11, 25, 0, 0, 0, 0, moscow), moscow).Add(time.Duration(tr.stops[1].sec+90) * time.Second)
		now = stopped.Add(3 * time.Minute)
		payload := fmt.Sprintf(`{"lat":58.72,"lon":29.85,"timestamp":%d,"trip_id":%q,"start_date":"20261125","status":"stopped_at","stop_sequence":%d}`,
			stopped.Unix(), tr.id, tr.stops[1].seq)
		if err := svc.TakeVehiclePosition(context.Background(), "muni/alpha/v1/vehicles/bus-5/position", []byte(payload)); err != nil {
			t.Fatal(err)
		}
		var n int
		var source string
		if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*), MIN(source) FROM transport_observations
			WHERE tenant_id = $1 AND trip_id = $2`, muniA.ID, tr.id).Scan(&n, &source); err != nil || n != 1 || source != sourceVehicle {
			t.Fatalf("observations of %s: %d from %q, %v", tr.id, n, source, err)
		}
	})
}
