package metering

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/mqtt/mqtttest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestMosquittoPubReadingsAreRolledUp sends a meter's register with
// mosquitto_pub to the embedded broker and to the external one, and finds
// its consumption in the hourly and daily rollups.
func TestMosquittoPubReadingsAreRolledUp(t *testing.T) {
	mqtttest.Need(t)
	external := os.Getenv("MUNI_TEST_MQTT_ADDR")
	if external == "" {
		external = "127.0.0.1:1883"
	}
	for _, broker := range []string{"embedded", "external"} {
		t.Run(broker, func(t *testing.T) {
			testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				s, c := newService(t, d)
				m := muniA
				m.Slug = fmt.Sprintf("r%d", time.Now().UnixNano()) // this test's own topics on the shared broker
				s.places = places(m)
				s.munis = &muniCache{places: s.places}
				w := seed(t, s, m, "SN-1")
				addr, user, pass := external, "", ""
				if broker == "embedded" {
					b, err := s.StartBroker("127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					defer b.Close()
					token, err := s.IssueDeviceToken(ctx, adminOf(m), m.ID, w.deviceID)
					if err != nil {
						t.Fatal(err)
					}
					addr, user, pass = b.Addr(), "SN-1", token
				} else {
					sub, err := s.Subscribe(ctx, SubscribeOptions{URL: "mqtt://" + addr, ClientID: "muni-test-" + m.Slug, Group: m.Slug, SessionExpiry: time.Minute})
					if err != nil {
						t.Fatal(err)
					}
					defer sub.Close()
					if err := sub.Ready(ctx); err != nil {
						t.Fatal(err)
					}
				}
				// Register 100 → 103 → 107 → 108 at 10:00, 10:30, 11:00 and 11:30 UTC.
				base := c.t.Add(-24 * time.Hour).Truncate(24 * time.Hour).Add(10 * time.Hour)
				payload := fmt.Sprintf(`[{"bt":%d,"n":"v","v":100},{"n":"v","t":1800,"v":103},{"n":"v","t":3600,"v":107},{"n":"v","t":5400,"v":108}]`, base.Unix())
				if err := mqtttest.Publish(t, addr, user, pass, "muni/"+m.Slug+"/v1/SN-1/up", payload); err != nil {
					t.Fatal(err)
				}
				for countReadings(t, d) < 4 { // the external broker delivers on its own time
					if ctx.Err() != nil {
						t.Fatalf("%d readings stored, want 4", countReadings(t, d))
					}
					time.Sleep(20 * time.Millisecond)
				}
				if _, err := s.RollupPending(ctx, 100); err != nil {
					t.Fatal(err)
				}
				// The register started at 0 when the meter was installed, so
				// the 100 before 10:00 is spread over the hours since then.
				var hours int
				var hourly, daily float64
				if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(value), 0) FROM metering_hourly WHERE channel_id = $1 AND start_ms >= $2`,
					w.channel, db.Millis(base)).Scan(&hours, &hourly); err != nil {
					t.Fatal(err)
				}
				if err := d.R(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(value), 0) FROM metering_daily WHERE channel_id = $1`, w.channel).Scan(&daily); err != nil {
					t.Fatal(err)
				}
				if hours != 2 || math.Abs(hourly-8) > 1e-9 || math.Abs(daily-108) > 1e-9 {
					t.Fatalf("rollups: %d hours from 10:00 summing to %v, days summing to %v; want 2 hours of 8 m3 and 108 m3 in all", hours, hourly, daily)
				}
			})
		})
	}
}
