package metering

import (
	"context"
	"math"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
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
		// The inlet of zone 1 reads its five buildings' use plus losses of
		// 8 % of the inlet.
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
		if homes <= 0 || math.Abs(1-homes/inlet-0.08) > 0.001 {
			t.Errorf("zone 1: inlet %.3f, buildings %.3f, want 8 %% losses", inlet, homes)
		}
		// The dashboard after the rollups shows the designed losses, every
		// day: the installations' start registers are the first readings,
		// so no day counts a register's whole value as use.
		rollupAll(t, s)
		w := NewWatch(s, events.NewOutbox(d), Rules{})
		dash, err := w.Dashboard(ctx, operatorOf(muniA), muniA.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"DEMO-DMA1": 8, "DEMO-DMA2": 8, "DEMO-HC1": 12}
		if len(dash.Zones) != len(want) {
			t.Fatalf("zones %+v", dash.Zones)
		}
		for _, z := range dash.Zones {
			if !z.Total.HasInput || math.Abs(z.Total.LossPercent-want[z.Code]) > 0.05 {
				t.Errorf("zone %s: %+v, want %.0f %% losses", z.Code, z.Total, want[z.Code])
			}
			// A day's water use of five or so buildings is tens of m³, heat a few Gcal.
			if z.Total.In > 200 || z.Total.Consumers <= 0 {
				t.Errorf("zone %s: implausible totals %+v", z.Code, z.Total)
			}
			for _, day := range z.Days {
				b := day.Balance
				if b.Consumers == 0 && b.In == 0 {
					continue // the installation day, before the first reading
				}
				if !b.HasInput || math.Abs(b.LossPercent-want[z.Code]) > 0.5 {
					t.Errorf("zone %s on %v: %+v", z.Code, day, b)
				}
			}
		}
		for _, z := range dash.Zones {
			if wb := z.Water; (z.Resource == Water) != (wb != nil) || wb != nil && math.Abs(wb.NonRevenuePercent-8) > 0.05 {
				t.Errorf("zone %s: water balance %+v", z.Code, wb)
			}
		}
		again, err := SeedDemo(ctx, s, adminOf(muniA), in)
		if err != nil || !again.Existed {
			t.Errorf("second run: %+v %v, want it to find the demo", again, err)
		}
	})
}
