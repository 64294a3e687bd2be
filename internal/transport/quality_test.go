package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"google.golang.org/protobuf/proto"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// qualityDay builds a service day: route R1 (carrier A) leaves stop S at
// 07:00, 07:10, 07:20, 07:30 and 08:23; route R2 (carrier A) at 07:00,
// 07:30 and 08:00. seen maps trip → delay in seconds; cancelled trips
// are named.
func qualityDay(date time.Time, seen map[string]int, cancelled ...string) qDay {
	d := qDay{date: date, base: serviceDayStart(date, time.UTC), obs: map[tripSeq]qEvent{}, cancelled: map[string]bool{}}
	add := func(id, route string, sec int) {
		d.trips = append(d.trips, qTrip{id: id, route: route, agency: "A", stops: []tripStop{{seq: 1, stop: "S-" + route, sec: sec}}})
		if delay, ok := seen[id]; ok {
			sched := d.base.Add(time.Duration(sec) * time.Second).UnixMilli()
			d.obs[tripSeq{id, 1}] = qEvent{sched: sched, seen: sched + int64(delay)*1000}
		}
	}
	for i, sec := range []int{25200, 25800, 26400, 27000, 30180} {
		add(fmt.Sprintf("R1-%d", i+1), "R1", sec)
	}
	for i, sec := range []int{25200, 27000, 28800} {
		add(fmt.Sprintf("R2-%d", i+1), "R2", sec)
	}
	for _, c := range cancelled {
		d.cancelled[c] = true
	}
	return d
}

func TestMeasure(t *testing.T) {
	d1 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	// 08:05: R1-5 (08:23) is not due yet; everything else is.
	at := func(d time.Time) time.Time { return d.Add(8*time.Hour + 5*time.Minute) }
	names := map[string]string{"route:R1": "1", "route:R2": "2", "agency:A": "МУП"}
	type want struct {
		kind, id                                         string
		scheduled, cancelled, missed, observed, on, e, l int
		frequent                                         bool
		ewt                                              float64
	}
	cases := []struct {
		name  string
		days  []qDay
		grain string
		now   time.Time
		want  []want
	}{
		{
			// R1 seen at 07:00, 07:15, 07:20, 07:30: headways 15, 5, 10 min
			// against 10, 10, 10. SWT = 3·600²/(2·1800) = 300 s;
			// AWT = (900²+300²+600²)/(2·1800) = 350 s; EWT = 50 s. A delay
			// of exactly +5 min is on time.
			name: "all seen, +5 min is on time", grain: GrainDay, now: at(d1),
			days: []qDay{qualityDay(d1, map[string]int{"R1-1": 0, "R1-2": 300, "R1-3": 0, "R1-4": 0, "R2-1": -60, "R2-2": 0, "R2-3": 0})},
			want: []want{
				{"route", "R1", 4, 0, 0, 4, 4, 0, 0, true, 50},
				{"route", "R2", 3, 0, 0, 3, 3, 0, 0, false, 0},
				{"agency", "A", 7, 0, 0, 7, 7, 0, 0, true, 50},
			},
		},
		{
			// R1-2 never seen: actual headways 20, 10 min, AWT =
			// (1200²+600²)/(2·1800) = 500 s, EWT = 200 s. R2: −61 s is
			// early, +301 s late, R2-3 cancelled.
			name: "missed, cancelled, early and late", grain: GrainDay, now: at(d1),
			days: []qDay{qualityDay(d1, map[string]int{"R1-1": 0, "R1-3": 0, "R1-4": 0, "R2-1": -61, "R2-2": 301}, "R2-3")},
			want: []want{
				{"route", "R1", 4, 0, 1, 3, 3, 0, 0, true, 200},
				{"route", "R2", 3, 1, 1, 2, 0, 1, 1, false, 0},
				{"agency", "A", 7, 1, 2, 5, 3, 1, 1, true, 200},
			},
		},
		{
			// Both days in one month, at 08:05 on the second: on the first
			// R1-5 (08:23) is due, which makes that day's mean headway at S
			// (83 min / 4) longer than 12 min, so only the second day, with
			// R1-2 never seen, measures EWT: 200 s. Counts add up.
			name: "month", grain: GrainMonth, now: at(d2),
			days: []qDay{
				qualityDay(d1, map[string]int{"R1-1": 0, "R1-2": 300, "R1-3": 0, "R1-4": 0, "R1-5": 0}),
				qualityDay(d2, map[string]int{"R1-1": 0, "R1-3": 0, "R1-4": 0}),
			},
			want: []want{
				{"route", "R1", 9, 0, 1, 8, 8, 0, 0, true, 200},
				{"route", "R2", 6, 0, 6, 0, 0, 0, 0, false, 0},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			routes, agencies := measure(c.days, c.grain, c.now, names)
			got := map[string]QualityRow{}
			for _, r := range append(routes, agencies...) {
				got[r.Kind+":"+r.ID] = r
			}
			for _, w := range c.want {
				r, ok := got[w.kind+":"+w.id]
				if !ok {
					t.Fatalf("no row for %s %s: %+v", w.kind, w.id, got)
				}
				if r.Scheduled != w.scheduled || r.Cancelled != w.cancelled || r.Missed != w.missed || r.Observed != w.observed ||
					r.OnTime != w.on || r.Early != w.e || r.Late != w.l || r.Frequent != w.frequent || math.Abs(r.EWT-w.ewt) > 1e-9 {
					t.Errorf("%s %s = %+v, want %+v", w.kind, w.id, r, w)
				}
				if w.kind == "route" && r.Name != names["route:"+w.id] {
					t.Errorf("name %q", r.Name)
				}
			}
			if c.grain == GrainMonth && (len(routes) != 2 || routes[0].Period != "2026-11") {
				t.Errorf("month rows: %+v", routes)
			}
		})
	}
	if got := (QualityRow{OnTime: 3, Observed: 4}).OnTimeShare(); got != 0.75 {
		t.Errorf("share %v", got)
	}
	if w, span, ok := meanWait([]int64{0, 600_000, 1_200_000, 1_800_000}); !ok || w != 300 || span != 1800 {
		t.Errorf("meanWait = %v %v %v", w, span, ok)
	}
	if _, _, ok := meanWait([]int64{5}); ok {
		t.Error("one time has no headway")
	}
}

