package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"google.golang.org/protobuf/proto"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// transportClient signs in with the demo password (or stays anonymous
// when email is "") and speaks Russian.
func transportClient(t *testing.T, base, email string) *http.Client {
	t.Helper()
	if email == "" {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar}
	}
	return signedInClient(t, base, app.DemoLogin{Email: email, Password: "muni-demo-2026"})
}

func transportGet(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	status, _, b := getRaw(t, c, u)
	return status, string(b)
}

func uploadGTFS(t *testing.T, c *http.Client, u, name string, body []byte) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(body)
	mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Request.URL.Path, string(b)
}

// TestTransportPages walks the demo network as a resident and imports
// the sample feed as the municipality's administrator.
func TestTransportPages(t *testing.T) {
	a, world, ts := newDemoServer(t)
	slug := world.Municipality
	anon := transportClient(t, ts.URL, "")
	status, body := transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/")
	if status != http.StatusOK || !strings.Contains(body, "автостанция") || !strings.Contains(body, `class="map"`) {
		t.Fatalf("overview: %d\n%s", status, body)
	}
	o, err := a.Transport.Overview(context.Background(), slug)
	if err != nil || len(o.Stops) == 0 || len(o.Routes) == 0 {
		t.Fatalf("overview: %v", err)
	}
	status, body = transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/stops/"+url.PathEscape(o.Stops[0].ID)+"?at=2026-11-27T07:00")
	if status != http.StatusOK || !strings.Contains(body, "Ближайшие отправления") || !strings.Contains(body, "<strong class=\"nowrap\">07:") {
		t.Fatalf("stop page: %d\n%s", status, body)
	}
	if status, _ = transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/stops/nowhere"); status != http.StatusNotFound {
		t.Errorf("unknown stop: %d", status)
	}
	if status, _ = transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/routes/"+o.Routes[0].ID); status != http.StatusOK {
		t.Errorf("route page: %d", status)
	}

	status, body = transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/planning?date=2026-11-25&min=1")
	if status != http.StatusOK || !strings.Contains(body, "Население рядом с частыми остановками") || !strings.Contains(body, "badge ok") {
		t.Errorf("planning: %d\n%s", status, body)
	}
	// The Decree 607 indicator: the demo's settlements along its bus lines
	// have regular service to the centre.
	mu, err := a.Transport.Municipality(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := a.Transport.CentreAccessOf(context.Background(), mu.ID, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if err != nil || !ca.HasCentre || len(ca.Settlements) < 2 || ca.Population == 0 {
		t.Fatalf("centre access: %+v %v", ca, err)
	}
	t.Logf("demo: %.1f %% of %d residents without regular service to %s (%d settlements)", ca.SharePercent(), ca.Population, ca.Centre, len(ca.Settlements))
	if !strings.Contains(body, "Жители без регулярного автобусного сообщения") || !strings.Contains(body, fmt.Sprintf("%.1f %%", ca.SharePercent())) {
		t.Errorf("planning page lacks the indicator %.1f %%", ca.SharePercent())
	}
	if status, _ = transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/planning?min=lots"); status != http.StatusBadRequest {
		t.Errorf("planning with a bad parameter: %d", status)
	}

	res, err := anon.Get(ts.URL + "/m/" + slug + "/transport/gtfs-rt.pb")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Errorf("GTFS-Realtime feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, err := anon.Post(ts.URL+"/api/v1/municipalities/"+slug+"/transport/gtfs-rt", "application/x-protobuf", strings.NewReader("x")); err != nil || res.StatusCode < 400 {
		t.Errorf("anonymous push accepted: %v", err)
	} else {
		res.Body.Close()
	}

	feeds := ts.URL + "/m/" + slug + "/transport/feeds"
	sample, err := os.ReadFile("../../node_modules/sample-gtfs-feed/gtfs.zip")
	if err != nil {
		t.Fatalf("sample-gtfs-feed is missing (run npm ci): %v", err)
	}
	resident := transportClient(t, ts.URL, world.Logins[len(world.Logins)-1].Email)
	if status, _, _ := uploadGTFS(t, resident, feeds, "gtfs.zip", sample); status != http.StatusForbidden {
		t.Errorf("a resident uploaded a feed: %d", status)
	}
	admin := transportClient(t, ts.URL, adminEmail(t, world))
	status, path, body := uploadGTFS(t, admin, feeds, "gtfs.zip", sample)
	if status != http.StatusOK || !strings.HasPrefix(path, "/m/"+slug+"/transport/feeds/") || !strings.Contains(body, "inconsistent_agency_timezone") {
		t.Fatalf("upload: %d %s\n%s", status, path, body)
	}
	if status, _, body := uploadGTFS(t, admin, feeds, "broken.zip", []byte("not a zip at all")); status != http.StatusUnprocessableEntity || !strings.Contains(body, "не читается как zip") {
		t.Errorf("corrupt upload: %d\n%s", status, body)
	}
	res, err = admin.Get(ts.URL + path + "/gtfs.zip")
	if err != nil {
		t.Fatal(err)
	}
	zipped, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(zipped, []byte("PK")) {
		t.Errorf("export: %d", res.StatusCode)
	}
	// The sample has errors, so the demo network stays the active one.
	if status, body = transportGet(t, anon, ts.URL+"/m/"+slug+"/transport/"); status != http.StatusOK || !strings.Contains(body, "автостанция") {
		t.Errorf("the active network changed: %d", status)
	}
}

