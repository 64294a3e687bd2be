package transport

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"google.golang.org/protobuf/proto"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestRealtime(t *testing.T) {
	dir := sampleDir(t)
	fixture, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "gtfs-realtime-bindings", "test", "vehicle_position.pb"))
	if err != nil {
		t.Fatalf("gtfs-realtime-bindings is missing (run npm ci): %v", err)
	}
	var want gtfs.FeedMessage
	if err := proto.Unmarshal(fixture, &want); err != nil || len(want.GetEntity()) != 1 {
		t.Fatalf("fixture: %v", err)
	}
	warsaw, _ := time.LoadLocation("Europe/Warsaw")
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		now := time.Date(2019, 5, 6, 15, 0, 0, 0, warsaw)
		svc := New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Now: func() time.Time { return now }})
		f := importDir(t, svc, muniA, dir)
		if _, err := svc.Activate(as(adminOf(muniA)), f.ID); err != nil {
			t.Fatal(err)
		}
		// The bindings' own fixture: one vehicle position.
		res, err := svc.IngestRealtime(as(operatorOf(muniA)), muniA.ID, fixture)
		if err != nil || res.Vehicles != 1 {
			t.Fatalf("fixture: %+v %v", res, err)
		}
		vs, err := svc.st.vehicles(context.Background(), muniA.ID, 0)
		wv := want.GetEntity()[0].GetVehicle()
		if err != nil || len(vs) != 1 || vs[0].Lat != float64(wv.GetPosition().GetLatitude()) || vs[0].Lon != float64(wv.GetPosition().GetLongitude()) {
			t.Fatalf("vehicle %+v %v, want %v", vs, err, wv)
		}
		// A trip update: Ada downtown three minutes late from stop 4 on.
		msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"), Timestamp: proto.Uint64(uint64(now.Unix()))},
			Entity: []*gtfs.FeedEntity{
				{Id: proto.String("1"), TripUpdate: &gtfs.TripUpdate{
					Trip: &gtfs.TripDescriptor{TripId: proto.String("a-downtown-all-day"), StartDate: proto.String("20190506")},
					StopTimeUpdate: []*gtfs.TripUpdate_StopTimeUpdate{{StopSequence: proto.Uint32(4),
						Departure: &gtfs.TripUpdate_StopTimeEvent{Delay: proto.Int32(180)}}}}},
				{Id: proto.String("2"), TripUpdate: &gtfs.TripUpdate{
					Trip: &gtfs.TripDescriptor{TripId: proto.String("c-downtown-all-day"), StartDate: proto.String("20190506"),
						ScheduleRelationship: gtfs.TripDescriptor_CANCELED.Enum()}}},
			}}
		body, _ := proto.Marshal(msg)
		if _, err := svc.IngestRealtime(as(operatorOf(muniB)), muniA.ID, body); !errors.Is(err, ErrForbidden) {
			t.Fatalf("another municipality's operator pushed: %v", err)
		}
		if _, err := svc.IngestRealtime(as(operatorOf(muniA)), muniA.ID, []byte("not protobuf at all")); !errors.Is(err, ErrInvalid) {
			t.Fatalf("garbage accepted: %v", err)
		}
		if res, err := svc.IngestRealtime(as(operatorOf(muniA)), muniA.ID, body); err != nil || res.Trips != 2 {
			t.Fatalf("trip updates: %+v %v", res, err)
		}
		deps, err := svc.NextDepartures(context.Background(), muniA.Slug, "center", now, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ada, cerf, other Departure
		for _, d := range deps {
			switch d.TripID {
			case "a-downtown-all-day":
				ada = d
			case "c-downtown-all-day":
				cerf = d
			default:
				other = d
			}
		}
		if !ada.Realtime || ada.Delay != 180 || ada.DelayMinutes() != 3 || !ada.Expected().Equal(ada.At.Add(3*time.Minute)) {
			t.Errorf("Ada: %+v", ada)
		}
		if !cerf.Canceled {
			t.Errorf("Cerf not cancelled: %+v", cerf)
		}
		if other.Realtime {
			t.Errorf("a trip without updates has live data: %+v", other)
		}
		// Our own feed carries what we were told.
		out, err := svc.RealtimeFeed(context.Background(), muniA.Slug)
		if err != nil {
			t.Fatal(err)
		}
		var got gtfs.FeedMessage
		if err := proto.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		trips, vehicles := 0, 0
		for _, e := range got.GetEntity() {
			if tu := e.GetTripUpdate(); tu != nil {
				trips++
				if tu.GetTrip().GetTripId() == "a-downtown-all-day" && (len(tu.GetStopTimeUpdate()) != 1 || tu.GetStopTimeUpdate()[0].GetDeparture().GetDelay() != 180) {
					t.Errorf("published update %v", tu)
				}
				if tu.GetTrip().GetTripId() == "c-downtown-all-day" && tu.GetTrip().GetScheduleRelationship() != gtfs.TripDescriptor_CANCELED {
					t.Errorf("published cancellation %v", tu)
				}
			}
			if v := e.GetVehicle(); v != nil {
				vehicles++
				if v.GetPosition().GetLatitude() != wv.GetPosition().GetLatitude() {
					t.Errorf("published vehicle %v", v)
				}
			}
		}
		if trips != 2 || vehicles != 1 {
			t.Errorf("published %d trip updates and %d vehicles", trips, vehicles)
		}
		// An hour later the updates are stale and say nothing.
		now = now.Add(time.Hour)
		deps, _ = svc.NextDepartures(context.Background(), muniA.Slug, "center", now.Add(-time.Hour), 10)
		for _, d := range deps {
			if d.Realtime {
				t.Errorf("stale update applied: %+v", d)
			}
		}
	})
}

func TestPollRealtime(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "gtfs-realtime-bindings", "test", "vehicle_position.pb"))
	if err != nil {
		t.Fatalf("gtfs-realtime-bindings is missing (run npm ci): %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/vehicles.pb":
			w.Write(fixture)
		case "/huge.pb":
			w.Write(make([]byte, MaxRealtimeBytes+10))
		default:
			http.Error(w, "no", http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		ctx := as(operatorOf(muniA))
		if res, err := svc.PollRealtime(ctx, srv.Client(), muniA.ID, srv.URL+"/vehicles.pb"); err != nil || res.Vehicles != 1 {
			t.Fatalf("poll: %+v %v", res, err)
		}
		for _, p := range []string{"/down.pb", "/huge.pb"} {
			if _, err := svc.PollRealtime(ctx, srv.Client(), muniA.ID, srv.URL+p); err == nil {
				t.Errorf("%s: no error", p)
			}
		}
		if _, err := svc.PollRealtime(as(operatorOf(muniB)), srv.Client(), muniA.ID, srv.URL+"/vehicles.pb"); !errors.Is(err, ErrForbidden) {
			t.Errorf("another municipality polled: %v", err)
		}
	})
}