// TestQualityFromRealtime feeds trip updates and vehicle positions
// through IngestRealtime for a generated network (a line every 10
// minutes) and reads the report; staff of another municipality and
// residents are refused.
func TestQualityFromRealtime(t *testing.T) {
	moscow, _ := time.LoadLocation("Europe/Moscow")
	var buf bytes.Buffer
	err := Generate(&buf, GenSpec{Agency: "МУП", AgencyURL: "https://example.org", TimeZone: "Europe/Moscow",
		Places: []Place{{"Альфа", 58.7, 29.8}, {"Бета", 58.75, 29.9}}, Routes: 1, StopsPerRoute: 3,
		WeekdayEvery: 10, WeekendEvery: 60, FirstMinute: 7 * 60, LastMinute: 8 * 60, StartDate: "20260101", EndDate: "20261231", SpeedKMH: 40})
	if err != nil {
		t.Fatal(err)
	}
	// Wednesday 25 November 2026, 12:00 in Moscow: every trip is due.
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, moscow)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Now: func() time.Time { return now }})
		f := importZip(t, svc, muniA, "gen.zip", buf.Bytes())
		if f.Status != StatusActive {
			t.Fatalf("import: %+v", f.Notices)
		}
		trips, _, err := svc.st.qualityTrips(context.Background(), f.No)
		if err != nil {
			t.Fatal(err)
		}
		var out []qTrip // direction 0 on weekdays, in order
		for _, tr := range trips {
			if tr.service == "weekday" && tr.dir == 0 {
				out = append(out, tr.qTrip)
			}
		}
		if len(out) != 7 || len(out[0].stops) != 3 {
			t.Fatalf("generated trips: %d", len(out))
		}
		base := serviceDayStart(time.Date(2026, 11, 25, 0, 0, 0, 0, moscow), moscow)
		at := func(tr qTrip, k, delay int) int64 {
			return base.Add(time.Duration(tr.stops[k].sec+delay) * time.Second).Unix()
		}
		msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"), Timestamp: proto.Uint64(uint64(now.Unix()))}}
		ent := func(e *gtfs.FeedEntity) {
			e.Id = proto.String(fmt.Sprint(len(msg.Entity)))
			msg.Entity = append(msg.Entity, e)
		}
		// Trip 1 on time at its three stops (absolute times).
		tu := &gtfs.TripUpdate{Trip: &gtfs.TripDescriptor{TripId: proto.String(out[0].id), StartDate: proto.String("20261125")}}
		for k, st := range out[0].stops {
			tu.StopTimeUpdate = append(tu.StopTimeUpdate, &gtfs.TripUpdate_StopTimeUpdate{StopSequence: proto.Uint32(uint32(st.seq)),
				Departure: &gtfs.TripUpdate_StopTimeEvent{Time: proto.Int64(at(out[0], k, 30))}})
		}
		ent(&gtfs.FeedEntity{TripUpdate: tu})
		// Trip 2 six minutes late at its first stop (a delay), and a
		// prediction for tomorrow that must not count.
		ent(&gtfs.FeedEntity{TripUpdate: &gtfs.TripUpdate{Trip: &gtfs.TripDescriptor{TripId: proto.String(out[1].id), StartDate: proto.String("20261125")},
			StopTimeUpdate: []*gtfs.TripUpdate_StopTimeUpdate{{StopId: proto.String(out[1].stops[0].stop), Departure: &gtfs.TripUpdate_StopTimeEvent{Delay: proto.Int32(360)}}}}})
		ent(&gtfs.FeedEntity{TripUpdate: &gtfs.TripUpdate{Trip: &gtfs.TripDescriptor{TripId: proto.String(out[1].id), StartDate: proto.String("20261126")},
			StopTimeUpdate: []*gtfs.TripUpdate_StopTimeUpdate{{StopSequence: proto.Uint32(uint32(out[1].stops[0].seq)), Departure: &gtfs.TripUpdate_StopTimeEvent{Delay: proto.Int32(0)}}}}})
		// Trip 3 cancelled.
		ent(&gtfs.FeedEntity{TripUpdate: &gtfs.TripUpdate{Trip: &gtfs.TripDescriptor{TripId: proto.String(out[2].id), StartDate: proto.String("20261125"),
			ScheduleRelationship: gtfs.TripDescriptor_CANCELED.Enum()}}})
		// Trip 4 seen by its bus stopped at the second stop two minutes early.
		ent(&gtfs.FeedEntity{Vehicle: &gtfs.VehiclePosition{Vehicle: &gtfs.VehicleDescriptor{Id: proto.String("bus-1")},
			Trip:          &gtfs.TripDescriptor{TripId: proto.String(out[3].id), StartDate: proto.String("20261125")},
			Position:      &gtfs.Position{Latitude: proto.Float32(58.7), Longitude: proto.Float32(29.8)},
			CurrentStatus: gtfs.VehiclePosition_STOPPED_AT.Enum(), CurrentStopSequence: proto.Uint32(uint32(out[3].stops[1].seq)),
			Timestamp: proto.Uint64(uint64(at(out[3], 1, -120)))}})
		// Trip 5's bus, in transit, reports a position at its third stop
		// (within 30 m) a minute late; trip 6's bus is a kilometre from
		// any of its stops, which says nothing.
		third, err := svc.st.stop(context.Background(), f.No, out[4].stops[2].stop)
		if err != nil {
			t.Fatal(err)
		}
		ent(&gtfs.FeedEntity{Vehicle: &gtfs.VehiclePosition{Vehicle: &gtfs.VehicleDescriptor{Id: proto.String("bus-2")},
			Trip:      &gtfs.TripDescriptor{TripId: proto.String(out[4].id), StartDate: proto.String("20261125")},
			Position:  &gtfs.Position{Latitude: proto.Float32(float32(third.Lat + 0.0001)), Longitude: proto.Float32(float32(third.Lon))},
			Timestamp: proto.Uint64(uint64(at(out[4], 2, 60)))}})
		ent(&gtfs.FeedEntity{Vehicle: &gtfs.VehiclePosition{Vehicle: &gtfs.VehicleDescriptor{Id: proto.String("bus-3")},
			Trip:      &gtfs.TripDescriptor{TripId: proto.String(out[5].id), StartDate: proto.String("20261125")},
			Position:  &gtfs.Position{Latitude: proto.Float32(float32(third.Lat + 0.01)), Longitude: proto.Float32(float32(third.Lon))},
			Timestamp: proto.Uint64(uint64(at(out[5], 2, 0)))}})
		body, _ := proto.Marshal(msg)
		if _, err := svc.IngestRealtime(as(operatorOf(muniA)), muniA.ID, body); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM transport_observations WHERE tenant_id = $1`, muniA.ID).Scan(&n); err != nil || n != 6 {
			t.Fatalf("observations: %d %v", n, err)
		}

		day := time.Date(2026, 11, 25, 0, 0, 0, 0, moscow)
		q, err := svc.Quality(as(operatorOf(muniA)), muniA.Slug, day, day, GrainDay)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Routes) != 1 || len(q.Agencies) != 1 {
			t.Fatalf("rows: %+v %+v", q.Routes, q.Agencies)
		}
		// 14 weekday trips (7 each way); seen: trips 1, 2, 4 and 5; trip
		// 3 cancelled; 10 missed. Events: 4 on time, 1 late, 1 early.
		r := q.Routes[0]
		if r.Period != "2026-11-25" || r.Name != "101" || r.Scheduled != 14 || r.Cancelled != 1 || r.Missed != 10 || r.Observed != 6 ||
			r.OnTime != 4 || r.Late != 1 || r.Early != 1 || !r.Frequent {
			t.Errorf("route row %+v", r)
		}
		if a := q.Agencies[0]; a.Name != "МУП" || a.Observed != 6 || a.Missed != 10 {
			t.Errorf("agency row %+v", a)
		}

		// Tomorrow's prediction was not stored as an observation.
		q, err = svc.Quality(as(adminOf(muniA)), muniA.Slug, day.AddDate(0, 0, 1), day.AddDate(0, 0, 1), GrainDay)
		if err != nil || len(q.Routes) != 1 || q.Routes[0].Observed != 0 || q.Routes[0].Scheduled != 0 {
			t.Errorf("tomorrow: %+v %v", q.Routes, err)
		}

		// Refusals: another municipality's staff, a resident, bad ranges.
		resident := &auth.Actor{Kind: auth.User, ID: "r", Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
		for _, a := range []*auth.Actor{operatorOf(muniB), adminOf(muniB), resident} {
			if _, err := svc.Quality(as(a), muniA.Slug, day, day, GrainDay); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: %v", a.ID, err)
			}
		}
		for _, c := range []struct {
			from, to time.Time
			grain    string
		}{{day, day.AddDate(0, 0, -1), GrainDay}, {day, day.AddDate(0, 0, 94), GrainMonth}, {day, day, "week"}} {
			if _, err := svc.Quality(as(adminOf(muniA)), muniA.Slug, c.from, c.to, c.grain); !errors.Is(err, ErrInvalid) {
				t.Errorf("%v..%v %s: %v", c.from, c.to, c.grain, err)
			}
		}
		// A cancellation withdrawn: the trip runs again.
		again := &gtfs.FeedMessage{Header: msg.Header, Entity: []*gtfs.FeedEntity{{Id: proto.String("x"), TripUpdate: &gtfs.TripUpdate{
			Trip: &gtfs.TripDescriptor{TripId: proto.String(out[2].id), StartDate: proto.String("20261125")}}}}}
		body, _ = proto.Marshal(again)
		if _, err := svc.IngestRealtime(as(operatorOf(muniA)), muniA.ID, body); err != nil {
			t.Fatal(err)
		}
		q, _ = svc.Quality(as(adminOf(muniA)), muniA.Slug, day, day, GrainDay)
		if q.Routes[0].Cancelled != 0 || q.Routes[0].Missed != 10 {
			t.Errorf("after the cancellation was withdrawn: %+v", q.Routes[0])
		}
		// The other municipality has no observations of its own.
		if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM transport_observations WHERE tenant_id = $1`, muniB.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("muni B observations: %d %v", n, err)
		}
	})
}

