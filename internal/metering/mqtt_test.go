package metering

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/mqtt/mqtttest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func senml(base time.Time, values ...string) string {
	recs := []string{fmt.Sprintf(`{"bt":%d,"n":"v","v":%s}`, base.Unix(), values[0])}
	for i, v := range values[1:] {
		recs = append(recs, fmt.Sprintf(`{"n":"v","t":%d,"v":%s}`, (i+1)*60, v))
	}
	return "[" + strings.Join(recs, ",") + "]"
}

func metered(t *testing.T, d *db.DB) (*Service, *clock, *Metrics) {
	s, c := newService(t, d)
	m := NewMetrics(prometheus.NewRegistry())
	s2 := New(Deps{DB: d, Audit: audit.New(d), Places: s.places, Now: c.now, Metrics: m, Log: quiet})
	return s2, c, m
}

// TestEmbeddedBroker publishes with mosquitto_pub to the broker inside
// muni: a reading is stored by the time the publish is acknowledged;
// wrong credentials, other devices' topics and bad payloads store
// nothing, and bad payloads are counted per device.
func TestEmbeddedBroker(t *testing.T) {
	mqtttest.Need(t)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c, m := metered(t, d)
		w := seed(t, s, muniA, "SN-1")
		_, err := s.CreateDevice(ctx, adminOf(muniA), muniA.ID, DeviceInput{Serial: "SN-2"})
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.IssueDeviceToken(ctx, adminOf(muniA), muniA.ID, w.deviceID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.StartBroker("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		base := c.t.Add(-time.Hour)

		// By serial and slug, then by id and OKTMO: acknowledged means stored.
		if err := mqtttest.Publish(t, b.Addr(), "SN-1", token, "muni/alpha/v1/SN-1/up", senml(base, "1", "2", "3")); err != nil {
			t.Fatal(err)
		}
		if n := countReadings(t, d); n != 3 {
			t.Fatalf("%d readings after the acknowledgement, want 3", n)
		}
		if err := mqtttest.Publish(t, b.Addr(), w.deviceID, token, "muni/"+muniA.OKTMO+"/v1/"+w.deviceID+"/up", senml(base.Add(10*time.Minute), "4", "1e999", `"x"`)); err != nil {
			t.Fatal(err)
		}
		if n := countReadings(t, d); n != 4 {
			t.Fatalf("%d readings, want 4 (the bad values refused)", n)
		}
		if got := testutil.ToFloat64(m.bad.WithLabelValues("SN-1")); got != 0 {
			t.Errorf("bad payloads of SN-1 = %v before any", got)
		}
		if got := testutil.ToFloat64(m.bad.WithLabelValues(w.deviceID)); got != 1 {
			t.Errorf("bad payloads of the device = %v, want 1", got)
		}
		// Not JSON at all: acknowledged (it will never get better), counted.
		if err := mqtttest.Publish(t, b.Addr(), "SN-1", token, "muni/alpha/v1/SN-1/up", "garbage"); err != nil {
			t.Fatal(err)
		}
		if got := testutil.ToFloat64(m.bad.WithLabelValues("SN-1")); got != 1 {
			t.Errorf("bad payloads of SN-1 = %v, want 1", got)
		}
		// Refused: a wrong password, a user name that is not the token's
		// device, another device's topic, another municipality.
		for _, tc := range []struct{ user, pass, topic string }{
			{"SN-1", token + "x", "muni/alpha/v1/SN-1/up"},
			{"SN-1", "", "muni/alpha/v1/SN-1/up"},
			{"SN-2", token, "muni/alpha/v1/SN-2/up"},
			{"SN-1", token, "muni/alpha/v1/SN-2/up"},
			{"SN-1", token, "muni/beta/v1/SN-1/up"},
		} {
			_ = mqtttest.Publish(t, b.Addr(), tc.user, tc.pass, tc.topic, senml(base.Add(20*time.Minute), "9"))
			if n := countReadings(t, d); n != 4 {
				t.Fatalf("%+v stored a reading (%d)", tc, n)
			}
		}
	})
}

// TestExternalBroker subscribes to the Mosquitto on 127.0.0.1:1883 and
// stores what mosquitto_pub sends it.
func TestExternalBroker(t *testing.T) {
	mqtttest.Need(t)
	addr := os.Getenv("MUNI_TEST_MQTT_ADDR")
	if addr == "" {
		addr = "127.0.0.1:1883"
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, c, m := metered(t, d)
		// A municipality of this test alone, so uplinks of other tests on
		// the shared broker are not ours.
		slug := fmt.Sprintf("t%d", time.Now().UnixNano())
		own := muniA
		own.Slug = slug
		s.places = places(own, muniB)
		s.munis = &muniCache{places: s.places}
		seed(t, s, own, "SN-1")
		sub, err := s.Subscribe(ctx, SubscribeOptions{URL: "mqtt://" + addr, ClientID: "muni-test-" + slug, Group: slug, SessionExpiry: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if err := sub.Ready(ctx); err != nil {
			t.Fatal(err)
		}
		base := c.t.Add(-time.Hour)
		if err := mqtttest.Publish(t, addr, "", "", "muni/"+slug+"/v1/SN-1/up", senml(base, "1", "2", "-1e999")); err != nil {
			t.Fatal(err)
		}
		if err := mqtttest.Publish(t, addr, "", "", "muni/"+slug+"/v1/SN-9/up", senml(base, "1")); err != nil {
			t.Fatal(err)
		}
		for countReadings(t, d) < 2 || testutil.ToFloat64(m.bad.WithLabelValues("SN-9")) < 1 {
			if ctx.Err() != nil {
				t.Fatalf("%d readings stored, want 2; unknown device counted %v", countReadings(t, d), testutil.ToFloat64(m.bad.WithLabelValues("SN-9")))
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := testutil.ToFloat64(m.bad.WithLabelValues("SN-1")); got != 1 {
			t.Errorf("SN-1's bad messages = %v, want 1 (the infinite value)", got)
		}
	})
}
