package metering

import (
	"context"
	"math"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestSeedDemo(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		in := DemoInput{MunicipalityID: muniA.ID, Lat: 58.73, Lon: 29.85, Now: c.t, Buildings: 10, Days: 1}
		res, err := SeedDemo(ctx, s, adminOf(muniA), in)
		if err != nil {
			t.Fatal(err)
		}
		// 10 water meters, 5 heat meters (3 channels each) and 3 inlets at 97 instants.
		if res.Objects != 12 || res.Devices != 18 || res.Readings != (10+5*3+3)*97 || countReadings(t, d) != res.Readings {
			t.Errorf("demo %+v, %d readings stored", res, countReadings(t, d))
		}
		// The inlet of zone 1 reads its five buildings' use plus 8 % losses.
		use := func(serials ...string) float64 {
			total := 0.0
			for _, sn := range serials {
				var lo, hi float64
				if err := d.R(ctx).QueryRowContext(ctx, `SELECT MIN(r.value), MAX(r.value) FROM metering_readings r
					JOIN metering_channels c ON c.id = r.channel_id JOIN metering_devices d ON d.id = c.device_id
					WHERE d.serial = $1 AND c.name = 'v'`, sn).Scan(&lo, &hi); err != nil {
					t.Fatal(err)
				}
				total += hi - lo
			}
			return total
		}
		inlet, homes := use("DEMO-WI1"), use("DEMO-WM01", "DEMO-WM02", "DEMO-WM03", "DEMO-WM04", "DEMO-WM05")
		if homes <= 0 || math.Abs(inlet/homes-1.08) > 0.001 {
			t.Errorf("zone 1: inlet %.3f, buildings %.3f, want 8 %% losses", inlet, homes)
		}
		again, err := SeedDemo(ctx, s, adminOf(muniA), in)
		if err != nil || !again.Existed {
			t.Errorf("second run: %+v %v, want it to find the demo", again, err)
		}
	})
}
