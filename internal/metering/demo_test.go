package metering

import (
	"context"
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
		// 10 water meters and 5 heat meters (3 channels each) at 97 instants.
		if res.Objects != 12 || res.Devices != 18 || res.Readings != (10+5*3)*97 || countReadings(t, d) != res.Readings {
			t.Errorf("demo %+v, %d readings stored", res, countReadings(t, d))
		}
		again, err := SeedDemo(ctx, s, adminOf(muniA), in)
		if err != nil || !again.Existed {
			t.Errorf("second run: %+v %v, want it to find the demo", again, err)
		}
	})
}
