package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/workplace"
)

// TestSimulatedLeakAndOutageEndToEnd sends the simulator's readings to
// the demo over HTTP (POST /api/v1/readings under an API key), lets the
// ingest pipeline mark and the rollup job roll them up, runs the
// detectors, and checks what officials and residents then see: a
// night-flow alarm for each leaking zone, an outage with its public
// notice and map, a building's interruption ledger entry, incidents in
// the work queue, the dashboard and the monthly exports.
func TestSimulatedLeakAndOutageEndToEnd(t *testing.T) {
	a, _, ts := newDemoServer(t)
	ctx := context.Background()
	luga, err := a.Territory.NodeBySlug(ctx, "luga")
	if err != nil {
		t.Fatal(err)
	}
	admin := &auth.Actor{Kind: auth.User, ID: "test-admin", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}}
	_, key, err := a.Identity.CreateAPIKey(auth.With(ctx, admin), identity.APIKeyInput{Name: "simulator", Role: "operator", ScopeID: luga.ID})
	if err != nil {
		t.Fatal(err)
	}
	to := time.Now().Truncate(15 * time.Minute)
	o := metering.SimOptions{Points: 12, ZoneSize: 6, Interval: 15 * time.Minute, From: to.AddDate(0, 0, -12), To: to,
		Leak: 1, Outage: "SIM-Z002", Seed: 5}
	st, err := a.SimulateMeters(ctx, "luga", o, metering.HTTPSender(ctx, ts.Client(), ts.URL, "luga", key))
	if err != nil {
		t.Fatal(err)
	}
	if st.Readings < 12*96*11 {
		t.Fatalf("sent %+v", st)
	}
	for {
		n, err := a.Metering.RollupPending(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
		if n < 500 {
			break
		}
	}
	w := metering.NewWatch(a.Metering, a.Outbox, metering.Rules{})
	if _, err := w.Detect(ctx, luga.ID); err != nil {
		t.Fatal(err)
	}
	op := &auth.Actor{Kind: auth.User, ID: "test-operator", Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: luga.ID, ScopePath: luga.Path}}}
	alarms, err := w.Alarms(ctx, op, luga.ID, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := map[metering.AlarmKind][]string{}
	for _, al := range alarms {
		found[al.Kind] = append(found[al.Kind], al.TargetName)
	}
	if len(found[metering.AlarmNightFlow]) < 2 || len(found[metering.AlarmOutage]) != 1 || found[metering.AlarmOutage][0] != "Симулируемая зона 2" {
		t.Fatalf("alarms %v", found)
	}

	// Residents see the outage on the public page and in its JSON.
	var public struct{ Outages []metering.Outage }
	fetchJSON(t, ts.URL+"/api/v1/municipalities/luga/outages", &public)
	var detected []metering.Outage // the demo's planned works are there too
	for _, o := range public.Outages {
		if !o.Planned {
			detected = append(detected, o)
		}
	}
	if len(detected) != 1 || detected[0].Service != metering.ServiceColdWater ||
		len(detected[0].Addresses) != 6 || len(detected[0].Objects) != 6 {
		t.Fatalf("detected public outages %+v", detected)
	}
	page := fetch(t, ts.URL+"/m/luga/outages", "", http.StatusOK)
	if !strings.Contains(page, "Симуляционная ул., 7") || !strings.Contains(page, "data-geojson") {
		t.Fatal("the public outage page lacks the address or the map")
	}

	// The building's ledger holds the interruption, still open.
	ledger, err := w.Ledger(ctx, op, luga.ID, "SIM-B00007", to)
	if err != nil || len(ledger) != 1 || len(ledger[0].Interruptions) != 1 || ledger[0].Interruptions[0].To != nil {
		t.Fatalf("ledger %+v %v", ledger, err)
	}

	// Officials find the incidents in their queue and on the dashboard.
	items, err := a.Workplace.Queue(ctx, op, workplace.Filter{Source: "metering"})
	if err != nil {
		t.Fatal(err)
	}
	var outageItem bool
	for _, it := range items {
		outageItem = outageItem || (it.Kind == "metering.alarm.kind.outage" && strings.HasPrefix(it.URL, "/m/luga/resources#alarm-"))
	}
	if !outageItem {
		t.Fatalf("no outage incident in the queue: %+v", items)
	}
	dash := fetch(t, ts.URL+"/m/luga/resources", key, http.StatusOK)
	for _, want := range []string{"Утечка: ночной расход выше нормы", "Симулируемая зона 2", "data-chart", "SIM-B00007", "Водный баланс по методике IWA"} {
		if !strings.Contains(dash, want) {
			t.Fatalf("dashboard lacks %q", want)
		}
	}
	building := fetch(t, ts.URL+"/m/luga/resources/buildings/SIM-B00007", key, http.StatusOK)
	if !strings.Contains(building, "SIM-M00007") || !strings.Contains(building, "Холодная вода") {
		t.Fatal("building page lacks its meter or its interruption")
	}
	fetch(t, ts.URL+"/m/luga/resources", "", http.StatusOK) // a visitor is sent to sign in (followed to the login page)
	csv := fetch(t, ts.URL+"/m/luga/resources/export.csv?month="+to.Format("2006-01"), key, http.StatusOK)
	if lines := strings.Count(csv, "\n"); lines < 13 || !strings.Contains(csv, "SIM-B00001,") {
		t.Fatalf("CSV export (%d lines):\n%s", lines, csv)
	}
	if x := fetch(t, ts.URL+"/m/luga/resources/export.xlsx", key, http.StatusOK); !strings.HasPrefix(x, "PK") {
		t.Fatal("XLSX export is not a zip package")
	}
	fetch(t, ts.URL+"/m/luga/resources/export.csv?month=11-2026", key, http.StatusBadRequest)

	// Officials announce planned works: bad input comes back with its
	// messages and stores nothing; a good one is published at once.
	bad := post(t, ts.URL+"/m/luga/resources/outages", key, url.Values{"service": {"hot_water"}, "zone": {"SIM-Z001"},
		"starts": {"2026-12-01T10:00"}, "ends": {"2026-12-01T09:00"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(bad, "Укажите причину") || !strings.Contains(bad, "Окончание должно быть позже начала") {
		t.Fatal("the refused form does not say what is wrong")
	}
	starts := to.Add(48 * time.Hour).In(time.FixedZone("MSK", 3*3600))
	post(t, ts.URL+"/m/luga/resources/outages", key, url.Values{"service": {"hot_water"}, "zone": {"SIM-Z001"}, "reason": {"Промывка"},
		"starts": {starts.Format("2006-01-02T15:04")}, "ends": {starts.Add(6 * time.Hour).Format("2006-01-02T15:04")}}, http.StatusSeeOther)
	fetchJSON(t, ts.URL+"/api/v1/municipalities/luga/outages", &public)
	if len(public.Outages) != 3 { // the demo's planned works, the detected outage, the new works
		t.Fatalf("after planning: %+v", public.Outages)
	}

	// An alarm is taken on from the dashboard; another municipality's
	// key sees nothing of it.
	post(t, ts.URL+"/m/luga/resources/alarms/"+alarms[0].ID+"/acknowledge", key, nil, http.StatusSeeOther)
	if al, err := w.Alarm(ctx, op, luga.ID, alarms[0].ID); err != nil || al.Status != metering.AlarmAcknowledged {
		t.Fatalf("after acknowledging: %+v %v", al, err)
	}
	other, err := a.Territory.NodeBySlug(ctx, "gatchina")
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, err := a.Identity.CreateAPIKey(auth.With(ctx, admin), identity.APIKeyInput{Name: "other", Role: "operator", ScopeID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	fetch(t, ts.URL+"/m/luga/resources", otherKey, http.StatusForbidden)
	fetch(t, ts.URL+"/m/luga/resources/export.csv", otherKey, http.StatusForbidden)
	post(t, ts.URL+"/m/luga/resources/alarms/"+alarms[0].ID+"/clear", otherKey, nil, http.StatusForbidden)
}

// post submits a form with an API key, not following redirects, and
// checks the status.
func post(t *testing.T, u, key string, form url.Values, status int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+key)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("POST %s: %s, want %d\n%.500s", u, resp.Status, status, b)
	}
	return string(b)
}

// fetch fetches a page, with an API key when key is set, and checks its status.
func fetch(t *testing.T, url, key string, status int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %s, want %d\n%.500s", url, resp.Status, status, b)
	}
	return string(b)
}

func fetchJSON(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(fetch(t, url, "", http.StatusOK)), v); err != nil {
		t.Fatal(err)
	}
}

// TestMeteringPagesOnAPhone opens the metering pages with alarms, an
// outage and charts on a phone-sized Chromium: nothing wider than the
// screen, no script errors, no serious axe findings.
func TestMeteringPagesOnAPhone(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	to := time.Now().Truncate(15 * time.Minute)
	o := metering.SimOptions{Points: 12, ZoneSize: 6, Interval: 15 * time.Minute, From: to.AddDate(0, 0, -12), To: to, Leak: 1, Outage: "SIM-Z002", Seed: 5}
	if _, err := a.SimulateMeters(ctx, "luga", o, nil); err != nil {
		t.Fatal(err)
	}
	luga, err := a.Territory.NodeBySlug(ctx, "luga")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := metering.NewWatch(a.Metering, a.Outbox, metering.Rules{}).Detect(ctx, luga.ID); err != nil {
		t.Fatal(err)
	}
	var email, password string
	for _, l := range world.Logins {
		if l.Role == "platform_admin" && l.Password != "" {
			email, password = l.Email, l.Password
		}
	}
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	j.b.Resize(browsertest.Phone)
	check := func(p string) {
		j.b.OpenAny(ts.URL + p)
		j.b.NoHorizontalScroll()
		j.b.Axe(p)
		j.b.NoPageErrors(p)
	}
	check("/m/luga/outages")
	if !j.b.Has("#outage-map .leaflet-interactive") {
		t.Fatal("the public outage map drew no buildings")
	}
	j.signIn(email, password)
	for _, p := range []string{"/m/luga/resources/buildings/SIM-B00007", "/m/luga/resources/outages/new", "/m/luga/resources"} {
		check(p)
	}
	if !j.b.Has(".chart[data-drawn] .uplot") {
		t.Fatal("the dashboard drew no uPlot chart")
	}
	// The demo's zones lose what they were designed to lose, from the
	// first day on (their meters were installed at their first readings).
	if body := j.b.Text("main"); !strings.Contains(body, "8.0 %") || !strings.Contains(body, "12.0 %") {
		t.Errorf("the dashboard lacks the demo's 8 %% water and 12 %% heat losses:\n%.2000s", body)
	}
	// The registry's edit forms: a device, and the meter swap on a point.
	for _, p := range []string{"/m/luga/metering/devices/SIM-M00001", "/m/luga/metering/points/SIM-P-SIM-M00001"} {
		check(p)
	}
	if !j.b.Has(`form[action$="/swap"] #swap_at`) {
		t.Error("the point page has no meter swap form for an administrator")
	}
	// The registry's entry forms: a zone with its balance points, an object.
	for _, p := range []string{"/m/luga/metering", "/m/luga/metering/edit/zone/SIM-Z001", "/m/luga/metering/edit/object/SIM-B00007"} {
		check(p)
		j.b.Screenshot("metering-" + p[len("/m/luga/metering"):])
		if strings.Contains(p, "/zone/") && (!j.b.Has(`form[action$="/boundary"] select#point`) || !j.b.Has(`form[action$="/retire"] button.danger`)) {
			t.Error("the zone form has no balance-point or retire form")
		}
	}
}
