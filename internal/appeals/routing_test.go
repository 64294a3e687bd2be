package appeals

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/events"
)

// box is a GeoJSON polygon from lon0,lat0 to lon1,lat1.
func boxJSON(lon0, lat0, lon1, lat1 float64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
		lon0, lat0, lon1, lat0, lon1, lat1, lon0, lat1, lon0, lat0))
}

// Muni A is cut at 30.3° E into a west and an east district; muni B has
// none.
var (
	west = District{ID: "west", Name: "Западный", NameEN: "West", Boundary: boxJSON(29.5, 59.5, 30.3, 60.5)}
	east = District{ID: "east", Name: "Восточный", NameEN: "East", Boundary: boxJSON(30.3, 59.5, 31, 60.5)}
)

type districtPlaces struct{ fakePlaces }

func (districtPlaces) Districts(_ context.Context, muniID string) ([]District, error) {
	if muniID == muniA.ID {
		return []District{west, east}, nil
	}
	return nil, nil
}

// metresEast is the longitude step of m metres east at lat.
func metresEast(m, lat float64) float64 { return m / (metresPerDegree * math.Cos(lat*math.Pi/180)) }

func TestLocate(t *testing.T) {
	lat := 59.9
	// Far north and far east: a district of Anadyr across the antimeridian.
	chukotka := District{ID: "chukotka", Boundary: json.RawMessage(`{"type":"MultiPolygon","coordinates":[
		[[[177,64],[180,64],[180,66],[177,66],[177,64]]],[[[-180,64],[-178,64],[-178,66],[-180,66],[-180,64]]]]}`)}
	overlapping := District{ID: "overlap", Boundary: boxJSON(29.8, 59.8, 30.0, 60.0)}
	for _, tc := range []struct {
		name   string
		p      Point
		ds     []District
		id     string
		reason string
	}{
		{"deep inside the west", Point{Lat: lat, Lon: 29.9}, []District{west, east}, "west", ""},
		{"deep inside the east", Point{Lat: lat, Lon: 30.6}, []District{west, east}, "east", ""},
		{"20 m east of the shared edge", Point{Lat: lat, Lon: 30.3 + metresEast(20, lat)}, []District{west, east}, "", TriageNearBoundary},
		// 40 m on the ground at 59.9° N is 0.00072° of longitude: a
		// distance in raw degrees of latitude would call it 20 m.
		{"40 m east of the shared edge", Point{Lat: lat, Lon: 30.3 + metresEast(40, lat)}, []District{west, east}, "east", ""},
		{"29 m west of the shared edge", Point{Lat: lat, Lon: 30.3 - metresEast(29, lat)}, []District{west, east}, "", TriageNearBoundary},
		{"25 m inside the northern edge", Point{Lat: 60.5 - 25/metresPerDegree, Lon: 29.9}, []District{west, east}, "", TriageNearBoundary},
		{"35 m inside the northern edge", Point{Lat: 60.5 - 35/metresPerDegree, Lon: 29.9}, []District{west, east}, "west", ""},
		{"20 m outside every district", Point{Lat: 59.5 - 20/metresPerDegree, Lon: 29.9}, []District{west, east}, "", TriageNearBoundary},
		{"far outside", Point{Lat: 55.75, Lon: 37.6}, []District{west, east}, "", TriageOutside},
		{"no districts", Point{Lat: lat, Lon: 29.9}, nil, "", TriageOutside},
		{"an unreadable boundary is skipped", Point{Lat: lat, Lon: 29.9}, []District{{ID: "bad", Boundary: json.RawMessage(`{"type":"Point"`)}, west}, "west", ""},
		{"in two overlapping districts", Point{Lat: lat, Lon: 29.9}, []District{west, overlapping}, "", TriageNearBoundary},
		{"across the antimeridian, west part", Point{Lat: 65, Lon: -179}, []District{chukotka}, "chukotka", ""},
		{"across the antimeridian, east part", Point{Lat: 65, Lon: 178}, []District{chukotka}, "chukotka", ""},
		{"across the antimeridian, 9 km from the split", Point{Lat: 65, Lon: 179.8}, []District{chukotka}, "chukotka", ""},
		{"across the antimeridian, outside", Point{Lat: 65, Lon: -177}, []District{chukotka}, "", TriageOutside},
	} {
		id, reason := Locate(tc.p, tc.ds)
		if id != tc.id || reason != tc.reason {
			t.Errorf("%s: %q %q, want %q %q", tc.name, id, reason, tc.id, tc.reason)
		}
	}
}

