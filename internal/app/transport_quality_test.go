package app_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"google.golang.org/protobuf/proto"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestTransportQualityInBrowser: an operator's system reports four trips
// of one line at its first stop ten days ago — on time, one minute late,
// two minutes late and ten minutes late — through the GTFS-Realtime
// ingest; the municipality's administrator opens the punctuality report
// from the feeds page and reads the line's on-time share, 75 %. The CSV
// carries the same; residents are refused.
func TestTransportQualityInBrowser(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	slug := world.Municipality
	m, err := a.Transport.Municipality(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.Transport.Overview(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(m.TimeZone)
	day := time.Now().In(loc).AddDate(0, 0, -10)
	at := time.Date(day.Year(), day.Month(), day.Day(), 6, 0, 0, 0, loc)
	var deps []struct {
		trip, route, date string
		seq               int
	}
	for _, st := range o.Stops {
		next, err := a.Transport.NextDepartures(ctx, slug, st.ID, at, 20)
		if err != nil {
			t.Fatal(err)
		}
		deps = deps[:0]
		for _, d := range next {
			if d.RouteID == next[0].RouteID && len(deps) < 4 && d.ServiceDate.Day() == day.Day() {
				deps = append(deps, struct {
					trip, route, date string
					seq               int
				}{d.TripID, d.RouteID, d.ServiceDate.Format("20060102"), d.Seq})
			}
		}
		if len(deps) == 4 {
			break
		}
	}
	if len(deps) != 4 {
		t.Fatal("no stop with four departures of one line")
	}
	msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"), Timestamp: proto.Uint64(uint64(time.Now().Unix()))}}
	for i, delay := range []int32{0, 60, 120, 600} {
		d := deps[i]
		msg.Entity = append(msg.Entity, &gtfs.FeedEntity{Id: proto.String(d.trip), TripUpdate: &gtfs.TripUpdate{
			Trip: &gtfs.TripDescriptor{TripId: proto.String(d.trip), StartDate: proto.String(d.date)},
			StopTimeUpdate: []*gtfs.TripUpdate_StopTimeUpdate{{StopSequence: proto.Uint32(uint32(d.seq)),
				Departure: &gtfs.TripUpdate_StopTimeEvent{Delay: proto.Int32(delay)}}}}})
	}
	body, _ := proto.Marshal(msg)
	if _, err := a.Transport.IngestRealtime(app.AsSystem(ctx), m.ID, body); err != nil {
		t.Fatal(err)
	}
	var routeName string
	for _, r := range o.Routes {
		if r.ID == deps[0].route {
			routeName = r.Name()
		}
	}
	date := day.Format("2006-01-02")
	report := ts.URL + "/m/" + slug + "/transport/quality?from=" + date + "&to=" + date

	// Over HTTP: residents are refused, a bad range is a clear 400, the CSV
	// says 3 of 4 on time.
	resident := transportClient(t, ts.URL, world.Logins[len(world.Logins)-1].Email)
	if status, _ := transportGet(t, resident, report); status != http.StatusForbidden {
		t.Errorf("a resident opened the report: %d", status)
	}
	admin := transportClient(t, ts.URL, adminEmail(t, world))
	if status, body := transportGet(t, admin, report+"&grain=week"); status != http.StatusBadRequest || !strings.Contains(body, "Период задан неверно") {
		t.Errorf("bad grain: %d", status)
	}
	status, csvBody := transportGet(t, admin, report+"&format=csv")
	rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if status != http.StatusOK || err != nil {
		t.Fatalf("csv: %d %v", status, err)
	}
	found := false
	for _, r := range rows {
		if r[0] == "route" && r[1] == deps[0].route {
			found = true
			if r[3] != date || r[7] != "4" || r[8] != "3" || r[10] != "1" || r[11] != "0.7500" {
				t.Errorf("csv row %v", r)
			}
		}
	}
	if !found {
		t.Errorf("no row for route %s in\n%s", deps[0].route, csvBody)
	}

	b := browsertest.New(t)
	b.Open(ts.URL + "/login")
	b.Fill("#email", adminEmail(t, world))
	b.Fill("#password", "muni-demo-2026")
	b.Submit(`form[action="/login"] button[type=submit]`)
	b.Resize(browsertest.Phone)
	b.Open(ts.URL + "/m/" + slug + "/transport/feeds")
	b.Follow(`a[href="/m/` + slug + `/transport/quality"]`)
	b.Contains("main", "Пунктуальность", "По маршрутам", "По перевозчикам")
	b.Axe("transport/quality")
	b.NoHorizontalScroll()
	b.Select("#from", date) // a date input takes its value as set, not typed
	b.Select("#to", date)
	b.Submit(`main form button[type=submit]`)
	b.Contains("#q-routes + .table-wrap", routeName, "75.0 %")
	b.Open(report + "&sort=ontime&dir=desc")
	if got := b.Text("#q-routes + .table-wrap tbody tr:first-child"); !strings.Contains(got, "75.0 %") {
		t.Errorf("sorted by on-time share, the measured line is not first: %q", got)
	}
	b.Axe("transport/quality sorted")
}
