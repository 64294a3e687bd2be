package transport

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// people are population points, with an administrative centre when
// centre is set.
type people struct {
	pts    []PopulationPoint
	centre *[2]float64
}

func (p people) PopulationPoints(context.Context, string) ([]PopulationPoint, error) {
	return p.pts, nil
}

type centred struct{ people }

func (p centred) Centre(context.Context, string) (string, float64, float64, bool, error) {
	if p.centre == nil {
		return "", 0, 0, false, nil
	}
	return "Альфа", p.centre[0], p.centre[1], true, nil
}

// centreFeed is a network around a centre at 58.737, 29.846: each
// settlement's trips run on the days their service says.
var centreFeed = map[string]string{
	"agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Автобус,https://example.org,Europe/Moscow\n",
	"stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n" +
		"c1,Автостанция,58.7370,29.8460\n" +
		"a1,Алфёрово,58.8002,29.9000\n" +
		"b1,Борки,58.6000,29.7003\n" +
		"e1,Ефимово,58.9005,29.8000\n" +
		"f1,Фёдоровское (далеко),58.7150,30.0000\n" +
		"g1,Горки,58.6500,29.9502\n" +
		"h1,Хотнежа,58.7500,30.1001\n",
	"routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A,1,3\n",
	"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n" +
		"daily,1,1,1,1,1,1,1,20260101,20261231\n" +
		"weekend,0,0,0,0,0,1,1,20260101,20261231\n" +
		"weekdays,1,1,1,1,1,0,0,20260101,20261231\n" +
		"monthu,1,1,1,1,0,0,0,20260101,20261231\n",
	"trips.txt": "route_id,service_id,trip_id\n" +
		"R1,daily,tA\nR1,weekend,tB\nR1,daily,tBA\nR1,weekdays,tE\nR1,daily,tF\nR1,monthu,tG1\nR1,weekend,tG2\nR1,monthu,tH\n",
	"stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" +
		"tA,07:00:00,07:00:00,c1,1\ntA,07:20:00,07:20:00,a1,2\n" +
		"tB,08:00:00,08:00:00,b1,1\ntB,08:30:00,08:30:00,c1,2\n" +
		"tBA,09:00:00,09:00:00,b1,1\ntBA,09:40:00,09:40:00,a1,2\n" +
		"tE,10:00:00,10:00:00,e1,1\ntE,10:30:00,10:30:00,c1,2\n" +
		"tF,11:00:00,11:00:00,c1,1\ntF,11:20:00,11:20:00,f1,2\n" +
		"tG1,12:00:00,12:00:00,c1,1\ntG1,12:20:00,12:20:00,g1,2\n" +
		"tG2,13:00:00,13:00:00,g1,1\ntG2,13:20:00,13:20:00,c1,2\n" +
		"tH,14:00:00,14:00:00,c1,1\ntH,14:25:00,14:25:00,h1,2\n",
}

var centrePoints = []PopulationPoint{
	{Name: "Альфа", Lat: 58.7375, Lon: 29.8465, Population: 10000},
	{Name: "Алфёрово", Lat: 58.80, Lon: 29.90, Population: 1000},
	{Name: "Борки", Lat: 58.60, Lon: 29.70, Population: 500},
	{Name: "Дубки", Lat: 58.50, Lon: 30.20, Population: 300},
	{Name: "Ефимово", Lat: 58.90, Lon: 29.80, Population: 800},
	{Name: "Фёдоровское", Lat: 58.70, Lon: 30.00, Population: 200},
	{Name: "Горки", Lat: 58.65, Lon: 29.95, Population: 400},
	{Name: "Хотнежа", Lat: 58.75, Lon: 30.10, Population: 100},
}

func TestCentreAccess(t *testing.T) {
	dir := t.TempDir()
	for name, body := range centreFeed {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	friday := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		pop := centred{people{pts: centrePoints, centre: &[2]float64{58.737, 29.846}}}
		svc := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Population: pop,
			Now: func() time.Time { return friday }})
		if _, err := svc.CentreAccess(context.Background(), "alpha", friday); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("before any feed: %v, want not found", err)
		}
		if f := importDir(t, svc, muniA, dir); f.Status != StatusActive {
			t.Fatalf("feed %s %v", f.Status, codes(f))
		}
		c, err := svc.CentreAccessOf(context.Background(), muniA.ID, friday)
		if err != nil {
			t.Fatal(err)
		}
		if !c.HasCentre || c.Centre != "Альфа" || !c.WeekFrom.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, c.Zone)) {
			t.Fatalf("centre %q %v, week from %v", c.Centre, c.HasCentre, c.WeekFrom)
		}
		got := map[string]SettlementAccess{}
		for _, s := range c.Settlements {
			got[s.Name] = s
		}
		for _, tc := range []struct {
			name         string
			days, trips  int
			regular, isC bool
			stop         string
			why          string
		}{
			{"Альфа", 7, 31, true, true, "Автостанция", "the centre itself: every trip calls there"},
			{"Алфёрово", 7, 7, true, false, "Алфёрово", "a trip to the centre every day"},
			{"Борки", 2, 2, false, false, "Борки", "weekends only; its daily trip does not reach the centre"},
			{"Дубки", 0, 0, false, false, "", "no stop within 1 km"},
			{"Ефимово", 5, 5, true, false, "Ефимово", "five weekdays: the least that is regular"},
			{"Фёдоровское", 0, 0, false, false, "", "the stop is 1.7 km away"},
			{"Горки", 6, 6, true, false, "Горки", "Monday to Thursday one way, weekends the other"},
			{"Хотнежа", 4, 4, false, false, "Хотнежа", "four days a week"},
		} {
			s, ok := got[tc.name]
			if !ok {
				t.Errorf("%s missing", tc.name)
				continue
			}
			if s.Days != tc.days || s.TripsPerWeek != tc.trips || s.Regular != tc.regular || s.IsCentre != tc.isC || s.NearestStop != tc.stop {
				t.Errorf("%s (%s): days %d trips %d regular %v centre %v stop %q; want %d %d %v %v %q", tc.name, tc.why,
					s.Days, s.TripsPerWeek, s.Regular, s.IsCentre, s.NearestStop, tc.days, tc.trips, tc.regular, tc.isC, tc.stop)
			}
		}
		if c.Population != 13300 || c.Without != 1100 || math.Abs(c.SharePercent()-1100.0/13300*100) > 1e-9 {
			t.Errorf("population %d, without %d, share %.3f %%", c.Population, c.Without, c.SharePercent())
		}
		if u := c.Unserved(); len(u) != 4 || u[0].Name != "Борки" {
			t.Errorf("unserved %v", u)
		}
		// Another week of the same feed: after its end nothing runs.
		late, err := svc.CentreAccess(context.Background(), "alpha", time.Date(2027, 2, 3, 12, 0, 0, 0, time.UTC))
		if err != nil || late.Without != 3300 {
			t.Errorf("after the calendar ends: without %d of %d, %v (want everyone but the centre)", late.Without, late.Population, err)
		}
		// Without the centre's point the indicator is not measured.
		svc2 := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA), Population: centred{people{pts: centrePoints}}})
		if c, err := svc2.CentreAccess(context.Background(), "alpha", friday); err != nil || c.HasCentre || len(c.Settlements) != 0 {
			t.Errorf("no centre: %+v %v", c.HasCentre, err)
		}
	})
}