func TestDecide(t *testing.T) {
	cat := &Category{ID: "pothole", DepartmentID: "roads"}
	bare := &Category{ID: "pothole"}
	inWest, onEdge := &Point{Lat: 59.9, Lon: 29.9}, &Point{Lat: 59.9, Lon: 30.3}
	any := Route{CategoryID: "pothole", DepartmentID: "city"}
	westRule := Route{CategoryID: "pothole", DistrictID: "west", DepartmentID: "west-roads"}
	eastRule := Route{CategoryID: "pothole", DistrictID: "east", DepartmentID: "east-roads"}
	other := Route{CategoryID: "snow", DistrictID: "west", DepartmentID: "snow"}
	districts := func() ([]District, error) { return []District{west, east}, nil }
	for _, tc := range []struct {
		name  string
		cat   *Category
		rules []Route
		p     *Point
		want  Routing
	}{
		{"no category", nil, []Route{any}, inWest, Routing{}},
		{"no rules: the category's department", cat, nil, onEdge, Routing{DepartmentID: "roads"}},
		{"no rules, no department", bare, nil, inWest, Routing{Triage: TriageNoRule}},
		{"another category's rules do not apply", bare, []Route{other}, inWest, Routing{Triage: TriageNoRule}},
		{"an anywhere rule beats the default, wherever the pin", cat, []Route{any}, onEdge, Routing{DepartmentID: "city"}},
		{"a district rule", cat, []Route{any, westRule}, inWest, Routing{DepartmentID: "west-roads", DistrictID: "west"}},
		{"near the boundary", cat, []Route{westRule, eastRule}, onEdge, Routing{Triage: TriageNearBoundary}},
		{"outside", cat, []Route{westRule}, &Point{Lat: 55.75, Lon: 37.6}, Routing{Triage: TriageOutside}},
		{"no point", cat, []Route{westRule}, nil, Routing{Triage: TriageNoLocation}},
		{"a district without a rule takes the anywhere rule", cat, []Route{any, eastRule}, inWest, Routing{DepartmentID: "city", DistrictID: "west"}},
		{"then the default", cat, []Route{eastRule}, inWest, Routing{DepartmentID: "roads", DistrictID: "west"}},
		{"then triage", bare, []Route{eastRule}, inWest, Routing{DistrictID: "west", Triage: TriageNoRule}},
	} {
		got, err := decide(tc.cat, tc.rules, tc.p, districts)
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v %v, want %+v", tc.name, got, err, tc.want)
		}
	}
	boom := errors.New("territory down")
	if _, err := decide(cat, []Route{westRule}, inWest, func() ([]District, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("a failing territory: %v", err)
	}
}

// withDistricts rebuilds the test's service over places that know muni
// A's districts.
func withDistricts(e *env) {
	e.svc = New(Deps{DB: e.d, Audit: audit.New(e.d), Outbox: events.NewOutbox(e.d), Places: districtPlaces{newPlaces()},
		Officials: officials{"op-a-2": muniA.Path}, Now: func() time.Time { return e.now }})
}

func (e *env) triageRows() map[string]string {
	e.t.Helper()
	rows, err := e.d.Writer().Query("SELECT appeal_id, reason FROM appeals_triage WHERE resolved_ms IS NULL")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, reason string
		if err := rows.Scan(&id, &reason); err != nil {
			e.t.Fatal(err)
		}
		out[id] = reason
	}
	return out
}

