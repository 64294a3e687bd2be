package transport

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

type fakePopulation map[string][]PopulationPoint

func (p fakePopulation) PopulationPoints(_ context.Context, id string) ([]PopulationPoint, error) {
	return p[id], nil
}

func TestCoverage(t *testing.T) {
	dir := sampleDir(t)
	// Around the sample's "City Center" stop (52.5, 13.5): on the spot,
	// about 400 m north and about 670 m north.
	pop := fakePopulation{muniA.ID: {
		{Name: "Centre", Lat: 52.5, Lon: 13.5, Population: 1000},
		{Name: "Near", Lat: 52.5036, Lon: 13.5, Population: 500},
		{Name: "Far", Lat: 52.506, Lon: 13.5, Population: 300},
	}}
	if d := Distance(52.5, 13.5, 52.5036, 13.5); math.Abs(d-400) > 2 {
		t.Fatalf("distance %f", d)
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Population: pop})
		f := importDir(t, svc, muniA, dir)
		if _, err := svc.Activate(as(adminOf(muniA)), f.ID); err != nil {
			t.Fatal(err)
		}
		monday := time.Date(2019, 5, 6, 0, 0, 0, 0, time.UTC)
		c, err := svc.Coverage(context.Background(), muniA.Slug, monday, 7, 19, 1.5)
		if err != nil {
			t.Fatal(err)
		}
		// City Center between 07:00 and 19:00 on a working Monday: 12 of
		// Babbage downtown's every-5-minutes run (08:17…09:12), 6 of
		// Babbage outbound's every-10-minutes run (15:00…15:50), Ada and
		// Cerf downtown at 15:36, Ada outbound at 17:14.
		var center StopFrequency
		for _, s := range c.Stops {
			if s.Stop.ID == "center" {
				center = s
			}
		}
		if center.Departures != 21 || center.PerHour != 1.75 {
			t.Errorf("center: %+v", center)
		}
		if c.Population != 1800 || c.Covered != 1500 || math.Abs(c.Share-1500.0/1800) > 1e-9 {
			t.Errorf("coverage %d/%d = %f; points %+v", c.Covered, c.Population, c.Share, c.Points)
		}
		strict, err := svc.Coverage(context.Background(), muniA.Slug, monday, 7, 19, 2)
		if err != nil || strict.Covered != 0 {
			t.Errorf("with 2 per hour nobody is covered: %d %v", strict.Covered, err)
		}
	})
}