// TestDemoObservations plays two days of the generated network through
// the ingest: the report then has trips seen, on time and missed, and
// the same day replayed gives the same report.
func TestDemoObservations(t *testing.T) {
	moscow, _ := time.LoadLocation("Europe/Moscow")
	var buf bytes.Buffer
	if err := Generate(&buf, GenSpec{Agency: "МУП", AgencyURL: "https://example.org", TimeZone: "Europe/Moscow",
		Places: []Place{{"Альфа", 58.7, 29.8}, {"Бета", 58.75, 29.9}, {"Гамма", 58.8, 29.7}}, Routes: 2, StopsPerRoute: 6,
		WeekdayEvery: 15, WeekendEvery: 30, FirstMinute: 6 * 60, LastMinute: 22 * 60, StartDate: "20260101", EndDate: "20261231", SpeedKMH: 40}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 23, 30, 0, 0, moscow)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Now: func() time.Time { return now }})
		importZip(t, svc, muniA, "gen.zip", buf.Bytes())
		if _, err := svc.DemoObservations(as(operatorOf(muniB)), muniA.ID, 2); !errors.Is(err, ErrForbidden) {
			t.Errorf("another municipality's operator played the demo: %v", err)
		}
		n, err := svc.DemoObservations(as(operatorOf(muniA)), muniA.ID, 2)
		if err != nil || n == 0 {
			t.Fatalf("demo: %d %v", n, err)
		}
		day := time.Date(2026, 11, 24, 0, 0, 0, 0, moscow)
		q1, err := svc.Quality(as(adminOf(muniA)), muniA.Slug, day, day.AddDate(0, 0, 1), GrainMonth)
		if err != nil || len(q1.Agencies) != 1 {
			t.Fatalf("report: %+v %v", q1.Agencies, err)
		}
		a := q1.Agencies[0]
		if a.Scheduled == 0 || a.Observed == 0 || a.OnTime == 0 || a.Late == 0 || a.Missed == 0 || a.OnTimeShare() < 0.5 || a.MissedPercent() > 20 {
			t.Errorf("demo day: %+v", a)
		}
		if _, err := svc.DemoObservations(as(operatorOf(muniA)), muniA.ID, 2); err != nil {
			t.Fatal(err)
		}
		q2, _ := svc.Quality(as(adminOf(muniA)), muniA.Slug, day, day.AddDate(0, 0, 1), GrainMonth)
		if b := q2.Agencies[0]; b.Observed != a.Observed || b.OnTime != a.OnTime || b.Missed != a.Missed {
			t.Errorf("replayed: %+v, first %+v", b, a)
		}
	})
}
