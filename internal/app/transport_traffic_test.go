package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/transport"
)

// apiCall sends a JSON request with an API key and returns the status,
// content type and body.
func apiCall(t *testing.T, method, u, key, body string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// operatorKey is an API key with an operator's grant on the municipality.
func operatorKey(t *testing.T, a *app.App, slug string) string {
	t.Helper()
	ctx := context.Background()
	m, err := a.Territory.NodeBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	admin := &auth.Actor{Kind: auth.User, ID: "test-admin", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}}
	_, key, err := a.Identity.CreateAPIKey(auth.With(ctx, admin), identity.APIKeyInput{Name: "traffic-" + slug, Role: "operator", ScopeID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// trafficDemo is the demo server with its main municipality as the
// traffic service sees it.
func trafficDemo(t *testing.T) (*app.App, *app.DemoWorld, *httptest.Server, transport.Municipality) {
	t.Helper()
	a, world, ts := newDemoServer(t)
	m, err := a.Traffic.Municipality(context.Background(), world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	return a, world, ts, m
}

// TestTrafficDemoAndPages: the demo's detectors give the centre's street
// a jammed evening peak and the bypass free flow; the pages and the
// JSON API show segments and road works, and refuse bad input in the
// protocol's format.
func TestTrafficDemoAndPages(t *testing.T) {
	a, world, ts, m := trafficDemo(t)
	ctx := context.Background()
	slug := world.Municipality
	loc, _ := time.LoadLocation(m.TimeZone)
	yesterday := time.Now().In(loc).AddDate(0, 0, -1)
	centre, err := a.Traffic.SegmentPage(ctx, slug, "S-01", yesterday)
	if err != nil {
		t.Fatal(err)
	}
	bypass, err := a.Traffic.SegmentPage(ctx, slug, "S-03", yesterday)
	if err != nil {
		t.Fatal(err)
	}
	if s := centre.Summary; s.Observed != 24 || s.PeakTTI < 2 || s.PeakHour.Hour() < 16 || s.PeakHour.Hour() > 19 || s.Congested < 2 {
		t.Errorf("centre yesterday: %+v", s)
	}
	if s := bypass.Summary; s.Observed != 24 || s.PeakTTI >= 1.6 || s.Level() != transport.LevelFree {
		t.Errorf("bypass yesterday: %+v", s)
	}
	// Lane 2 of TD-04 is silent at night: the bypass is partial then.
	if h := bypass.Hours[3]; !h.Partial() || h.Lanes != 3 || h.LanesKnown != 4 {
		t.Errorf("bypass at 03:00: %+v", h)
	}
	if h := centre.Hours[12]; h.Level() != transport.LevelFree {
		t.Errorf("centre at noon: %+v", h)
	}

	anon := transportClient(t, ts.URL, "")
	base := ts.URL + "/m/" + slug + "/transport"
	status, body := transportGet(t, anon, base+"/traffic")
	if status != http.StatusOK || !strings.Contains(body, "ул. Ленина: центр — вокзал") || !strings.Contains(body, `data-geojson=`) {
		t.Fatalf("traffic map: %d\n%s", status, body)
	}
	status, body = transportGet(t, anon, base+"/traffic/S-01?date="+yesterday.Format("2006-01-02"))
	if status != http.StatusOK || !strings.Contains(body, `data-chart=`) || !strings.Contains(body, "затор") {
		t.Fatalf("segment page: %d\n%s", status, body)
	}
	if status, _ = transportGet(t, anon, base+"/traffic/S-01?date=yesterday"); status != http.StatusBadRequest {
		t.Errorf("bad date: %d", status)
	}
	if status, _ = transportGet(t, anon, base+"/traffic/S-404"); status != http.StatusNotFound {
		t.Errorf("unknown segment: %d", status)
	}
	status, body = transportGet(t, anon, base+"/works")
	if status != http.StatusOK || !strings.Contains(body, "Ремонт водопровода на ул. Ленина") || !strings.Contains(body, "Замена асфальта") ||
		strings.Contains(body, "Ямочный ремонт") {
		t.Fatalf("works page: %d\n%s", status, body)
	}
	if _, body = transportGet(t, anon, base+"/"); !strings.Contains(body, `href="/m/`+slug+`/transport/works"`) {
		t.Error("the transport page does not link the road works")
	}

	// The JSON list other domains and apps read.
	api := ts.URL + "/api/v1/municipalities/" + slug + "/transport"
	status, _, body = apiCall(t, "GET", api+"/works", "", "")
	var list struct{ Current, Planned []transport.RoadWork }
	if err := json.Unmarshal([]byte(body), &list); status != http.StatusOK || err != nil || len(list.Current) != 2 || len(list.Planned) != 1 {
		t.Fatalf("works API: %d %v\n%s", status, err, body)
	}
	if status, ct, body := apiCall(t, "GET", api+"/works?at=tomorrow", "", ""); status != http.StatusBadRequest ||
		ct != "application/problem+json" || !strings.Contains(body, `"at"`) {
		t.Errorf("works API with a bad moment: %d %s\n%s", status, ct, body)
	}

	// Officials post works over the API; bad input is problem+json.
	key := operatorKey(t, a, slug)
	if status, _, _ := apiCall(t, "POST", api+"/works", "", `{"title":"x"}`); status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("anonymous POST: %d", status)
	}
	status, ct, body := apiCall(t, "POST", api+"/works", key, `{"title":"","contractor":"ООО","geometry":{"type":"Point","coordinates":[300,0]},"starts":"2026-12-01T08:00:00Z","ends":"2026-11-01T08:00:00Z","impact":"lane_closed"}`)
	if status != http.StatusUnprocessableEntity && status != http.StatusBadRequest || ct != "application/problem+json" ||
		!strings.Contains(body, `"title"`) || !strings.Contains(body, `"geometry"`) || !strings.Contains(body, `"ends"`) {
		t.Errorf("invalid works: %d %s\n%s", status, ct, body)
	}
	if status, ct, _ := apiCall(t, "POST", api+"/works", key, `{"title": "x", "colour": "red"}`); status != http.StatusBadRequest || ct != "application/problem+json" {
		t.Errorf("unknown field: %d %s", status, ct)
	}
	status, _, body = apiCall(t, "POST", api+"/works", key, fmt.Sprintf(`{"title":"Ремонт тротуара","contractor":"ООО «Тротуар»","geometry":{"type":"Point","coordinates":[29.85,58.74]},"starts":%q,"ends":%q,"impact":"lane_closed"}`,
		time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)))
	if status != http.StatusCreated {
		t.Fatalf("works over the API: %d\n%s", status, body)
	}
	if status, ct, body := apiCall(t, "PUT", api+"/segments/S-09", key, `{"name":"x","geometry":{"type":"Point","coordinates":[29,58]},"free_flow_kmh":60,"detectors":[]}`); status != http.StatusUnprocessableEntity && status != http.StatusBadRequest ||
		ct != "application/problem+json" || !strings.Contains(body, `"detectors"`) || !strings.Contains(body, `"geometry"`) {
		t.Errorf("invalid segment: %d %s\n%s", status, ct, body)
	}

	// The resident may not open the form; the administrator gets field
	// messages and then publishes.
	resident := transportClient(t, ts.URL, world.Logins[len(world.Logins)-1].Email)
	if status, _ := transportGet(t, resident, base+"/works/new"); status != http.StatusForbidden {
		t.Errorf("a resident opened the works form: %d", status)
	}
	admin := transportClient(t, ts.URL, adminEmail(t, world))
	if status, body := transportGet(t, admin, base+"/works/new"); status != http.StatusOK || !strings.Contains(body, `name="contractor"`) {
		t.Fatalf("works form: %d", status)
	}
	form := url.Values{"title": {"Ремонт ливнёвки"}, "contractor": {""}, "lat": {"58.74"}, "lon": {"29.85"}, "starts": {"2026-12-01T08:00"},
		"ends": {"2026-12-03T18:00"}, "impact": {"road_closed"}, "status": {"scheduled"}}
	res, err := admin.PostForm(base+"/works", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Укажите подрядчика") || !strings.Contains(string(b), "Опишите объезд") ||
		!strings.Contains(string(b), `value="Ремонт ливнёвки"`) {
		t.Fatalf("invalid form: %d\n%s", res.StatusCode, b)
	}
	form.Set("contractor", "МУП «Водосток»")
	form.Set("detour", "По ул. Кирова")
	res, err = admin.PostForm(base+"/works", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/m/"+slug+"/transport/works/") ||
		!strings.Contains(string(b), "Ремонт ливнёвки") || !strings.Contains(string(b), "По ул. Кирова") || !strings.Contains(string(b), "01.12.2026 08:00") {
		t.Fatalf("published works: %d %s\n%s", res.StatusCode, res.Request.URL.Path, b)
	}
	editURL := ts.URL + res.Request.URL.Path + "/edit"
	if status, body := transportGet(t, admin, editURL); status != http.StatusOK || !strings.Contains(body, `value="58.74"`) {
		t.Errorf("edit form: %d", status)
	}
}

// TestTrafficDetectorOverHTTP: a new detector is registered in metering
// like any meter, its lane readings are posted to /api/v1/readings, a
// segment is put over the API, and the segments API shows its
// congestion: one pipeline from the detector to the index.
func TestTrafficDetectorOverHTTP(t *testing.T) {
	a, world, ts, m := trafficDemo(t)
	ctx := app.AsSystem(context.Background())
	slug := world.Municipality
	sys := auth.From(ctx)
	now := time.Now().UTC().Truncate(time.Minute)
	for _, step := range []func() error{
		func() error {
			_, err := a.Metering.CreatePoint(ctx, sys, m.ID, metering.PointInput{Code: "TD-99", Network: "ROADS", Name: "Новый детектор", Role: metering.RoleInternal})
			return err
		},
		func() error {
			_, err := a.Metering.CreateDevice(ctx, sys, m.ID, metering.DeviceInput{Serial: "TD-99-LOOP"})
			return err
		},
		func() error {
			_, err := a.Metering.Install(ctx, sys, m.ID, metering.InstallationInput{Device: "TD-99-LOOP", Point: "TD-99", From: now.Add(-24 * time.Hour)})
			return err
		},
		func() error {
			_, err := a.Metering.CreateChannel(ctx, sys, m.ID, metering.ChannelInput{Device: "TD-99-LOOP", Name: "l1.speed", Quantity: "speed", Unit: "km/h", Kind: "instantaneous"})
			return err
		},
		func() error {
			_, err := a.Metering.CreateChannel(ctx, sys, m.ID, metering.ChannelInput{Device: "TD-99-LOOP", Name: "l1.intensity", Quantity: "intensity", Unit: "veh/h", Kind: "instantaneous"})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	key := operatorKey(t, a, slug)
	var lines []string
	for i, v := range []float64{30, 20} { // two five-minute intervals: harmonic mean 24 km/h
		at := now.Add(time.Duration(-10+5*i) * time.Minute).Unix()
		lines = append(lines, fmt.Sprintf(`{"device":"TD-99-LOOP","channel":"l1.speed","ts":%d,"value":%g}`, at, v),
			fmt.Sprintf(`{"device":"TD-99-LOOP","channel":"l1.intensity","ts":%d,"value":600}`, at))
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/readings?municipality="+slug, strings.NewReader(strings.Join(lines, "\n")))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ingest metering.Result
	json.NewDecoder(res.Body).Decode(&ingest)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || ingest.Stored != 4 {
		t.Fatalf("ingest: %d %+v", res.StatusCode, ingest)
	}
	api := ts.URL + "/api/v1/municipalities/" + slug + "/transport/segments"
	if status, _, body := apiCall(t, "PUT", api+"/S-99", key, `{"name":"Новая улица","geometry":{"type":"LineString","coordinates":[[29.84,58.73],[29.85,58.73]]},"free_flow_kmh":48,"detectors":["TD-99"]}`); status != http.StatusOK {
		t.Fatalf("put segment: %d\n%s", status, body)
	}
	status, _, body := apiCall(t, "GET", api, "", "")
	var out struct {
		Segments []struct {
			Code string
			Now  *struct {
				TTI      float64 `json:"tti"`
				Level    string  `json:"level"`
				SpeedKmh float64 `json:"speed_kmh"`
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &out); status != http.StatusOK || err != nil {
		t.Fatalf("segments: %d %v\n%s", status, err, body)
	}
	found := false
	for _, s := range out.Segments {
		if s.Code == "S-99" {
			found = true
			if s.Now == nil || s.Now.SpeedKmh != 24 || s.Now.TTI != 2 || s.Now.Level != transport.LevelJammed {
				t.Errorf("S-99 now: %+v", s.Now)
			}
		}
	}
	if !found || len(out.Segments) != 4 {
		t.Errorf("segments: %s", body)
	}
	// Another municipality's key may not change this one's segments.
	other := operatorKey(t, a, "gatchina")
	if status, _, _ := apiCall(t, "DELETE", api+"/S-99", other, ""); status != http.StatusForbidden {
		t.Errorf("another municipality's key deleted a segment: %d", status)
	}
	if status, _, _ := apiCall(t, "DELETE", api+"/S-99", key, ""); status != http.StatusNoContent {
		t.Errorf("delete: %d", status)
	}
}

// TestRoadWorksInBrowser: a resident opens the road works map on a phone
// and sees the works going on now with their period; the pages pass axe
// at phone and desktop width.
func TestRoadWorksInBrowser(t *testing.T) {
	a, world, ts, m := trafficDemo(t)
	ctx := context.Background()
	slug := world.Municipality
	now, err := a.Traffic.CurrentWorks(ctx, m.ID, time.Now())
	if err != nil || len(now) == 0 {
		t.Fatalf("no current works: %v", err)
	}
	var pipe transport.RoadWork
	for _, w := range now {
		if w.Impact == transport.ImpactLaneClosed {
			pipe = w
		}
	}
	loc, _ := time.LoadLocation(m.TimeZone)
	period := "с " + pipe.Starts.In(loc).Format("02.01.2006 15:04") + " по " + pipe.Ends.In(loc).Format("02.01.2006 15:04")

	b := browsertest.New(t)
	b.Resize(browsertest.Phone)
	b.Open(ts.URL + "/m/" + slug + "/transport/")
	b.Follow(`a[href="/m/` + slug + `/transport/works"]`)
	b.Contains("main", "Дорожные работы", "Идут сейчас", pipe.Title, "закрыта полоса", period, "Запланированы", "Замена асфальта")
	if !b.Has("#works-map .leaflet-interactive") {
		t.Error("the works are not drawn on the map")
	}
	b.Axe("transport/works")
	b.NoHorizontalScroll()
	b.Screenshot("works-phone")
	b.Follow(`a[href="/m/` + slug + `/transport/works/` + pipe.ID + `"]`)
	b.Contains("main", pipe.Title, period, "идут сейчас")
	b.Axe("transport/work")
	b.NoHorizontalScroll()
	b.Open(ts.URL + "/m/" + slug + "/transport/traffic")
	b.Contains("main", "ул. Ленина: центр — вокзал", "Объездная дорога")
	b.Axe("transport/traffic")
	b.NoHorizontalScroll()
	b.Screenshot("traffic-phone")
	b.Open(ts.URL + "/m/" + slug + "/transport/traffic/S-01")
	if !b.Has(".chart canvas") {
		t.Error("the segment chart is not drawn")
	}
	b.Axe("transport/segment")
	b.NoHorizontalScroll()
	b.Screenshot("segment-phone")
	b.Resize(browsertest.Desktop)
	b.Open(ts.URL + "/m/" + slug + "/transport/works")
	b.Contains("main", pipe.Title, period)
	b.Screenshot("works-desktop")
	b.Open(ts.URL + "/m/" + slug + "/transport/traffic/S-01")
	b.Axe("transport/segment")
	b.Screenshot("segment-desktop")

	// An official publishes works on a phone: the form names what is
	// missing, then the works are on the map.
	b.Open(ts.URL + "/login")
	b.Fill("#email", adminEmail(t, world))
	b.Fill("#password", "muni-demo-2026")
	b.Submit(`form[action="/login"] button[type=submit]`)
	b.Resize(browsertest.Phone)
	b.Open(ts.URL + "/m/" + slug + "/transport/works")
	b.Follow(`a[href="/m/` + slug + `/transport/works/new"]`)
	b.Axe("transport/work_form")
	b.NoHorizontalScroll()
	b.Fill("#title", "Ремонт ливневой канализации на ул. Кирова")
	b.Fill("#lat", "58.737")
	b.Fill("#lon", "29.850")
	b.Select("#impact", "detour")
	b.Submit(`main form button[type=submit]`)
	b.Contains("main", "Исправьте отмеченные поля", "Укажите подрядчика", "Опишите объезд")
	b.Axe("transport/work_form with errors")
	b.Screenshot("work-form-errors")
	b.Fill("#contractor", "МУП «Водосток»")
	b.Select("#detour", "По ул. Садовой") // an empty textarea is set, not cleared and typed into
	b.Submit(`main form button[type=submit]`)
	b.Contains("main", "Ремонт ливневой канализации на ул. Кирова", "объезд", "По ул. Садовой", "Изменить сведения о работах")
	b.NoHorizontalScroll()
}

// TestRoadSegmentsInBrowser: an official finds road segments in the
// administration index, draws a new segment by clicking the map (one
// click too many, taken back), picks its detector and saves it; the list
// shows it, the official renames it, and removes it after confirming.
// The pages pass axe and are screenshotted at phone and desktop width.
func TestRoadSegmentsInBrowser(t *testing.T) {
	a, world, ts, m := trafficDemo(t)
	slug := world.Municipality
	list := "/m/" + slug + "/transport/segments"

	b := browsertest.New(t)
	b.Open(ts.URL + "/login")
	b.Fill("#email", adminEmail(t, world))
	b.Fill("#password", "muni-demo-2026")
	b.Submit(`form[action="/login"] button[type=submit]`)
	b.Open(ts.URL + "/admin/")
	b.Follow(`a[href="` + list + `"]`)
	b.Contains("main", "Участки дорог", "ул. Ленина: центр — вокзал", "S-03", "TD-03, TD-04")
	b.Both("segments")

	b.Follow(`a[href="` + list + `/new"]`)
	b.Contains("main", "Добавить участок", "Линия участка", "TD-01")
	var box struct{ X, Y, W, H float64 }
	// Leaflet loads deferred: wait until it has drawn the map.
	b.EvalInto(`(async () => {
		const el = document.querySelector("#line-map");
		for (let i = 0; i < 200 && !el.classList.contains("leaflet-container"); i++) await new Promise(r => setTimeout(r, 25));
		el.scrollIntoView({block: "center"});
		const r = el.getBoundingClientRect();
		return {X: r.x, Y: r.y, W: r.width, H: r.height};
	})()`, &box)
	if box.W == 0 || box.H == 0 || !b.Has("#line-tools:not([hidden])") {
		t.Fatal("the segment form shows no map to draw on")
	}
	for _, f := range [][2]float64{{0.3, 0.7}, {0.45, 0.55}, {0.6, 0.5}, {0.8, 0.2}} {
		b.Do(chromedp.MouseClickXY(box.X+f[0]*box.W, box.Y+f[1]*box.H))
	}
	b.Do(chromedp.Click(chromedp.CSS(`#line-tools [data-line=undo]`)))
	var points string
	b.EvalInto(`document.querySelector("#geometry").value`, &points)
	if n := len(strings.Split(strings.TrimSpace(points), "\n")); n != 3 {
		t.Fatalf("the map put %d points in the form, want 3:\n%s", n, points)
	}
	b.Contains("#line-status", "Точек: 3")
	b.Fill("#code", "S-10")
	b.Fill("#name", "ул. Кирова: школа — парк")
	b.Fill("#free_flow_kmh", "40")
	b.Both("segment-form")
	b.Submit(`main form button[type=submit]`)
	b.Contains("main", "Исправьте отмеченные поля", "Нужно от 1 до 20 детекторов")
	b.Axe("transport/segment_form with errors")
	b.Screenshot("segment-form-errors")
	b.Check(`input[name=detectors][value="TD-02"]`)
	b.Submit(`main form button[type=submit]`)
	b.Contains("main", "Участок «ул. Кирова: школа — парк» сохранён.", "S-10", "TD-02")

	s, err := a.Traffic.Segment(app.AsSystem(context.Background()), m.ID, "S-10")
	if err != nil {
		t.Fatal(err)
	}
	var line [][2]float64
	if err := json.Unmarshal(s.Geometry.Coordinates, &line); err != nil || len(line) != 3 || s.LengthM < 10 {
		t.Fatalf("the drawn segment: %s, %v m, %v", s.Geometry.Coordinates, s.LengthM, err)
	}
	for _, p := range line { // the map was framed by the municipality: the points are near Luga
		if p[0] < 27.5 || p[0] > 32 || p[1] < 57.5 || p[1] > 60 {
			t.Errorf("a drawn point far from the municipality: %v", p)
		}
	}

	b.Resize(browsertest.Phone)
	b.Follow(`a[href="` + list + `/S-10/edit"]`)
	b.Contains("main", "Участок S-10")
	b.Fill("#name", "ул. Кирова: школа — стадион")
	b.Submit(`main form button[type=submit]`)
	b.Contains("main", "Участок «ул. Кирова: школа — стадион» сохранён.")
	b.NoHorizontalScroll()
	b.Screenshot("segments-after-edit")
	if s, err := a.Traffic.Segment(app.AsSystem(context.Background()), m.ID, "S-10"); err != nil || s.Name != "ул. Кирова: школа — стадион" ||
		string(s.Geometry.Coordinates) != string(mustJSON(t, line)) {
		t.Errorf("after the edit: %+v %v", s, err)
	}

	b.Open(ts.URL + list + "/S-10/edit")
	b.Follow(`a[href="` + list + `/S-10/delete"]`)
	b.Contains("main", "Удалить участок «ул. Кирова: школа — стадион»?")
	b.Both("segment-delete")
	b.Submit(`main form button.danger`)
	b.Contains("main", "Участок удалён.")
	if _, err := a.Traffic.Segment(app.AsSystem(context.Background()), m.ID, "S-10"); !errors.Is(err, transport.ErrNotFound) {
		t.Errorf("after removal: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