// adminEmail is the demo municipality's administrator.
func adminEmail(t *testing.T, w *app.DemoWorld) string {
	t.Helper()
	for _, l := range w.Logins {
		if l.Role == "municipal_admin" && strings.HasPrefix(l.Scope, "Лужский") {
			return l.Email
		}
	}
	t.Fatal("no administrator in the demo")
	return ""
}

// TestTransportStopInBrowser: a resident opens a stop of the demo network
// on a phone and sees the next departures with the delay an operator's
// GTFS-Realtime update reported; the pages pass axe.
func TestTransportStopInBrowser(t *testing.T) {
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
	stop := o.Stops[len(o.Stops)/2]
	loc, _ := time.LoadLocation(m.TimeZone)
	at := time.Now().In(loc)
	at = time.Date(at.Year(), at.Month(), at.Day(), 7, 0, 0, 0, loc)
	next, err := a.Transport.NextDepartures(ctx, slug, stop.ID, at, 1)
	if err != nil || len(next) == 0 {
		t.Fatalf("no departures from %s: %v", stop.ID, err)
	}
	msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"), Timestamp: proto.Uint64(uint64(time.Now().Unix()))},
		Entity: []*gtfs.FeedEntity{{Id: proto.String("1"), TripUpdate: &gtfs.TripUpdate{
			Trip:  &gtfs.TripDescriptor{TripId: proto.String(next[0].TripID), StartDate: proto.String(next[0].ServiceDate.Format("20060102"))},
			Delay: proto.Int32(300)}}}}
	body, _ := proto.Marshal(msg)
	if _, err := a.Transport.IngestRealtime(app.AsSystem(ctx), m.ID, body); err != nil {
		t.Fatal(err)
	}

	// A bus of that trip reports where it is.
	vmsg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"), Timestamp: proto.Uint64(uint64(time.Now().Unix()))},
		Entity: []*gtfs.FeedEntity{{Id: proto.String("v"), Vehicle: &gtfs.VehiclePosition{
			Vehicle:  &gtfs.VehicleDescriptor{Id: proto.String("bus-17"), Label: proto.String("АБ 123 47")},
			Trip:     &gtfs.TripDescriptor{TripId: proto.String(next[0].TripID), RouteId: proto.String(next[0].RouteID)},
			Position: &gtfs.Position{Latitude: proto.Float32(float32(stop.Lat)), Longitude: proto.Float32(float32(stop.Lon)), Speed: proto.Float32(8.4)}}}}}
	vbody, _ := proto.Marshal(vmsg)
	if _, err := a.Transport.IngestRealtime(app.AsSystem(ctx), m.ID, vbody); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	b.Resize(browsertest.Phone)
	b.Open(ts.URL + "/m/" + slug + "/transport/")
	b.Contains("main", "Маршруты", "Остановки", "Транспорт на линии сейчас", "АБ 123 47", "30 км/ч")
	b.Axe("transport/overview")
	b.NoHorizontalScroll()
	b.Open(ts.URL + "/m/" + slug + "/transport/stops/" + url.PathEscape(stop.ID) + "?at=" + at.Format("2006-01-02T15:04"))
	b.Contains("main", "Ближайшие отправления", next[0].At.Format("15:04"), "опаздывает на 5 мин, ожидается в "+next[0].At.Add(5*time.Minute).Format("15:04"))
	b.Axe("transport/stop")
	b.NoHorizontalScroll()
	b.Open(ts.URL + "/m/" + slug + "/transport/planning")
	b.Contains("main", "Жители без регулярного автобусного сообщения с административным центром", "административный центр")
	b.Axe("transport/planning")
	b.Screenshot("transport-planning")
	b.Resize(browsertest.Desktop)
	b.Open(ts.URL + "/m/" + slug + "/transport/planning")
	b.Screenshot("transport-planning")
	b.Open(ts.URL + "/m/" + slug + "/transport/routes/" + url.PathEscape(next[0].RouteID))
	b.Axe("transport/route")
}
