package metering

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestSimulatorOverExternalMQTT publishes a simulated day to the
// Mosquitto broker on 127.0.0.1:1883, which muni subscribes to, and finds
// every reading stored and rolled up.
func TestSimulatorOverExternalMQTT(t *testing.T) {
	if c, err := net.DialTimeout("tcp", "127.0.0.1:1883", time.Second); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Mosquitto is not listening on 127.0.0.1:1883: %v", err)
		}
		t.Skip("Mosquitto is not listening on 127.0.0.1:1883")
	} else {
		c.Close()
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// A municipality of this run's own, so that other runs sharing the
		// broker neither take these uplinks nor send theirs here.
		own := fmt.Sprintf("sim%d", time.Now().UnixNano())
		m := Municipality{ID: own, Path: "/region/" + own + "/", Slug: own, Name: "Сим", TimeZone: "Europe/Moscow"}
		c := &clock{t: t0.Add(30 * 24 * time.Hour)}
		s := New(Deps{DB: d, Audit: audit.New(d), Places: places(m), Now: c.now})
		to := c.t.Truncate(time.Hour)
		o := SimOptions{MunicipalityID: m.ID, Points: 3, ZoneSize: 3, From: to.Add(-24 * time.Hour), To: to, Seed: 9}
		world, err := s.SimRegistry(ctx, adminOf(m), o)
		if err != nil {
			t.Fatal(err)
		}
		send := overMQTT(t, ctx, s, m, SubscribeOptions{ClientID: "sim-test-" + t.Name(), Group: "sim" + time.Now().Format("150405.000000")})
		st, err := Simulate(o, world, time.UTC, send)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(60 * time.Second); countReadings(t, d) < st.Readings; { // a loaded machine retries stores with back-off
			if time.Now().After(deadline) {
				t.Fatalf("stored %d of %d readings sent over MQTT", countReadings(t, d), st.Readings)
			}
			time.Sleep(50 * time.Millisecond)
		}
		rollupAll(t, s)
		var days int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_daily`).Scan(&days); err != nil || days == 0 {
			t.Fatalf("no daily rollups after MQTT ingest: %d %v", days, err)
		}
	})
}
