package transport

import (
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestNextDepartures(t *testing.T) {
	dir := sampleDir(t)
	warsaw, _ := time.LoadLocation("Europe/Warsaw")
	moscow, _ := time.LoadLocation("Europe/Moscow")
	at := func(loc *time.Location, y int, mo time.Month, d, h, mi int) time.Time {
		return time.Date(y, mo, d, h, mi, 0, 0, loc)
	}
	type dep struct {
		trip string
		at   time.Time
	}
	cases := []struct {
		name  string
		stop  string
		from  time.Time
		limit int
		want  []dep
	}{
		{"a working Monday: schedules, frequencies replace their template trips", "center", at(warsaw, 2019, 5, 6, 13, 0), 9, []dep{
			{"b-outbound-on-working-days", at(warsaw, 2019, 5, 6, 15, 0)},
			{"b-outbound-on-working-days", at(warsaw, 2019, 5, 6, 15, 10)},
			{"b-outbound-on-working-days", at(warsaw, 2019, 5, 6, 15, 20)},
			{"b-outbound-on-working-days", at(warsaw, 2019, 5, 6, 15, 30)},
			{"a-downtown-all-day", at(warsaw, 2019, 5, 6, 15, 36)},
			{"c-downtown-all-day", at(warsaw, 2019, 5, 6, 15, 36)},
			{"b-outbound-on-working-days", at(warsaw, 2019, 5, 6, 15, 40)},
			{"b-outbound-on-working-days", at(warsaw, 2019, 5, 6, 15, 50)},
			{"a-outbound-all-day", at(warsaw, 2019, 5, 6, 17, 14)},
		}},
		{"a holiday removed by calendar_dates: the next is tomorrow morning's frequency", "center", at(warsaw, 2019, 5, 1, 13, 0), 2, []dep{
			{"b-downtown-on-working-days", at(warsaw, 2019, 5, 2, 8, 17)},
			{"b-downtown-on-working-days", at(warsaw, 2019, 5, 2, 8, 22)},
		}},
		{"past 24:00 on the night clocks go forward", "center", at(warsaw, 2019, 3, 31, 0, 30), 1, []dep{
			{"during-dst-1", time.Date(2019, 3, 31, 1, 5, 0, 0, time.UTC)},
		}},
		{"times are shown in the municipality's zone", "museum", at(moscow, 2019, 5, 6, 16, 0), 1, []dep{
			{"a-downtown-all-day", at(moscow, 2019, 5, 6, 16, 31)},
		}},
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		f := importDir(t, svc, muniA, dir)
		if _, err := svc.Activate(as(adminOf(muniA)), f.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			got, err := svc.NextDepartures(as(nil), muniA.Slug, c.stop, c.from, c.limit)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(got) != len(c.want) {
				t.Errorf("%s: %d departures, want %d: %+v", c.name, len(got), len(c.want), got)
				continue
			}
			for i, w := range c.want {
				if got[i].TripID != w.trip || !got[i].At.Equal(w.at) {
					t.Errorf("%s #%d: %s at %s, want %s at %s", c.name, i, got[i].TripID, got[i].At, w.trip, w.at)
				}
			}
			if got[0].At.Location().String() != "Europe/Moscow" {
				t.Errorf("%s: shown in %s", c.name, got[0].At.Location())
			}
		}
		if _, err := svc.NextDepartures(as(nil), muniB.Slug, "center", time.Now(), 5); err == nil {
			t.Error("a municipality without a feed has departures")
		}
		if _, err := svc.NextDepartures(as(nil), muniA.Slug, "nowhere", time.Now(), 5); err == nil {
			t.Error("an unknown stop has departures")
		}
	})
}
