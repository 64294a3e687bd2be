package metering

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestTrafficReadings: a traffic detector is a metering device on a
// point of a traffic network; its lane readings come in through the
// ingest like any meter's, and TrafficReadings gives them back per point
// and only for traffic networks, installations and the municipality.
func TestTrafficReadings(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := context.Background()
		a := adminOf(muniA)
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.CreateNetwork(ctx, a, muniA.ID, NetworkInput{Code: "ROADS", Resource: string(Traffic), Name: "Дороги"}))
		must(s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: "TD-1", Network: "ROADS", Name: "Детектор 1", Role: RoleInternal}))
		must(s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: "TD-2", Network: "ROADS", Name: "Детектор 2", Role: RoleInternal}))
		must(s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "R1", Interval: 5 * time.Minute}))
		must(s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "R2"}))
		removed := t0.Add(2 * time.Hour)
		must(s.Install(ctx, a, muniA.ID, InstallationInput{Device: "R1", Point: "TD-1", From: t0, To: &removed}))
		must(s.Install(ctx, a, muniA.ID, InstallationInput{Device: "R2", Point: "TD-1", From: removed})) // a swap
		for _, dev := range []string{"R1", "R2"} {
			must(s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: dev, Name: "l1.speed", Quantity: "speed", Unit: "km/h", Kind: "instantaneous"}))
			must(s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: dev, Name: "l1.intensity", Quantity: "intensity", Unit: "veh/h",
				Kind: "instantaneous", Multiplier: 2}))
		}
		// A water meter with a point code a detector could have, in B.
		seed(t, s, muniB, "W-1")
		if _, err := s.CreateNetwork(ctx, a, muniA.ID, NetworkInput{Code: "X", Resource: "roads", Name: "x"}); err == nil {
			t.Error("an unknown resource was accepted")
		}

		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
		res, err := s.IngestAs(ctx, a, muniA.ID, SourceHTTP, []Input{
			{Device: "R1", Channel: "l1.speed", At: at(60), Value: 42},
			{Device: "R1", Channel: "l1.intensity", At: at(60), Value: 300},
			{Device: "R2", Channel: "l1.speed", At: at(180), Value: 17},
			{Device: "R1", Channel: "l1.speed", At: at(185), Value: 99}, // after R1 was removed
			{Device: "R2", Channel: "l1.speed", At: at(190), Value: 0, Quality: Missing},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 4 || len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonAfterRemoval {
			t.Fatalf("ingest: %+v", res)
		}
		if _, err := s.IngestAs(ctx, adminOf(muniB), muniB.ID, SourceHTTP, []Input{{Device: "W-1", Channel: "q", At: at(60), Value: 5}}); err != nil {
			t.Fatal(err)
		}

		rs, err := s.TrafficReadings(ctx, muniA.ID, []string{"TD-1", "TD-2", "NONE"}, t0, t0.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []TrafficReading{
			{Point: "TD-1", Channel: "l1.intensity", Quantity: "intensity", At: at(60), Value: 600}, // the multiplier applies
			{Point: "TD-1", Channel: "l1.speed", Quantity: "speed", At: at(60), Value: 42},
			{Point: "TD-1", Channel: "l1.speed", Quantity: "speed", At: at(180), Value: 17},
		}
		if len(rs) != len(want) {
			t.Fatalf("readings: %+v", rs)
		}
		for i := range want {
			if rs[i] != want[i] {
				t.Errorf("reading %d: %+v, want %+v", i, rs[i], want[i])
			}
		}
		if rs, _ := s.TrafficReadings(ctx, muniA.ID, []string{"TD-1"}, at(61), at(180)); len(rs) != 0 {
			t.Errorf("the range is half-open: %+v", rs)
		}
		// B's water point P1 is not a traffic detector; A's codes are not B's.
		if rs, _ := s.TrafficReadings(ctx, muniB.ID, []string{"P1", "TD-1"}, t0, t0.Add(24*time.Hour)); len(rs) != 0 {
			t.Errorf("B: %+v", rs)
		}
		if rs, err := s.TrafficReadings(ctx, muniA.ID, nil, t0, t0.Add(time.Hour)); err != nil || rs != nil {
			t.Errorf("no points: %v %v", rs, err)
		}
		if ps, err := s.TrafficPoints(ctx, muniA.ID, []string{"TD-2", "NONE", "TD-1"}); err != nil || len(ps) != 2 || ps[0] != "TD-1" || ps[1] != "TD-2" {
			t.Errorf("traffic points of A: %v %v", ps, err)
		}
		if ps, err := s.TrafficPoints(ctx, muniB.ID, []string{"P1", "TD-1"}); err != nil || len(ps) != 0 {
			t.Errorf("traffic points of B (a water point, A's detector): %v %v", ps, err)
		}
		// The list officials choose detectors from: A's points in service
		// on traffic networks, by code; none in B.
		if ps, err := s.TrafficPointList(ctx, muniA.ID); err != nil || len(ps) != 2 || ps[0] != (TrafficPoint{"TD-1", "Детектор 1"}) || ps[1].Code != "TD-2" {
			t.Errorf("traffic point list of A: %+v %v", ps, err)
		}
		if err := s.Retire(ctx, a, muniA.ID, "point", "TD-2"); err != nil {
			t.Fatal(err)
		}
		if ps, err := s.TrafficPointList(ctx, muniA.ID); err != nil || len(ps) != 1 || ps[0].Code != "TD-1" {
			t.Errorf("traffic point list of A after TD-2 was retired: %+v %v", ps, err)
		}
		if ps, err := s.TrafficPointList(ctx, muniB.ID); err != nil || len(ps) != 0 {
			t.Errorf("traffic point list of B: %+v %v", ps, err)
		}
	})
}