func TestRoutingTable(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		withDistricts(e)
		pot := e.pothole(false)
		ctx := admin(muniA)
		before := e.counts()
		for _, tc := range []struct {
			name  string
			ctx   context.Context
			r     Route
			field string
			err   error
		}{
			{"an unknown district", ctx, Route{CategoryID: pot.ID, DistrictID: "north", DepartmentID: depA2.ID}, "district_id", nil},
			{"another municipality's department", ctx, Route{CategoryID: pot.ID, DepartmentID: depB1.ID}, "department_id", nil},
			{"no department", ctx, Route{CategoryID: pot.ID, DistrictID: "west"}, "department_id", nil},
			{"an unknown category", ctx, Route{CategoryID: "nope", DepartmentID: depA2.ID}, "category_id", nil},
			{"an operator", official("op", auth.RoleOperator, muniA, ""), Route{CategoryID: pot.ID, DepartmentID: depA2.ID}, "", ErrForbidden},
			{"another municipality's admin", admin(muniB), Route{CategoryID: pot.ID, DepartmentID: depA2.ID}, "", ErrForbidden},
		} {
			_, err := e.svc.SetRoute(tc.ctx, muniA.ID, tc.r)
			if tc.err != nil && !errors.Is(err, tc.err) || tc.err == nil && fieldsOf(err)[tc.field] == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := e.svc.SetRoute(admin(muniB), muniB.ID, Route{CategoryID: pot.ID, DepartmentID: depB1.ID}); fieldsOf(err)["category_id"] == "" {
			t.Errorf("muni B routes muni A's category: %v", err)
		}
		if after := e.counts(); !maps.Equal(before, after) {
			t.Errorf("refused rules wrote: %v -> %v", before, after)
		}
		must[Route](t)(e.svc.SetRoute(ctx, muniA.ID, Route{CategoryID: pot.ID, DistrictID: "west", DepartmentID: depA1.ID}))
		must[Route](t)(e.svc.SetRoute(ctx, muniA.ID, Route{CategoryID: pot.ID, DistrictID: "east", DepartmentID: depA1.ID}))
		must[Route](t)(e.svc.SetRoute(ctx, muniA.ID, Route{CategoryID: pot.ID, DistrictID: "east", DepartmentID: depA2.ID})) // replaces
		rs := must[[]Route](t)(e.svc.RoutingTable(ctx, muniA.ID))
		if len(rs) != 2 || rs[0].DistrictID != "east" || rs[0].DepartmentID != depA2.ID {
			t.Fatalf("table %+v", rs)
		}
		if _, err := e.svc.RoutingTable(official("op", auth.RoleOperator, muniA, ""), muniA.ID); !errors.Is(err, ErrForbidden) {
			t.Errorf("an operator reads the table: %v", err)
		}
		if err := e.svc.DeleteRoute(ctx, muniA.ID, pot.ID, "north"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting a missing rule: %v", err)
		}
		if err := e.svc.DeleteRoute(ctx, muniA.ID, pot.ID, "west"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'appeals.route.%'`).Scan(&n); err != nil || n != 4 {
			t.Errorf("%d route audit entries (%v), want 4", n, err)
		}
	})
}

func TestSubmitRoutesOrTriages(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		withDistricts(e)
		pot := e.pothole(false) // default department: roads (A1)
		ctx := admin(muniA)
		must[Route](t)(e.svc.SetRoute(ctx, muniA.ID, Route{CategoryID: pot.ID, DistrictID: "east", DepartmentID: depA2.ID}))
		submit := func(p *Point, address string) Appeal {
			t.Helper()
			return must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
				Description: "Глубокая яма у остановки «Школа».", Point: p, Address: address}))
		}
		inEast := submit(&Point{Lat: 59.9, Lon: 30.6}, "")
		inWest := submit(&Point{Lat: 59.9, Lon: 29.9}, "")
		onEdge := submit(&Point{Lat: 59.9, Lon: 30.3001}, "")
		noPin := submit(nil, "ул. Ленина, 1")
		if inEast.DepartmentID != depA2.ID || inWest.DepartmentID != depA1.ID || onEdge.DepartmentID != "" || noPin.DepartmentID != "" {
			t.Errorf("departments: east %q west %q edge %q no pin %q", inEast.DepartmentID, inWest.DepartmentID, onEdge.DepartmentID, noPin.DepartmentID)
		}
		if got := e.triageRows(); !maps.Equal(got, map[string]string{onEdge.ID: TriageNearBoundary, noPin.ID: TriageNoLocation}) {
			t.Errorf("triage %v", got)
		}
		if got := must[map[string]string](t)(e.svc.InTriage(admin(muniA), []string{inEast.ID, onEdge.ID, noPin.ID})); !maps.Equal(got,
			map[string]string{onEdge.ID: TriageNearBoundary, noPin.ID: TriageNoLocation}) {
			t.Errorf("InTriage %v", got)
		}
		// The triage filter of the queue.
		op := official("op-a", auth.RoleOperator, muniA, "")
		q := must[[]Summary](t)(e.svc.Queue(op, QueueFilter{Triage: true, OpenOnly: true}))
		ids := []string{}
		for _, s := range q {
			ids = append(ids, s.ID)
		}
		slices.Sort(ids)
		want := []string{onEdge.ID, noPin.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("triage queue %v, want %v", ids, want)
		}
		// A department's operator does not see unrouted items at all.
		if q := must[[]Summary](t)(e.svc.Queue(official("op-d", auth.RoleOperator, muniA, depA2.ID), QueueFilter{Triage: true})); len(q) != 0 {
			t.Errorf("a department's operator sees triage: %d", len(q))
		}
		// Routing out of triage: validated, then a history step that keeps the state.
		if steps := e.svc.Steps(op, onEdge); !slices.Contains(steps, ActRoute) {
			t.Errorf("steps of a triaged item %v", steps)
		}
		if steps := e.svc.Steps(op, inEast); slices.Contains(steps, ActRoute) {
			t.Errorf("steps of a routed item %v", steps)
		}
		before := e.counts()
		if _, err := e.svc.Route(op, onEdge.ID, depB1.ID); fieldsOf(err)["department_id"] == "" {
			t.Errorf("routed to another municipality: %v", err)
		}
		if _, err := e.svc.Route(resident("r1"), onEdge.ID, depA2.ID); !errors.Is(err, ErrForbidden) {
			t.Errorf("the author routes: %v", err)
		}
		if _, err := e.svc.Route(op, inEast.ID, depA1.ID); !errors.Is(err, ErrConflict) {
			t.Errorf("routing an item not in triage: %v", err)
		}
		if after := e.counts(); !maps.Equal(before, after) {
			t.Errorf("refused routing wrote: %v -> %v", before, after)
		}
		a := must[Appeal](t)(e.svc.Route(op, onEdge.ID, depA2.ID))
		last := a.History[len(a.History)-1]
		if a.DepartmentID != depA2.ID || a.State != Received || last.Action != ActRoute || last.From != Received || last.To != Received {
			t.Errorf("after routing: %s %s %+v", a.DepartmentID, a.State, last)
		}
		if _, ok := e.triageRows()[onEdge.ID]; ok {
			t.Error("still in triage after routing")
		}
		if _, err := e.svc.Route(op, onEdge.ID, depA1.ID); !errors.Is(err, ErrConflict) {
			t.Errorf("routing twice: %v", err)
		}
		// Assigning decides a triaged item too.
		must[Appeal](t)(e.svc.Register(op, noPin.ID))
		must[Appeal](t)(e.svc.Assign(op, noPin.ID, AssignInput{DepartmentID: depA1.ID}))
		if len(e.triageRows()) != 0 {
			t.Errorf("triage after assigning: %v", e.triageRows())
		}
		var n int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'appeals.appeal.route'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d route audit entries (%v)", n, err)
		}
		if evs := e.events(); !slices.Contains(evs, "appeal.routed") {
			t.Errorf("events %v", evs)
		}
	})
}

func TestRoutingOnTheWeb(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		withDistricts(e)
		pot := e.pothole(false)
		actors := map[string]*auth.Actor{"admin": auth.From(admin(muniA)), "op": auth.From(official("op", auth.RoleOperator, muniA, "")),
			"r1": auth.From(resident("r1"))}
		h := testServer(t, e.svc, actors)
		edge := must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
			Description: "Глубокая яма у остановки «Школа».", Point: &Point{Lat: 59.9, Lon: 30.6}}))
		for _, sc := range []scenario{
			{name: "the routing page", actor: "admin", method: "GET", path: "/m/a/appeals/routing", status: 200,
				want: []string{"Таблица маршрутизации", "Западный", "Восточный", "/appeals/admin/categories/" + pot.ID + "/questions"}},
			{name: "not for an operator", actor: "op", method: "GET", path: "/m/a/appeals/routing", status: 403},
			{name: "a bad rule", actor: "admin", method: "POST", path: "/m/a/appeals/routing", status: 400,
				form: url.Values{"category_id": {pot.ID}, "district_id": {"north"}, "department_id": {depA2.ID}}, want: []string{"Выберите район"}},
			{name: "a rule", actor: "admin", method: "POST", path: "/m/a/appeals/routing", status: 303, writes: true,
				form: url.Values{"category_id": {pot.ID}, "district_id": {"west"}, "department_id": {depA2.ID}}, location: "/m/a/appeals/routing?saved=1"},
			{name: "the queue links the page", actor: "admin", method: "GET", path: "/appeals/queue", status: 200, want: []string{`href="/m/a/appeals/routing"`}},
		} {
			sc.run(t, e, h)
		}
		// The rule for the west makes the east a "no rule, default" case
		// and an edge pin a triage case.
		tri := must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
			Description: "Глубокая яма у остановки «Школа».", Point: &Point{Lat: 59.9, Lon: 30.3001}}))
		for _, sc := range []scenario{
			{name: "the triage filter", actor: "op", method: "GET", path: "/appeals/queue?triage=1", status: 200,
				want: []string{"/appeals/" + tri.ID}},
			{name: "the detail page says triage", actor: "op", method: "GET", path: "/appeals/" + tri.ID, status: 200,
				want: []string{"у границы районов", `action="/appeals/` + tri.ID + `/route"`}},
			{name: "route it", actor: "op", method: "POST", path: "/appeals/" + tri.ID + "/route", status: 303, writes: true,
				form: url.Values{"department_id": {depA1.ID}}, location: "/appeals/" + tri.ID},
		} {
			sc.run(t, e, h)
		}
		if rec := (scenario{name: "the queue without it", actor: "op", method: "GET", path: "/appeals/queue?triage=1", status: 200}).run(t, e, h); strings.Contains(rec.Body.String(), tri.ID) || strings.Contains(rec.Body.String(), edge.ID) {
			t.Error("routed items still in the triage filter")
		}
	})
}

func TestQuestionsRoutingInfoAPI(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		withDistricts(e)
		pot := e.pothole(false)
		actors := map[string]*auth.Actor{"admin": auth.From(admin(muniA)), "op": auth.From(official("op", auth.RoleOperator, muniA, "")),
			"r1": auth.From(resident("r1"))}
		h := testServer(t, e.svc, actors)
		a := e.complaint(resident("r1"))
		must[Appeal](t)(e.svc.Register(official("op", auth.RoleOperator, muniA, ""), a.ID))
		for _, sc := range []scenario{
			{name: "add a question", actor: "admin", method: "POST", path: "/api/v1/appeals/categories/" + pot.ID + "/questions", status: 201, writes: true,
				json: `{"code":"depth","datatype":"number","label_ru":"Глубина","required":true}`, want: []string{`"code":"depth"`, `"order":1`}},
			{name: "a bad question", actor: "admin", method: "POST", path: "/api/v1/appeals/categories/" + pot.ID + "/questions", status: 400,
				json: `{"code":"x","datatype":"colour","label_ru":"?"}`, want: []string{`"code"`, `"datatype"`, `"label_ru"`, "Выберите тип вопроса."}},
			{name: "a resident may not", actor: "r1", method: "POST", path: "/api/v1/appeals/categories/" + pot.ID + "/questions", status: 403,
				json: `{"code":"width","datatype":"number","label_ru":"Ширина"}`},
			{name: "the questions", method: "GET", path: "/api/v1/appeals/categories/" + pot.ID + "/questions", status: 200,
				want: []string{`"items":[{`, `"datatype":"number"`}},
			{name: "a report without the required answer", actor: "r1", method: "POST", path: "/api/v1/municipalities/a/appeals", status: 400,
				json: `{"regime":"report","category_id":"` + pot.ID + `","description":"Глубокая яма у остановки.","point":{"lat":59.9,"lon":29.9}}`,
				want: []string{`"q.depth"`}},
			{name: "a report with it", actor: "r1", method: "POST", path: "/api/v1/municipalities/a/appeals", status: 201, writes: true,
				json: `{"regime":"report","category_id":"` + pot.ID + `","description":"Глубокая яма у остановки.","point":{"lat":59.9,"lon":29.9},"answers":{"depth":["40"]}}`,
				want: []string{`"answers":[{`, `"value":"40"`}},
			{name: "a rule", actor: "admin", method: "POST", path: "/api/v1/municipalities/a/appeals/routes", status: 200, writes: true,
				json: `{"category_id":"` + pot.ID + `","district_id":"west","department_id":"` + depA2.ID + `"}`, want: []string{`"district_id":"west"`}},
			{name: "the table", actor: "admin", method: "GET", path: "/api/v1/municipalities/a/appeals/routes", status: 200, want: []string{`"department_id":"` + depA2.ID + `"`}},
			{name: "not for an operator", actor: "op", method: "GET", path: "/api/v1/municipalities/a/appeals/routes", status: 403},
			{name: "an information request", actor: "op", method: "POST", path: "/api/v1/appeals/" + a.ID + "/info_request", status: 200, writes: true,
				json: `{"body":"ГИБДД","subject":"Схема ДТП"}`, want: []string{`"clock":"info_request"`, `"basis":"59-ФЗ, ст. 10 ч. 2"`}},
			{name: "its answer", actor: "op", method: "POST", path: "/api/v1/appeals/" + a.ID + "/info_received", status: 200, writes: true,
				json: `{"result":"Получено"}`, want: []string{`"action":"info_received"`}},
		} {
			sc.run(t, e, h)
		}
	})
}