// TestTrafficOverMQTT: a detector's lane readings published to the
// Mosquitto broker on 127.0.0.1:1883, which muni subscribes to, come back
// through TrafficReadings like the HTTP ones.
func TestTrafficOverMQTT(t *testing.T) {
	if c, err := net.DialTimeout("tcp", "127.0.0.1:1883", time.Second); err != nil {
		t.Fatalf("Mosquitto is not listening on 127.0.0.1:1883: %v", err)
	} else {
		c.Close()
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		own := fmt.Sprintf("traffic%d", time.Now().UnixNano()) // this run's own topics
		m := Municipality{ID: own, Path: "/region/" + own + "/", Slug: own, Name: "Трафик", TimeZone: "Europe/Moscow"}
		c := &clock{t: t0.Add(24 * time.Hour)}
		s := New(Deps{DB: d, Audit: audit.New(d), Places: places(m), Now: c.now, Log: quiet})
		a := adminOf(m)
		for _, err := range []error{
			func() error {
				_, err := s.CreateNetwork(ctx, a, m.ID, NetworkInput{Code: "ROADS", Resource: string(Traffic), Name: "Дороги"})
				return err
			}(),
			func() error {
				_, err := s.CreatePoint(ctx, a, m.ID, PointInput{Code: "TD-1", Network: "ROADS", Name: "Детектор", Role: RoleInternal})
				return err
			}(),
			func() error { _, err := s.CreateDevice(ctx, a, m.ID, DeviceInput{Serial: "RADAR-1"}); return err }(),
			func() error {
				_, err := s.Install(ctx, a, m.ID, InstallationInput{Device: "RADAR-1", Point: "TD-1", From: t0})
				return err
			}(),
			func() error {
				_, err := s.CreateChannel(ctx, a, m.ID, ChannelInput{Device: "RADAR-1", Name: "l1.speed", Quantity: "speed", Unit: "km/h", Kind: "instantaneous"})
				return err
			}(),
			func() error {
				_, err := s.CreateChannel(ctx, a, m.ID, ChannelInput{Device: "RADAR-1", Name: "l1.occupancy", Quantity: "occupancy", Unit: "%", Kind: "interval"})
				return err
			}(),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		send := overMQTT(t, ctx, s, m, SubscribeOptions{ClientID: "traffic-test-" + own, Group: own})
		at := t0.Add(8 * time.Hour)
		if err := send([]Input{{Device: "RADAR-1", Channel: "l1.speed", At: at, Value: 27.5},
			{Device: "RADAR-1", Channel: "l1.occupancy", At: at, Value: 31}}); err != nil {
			t.Fatal(err)
		}
		var rs []TrafficReading
		var err error
		for deadline := time.Now().Add(20 * time.Second); len(rs) < 2; {
			if time.Now().After(deadline) {
				t.Fatalf("%d of 2 detector readings stored after MQTT", len(rs))
			}
			time.Sleep(50 * time.Millisecond)
			if rs, err = s.TrafficReadings(ctx, m.ID, []string{"TD-1"}, at, at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if rs[0].Channel != "l1.occupancy" || rs[0].Value != 31 || rs[1].Quantity != "speed" || rs[1].Value != 27.5 || !rs[1].At.Equal(at) {
			t.Errorf("readings: %+v", rs)
		}
	})
}
