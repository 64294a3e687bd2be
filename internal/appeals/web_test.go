package appeals

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// testServer mounts the appeals routes with the platform's error
// handling; the X-Test-Actor header picks one of actors.
func testServer(t testing.TB, s *Service, actors map[string]*auth.Actor) http.Handler {
	t.Helper()
	srv := webtest.New(t, []fs.FS{Locales}, Templates)
	Routes(srv.Router, srv.Render, s, srv.Catalog)
	Open311Routes(srv.Router, s, fakeKeys{}, srv.Catalog)
	return srv.Handler(actors, 64<<10)
}

// fakeKeys knows two API keys: one scoped to muni A, one to muni B.
type fakeKeys struct{}

func (fakeKeys) AuthenticateKey(_ context.Context, token string) (*auth.Actor, error) {
	scope := map[string]Municipality{"key-a": muniA, "key-b": muniB}
	m, ok := scope[token]
	if !ok {
		return nil, ErrUnauthorized
	}
	return &auth.Actor{Kind: auth.Machine, ID: token, Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: m.ID, ScopePath: m.Path}}}, nil
}

// scenario is one request and what must come of it.
type scenario struct {
	name     string
	actor    string
	method   string
	path     string
	form     url.Values
	json     string
	status   int
	location string   // prefix of the redirect target
	want     []string // substrings of the body
	writes   bool
}

func (sc scenario) run(t *testing.T, e *env, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	req := httptest.NewRequest(sc.method, sc.path, nil)
	switch {
	case sc.form != nil:
		body = strings.NewReader(sc.form.Encode())
		req = httptest.NewRequest(sc.method, sc.path, body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case sc.json != "":
		req = httptest.NewRequest(sc.method, sc.path, strings.NewReader(sc.json))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("X-Test-Actor", sc.actor)
	before := e.counts()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != sc.status {
		t.Fatalf("%s: status %d, want %d\n%.500s", sc.name, rec.Code, sc.status, rec.Body.String())
	}
	if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, sc.location) {
		t.Errorf("%s: redirected to %q, want %q…", sc.name, loc, sc.location)
	}
	for _, w := range sc.want {
		if !strings.Contains(rec.Body.String(), w) {
			t.Errorf("%s: body lacks %q\n%.800s", sc.name, w, rec.Body.String())
		}
	}
	if wrote := !maps.Equal(before, e.counts()); wrote != sc.writes {
		t.Errorf("%s: wrote = %v, want %v", sc.name, wrote, sc.writes)
	}
	return rec
}

func TestWebScenarios(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(true)
		own := e.complaint(resident("r1"))
		second := e.complaint(resident("r2"))
		h := testServer(t, e.svc, map[string]*auth.Actor{
			"r1":    auth.From(resident("r1")),
			"r2":    auth.From(resident("r2")),
			"op":    auth.From(official("op-a", auth.RoleOperator, muniA, "")),
			"head":  auth.From(official("head-a", auth.RoleDepartmentHead, muniA, "")),
			"other": auth.From(official("op-b", auth.RoleMunicipalAdmin, muniB, "")),
		})
		complaint := url.Values{"topic": {"appeal:complaint"}, "description": {"Не вывозят мусор третью неделю."}, "author_name": {"Иван Петров"}}
		long := `{"regime":"report","category_id":"` + pot.ID + `","description":"` + strings.Repeat("я", 10000) + `","address":"ул. Ленина, 1"}`
		for _, sc := range []scenario{
			{name: "the form, to a visitor", method: "GET", path: "/m/a/appeals/new", status: 200,
				want: []string{`name="topic"`, "report:" + pot.ID, "appeal:complaint", `autocomplete="street-address"`}},
			{name: "an unknown municipality", method: "GET", path: "/m/zz/appeals/new", status: 404},
			{name: "an empty form", actor: "r1", method: "POST", path: "/m/a/appeals", form: url.Values{}, status: 400,
				want: []string{`id="topic-error"`, `id="description-error"`, `aria-invalid="true"`}},
			{name: "coordinates out of range", actor: "r1", method: "POST", path: "/m/a/appeals", status: 400,
				form: url.Values{"topic": {"report:" + pot.ID}, "description": {"Яма у остановки школы."}, "lat": {"95"}, "lon": {"30"}},
				want: []string{`id="point-error"`}},
			{name: "a complaint", actor: "r1", method: "POST", path: "/m/a/appeals", form: complaint, status: 303, location: "/appeals/", writes: true},
			{name: "an anonymous report", method: "POST", path: "/m/a/appeals", status: 303, location: "/m/a/appeals/new?sent=1", writes: true,
				form: url.Values{"topic": {"report:" + pot.ID}, "description": {"Яма у остановки школы."}, "address": {"ул. Ленина, 1"}}},
			{name: "a formal appeal from a visitor", method: "POST", path: "/m/a/appeals", form: complaint, status: 400,
				want: []string{"не может быть анонимным"}},
			{name: "my appeals, to a visitor", method: "GET", path: "/appeals/mine", status: 303, location: "/login?next="},
			{name: "my appeals", actor: "r1", method: "GET", path: "/appeals/mine", status: 200, want: []string{"/appeals/" + own.ID}},
			{name: "an appeal, to its author", actor: "r1", method: "GET", path: "/appeals/" + own.ID, status: 200,
				want: []string{"59-ФЗ, ст. 8 ч. 2", "UTC&#43;3"}},
			{name: "an appeal, to another resident", actor: "r2", method: "GET", path: "/appeals/" + own.ID, status: 404},
			{name: "an appeal, to another municipality", actor: "other", method: "GET", path: "/appeals/" + own.ID, status: 404},
			{name: "an appeal, to a visitor", method: "GET", path: "/appeals/" + own.ID, status: 303, location: "/login?next="},
			{name: "the author cannot register", actor: "r1", method: "POST", path: "/appeals/" + own.ID + "/register", form: url.Values{}, status: 403},
			{name: "an unknown step", actor: "op", method: "POST", path: "/appeals/" + own.ID + "/approve", form: url.Values{}, status: 404},
			{name: "register", actor: "op", method: "POST", path: "/appeals/" + own.ID + "/register", form: url.Values{}, status: 303, location: "/appeals/" + own.ID, writes: true},
			{name: "the steps an operator may take", actor: "op", method: "GET", path: "/appeals/" + own.ID, status: 200,
				want: []string{`id="step-assign"`, `id="step-redirect"`, `id="step-no_answer"`, "59-ФЗ, ст. 12 ч. 1"}},
			{name: "assign to another municipality's department", actor: "op", method: "POST", path: "/appeals/" + own.ID + "/assign",
				form: url.Values{"department_id": {depB1.ID}}, status: 400, want: []string{`id="assign-department-error"`, "<details id=\"step-assign\" open>"}},
			{name: "assign", actor: "op", method: "POST", path: "/appeals/" + own.ID + "/assign", form: url.Values{"department_id": {depA1.ID}},
				status: 303, writes: true},
			{name: "extend by a malformed number", actor: "head", method: "POST", path: "/appeals/" + own.ID + "/extend",
				form: url.Values{"days": {"abc"}, "reason": {"Запрос"}}, status: 400, want: []string{`id="extend-days-error"`}},
			{name: "extend", actor: "head", method: "POST", path: "/appeals/" + own.ID + "/extend",
				form: url.Values{"days": {"30"}, "reason": {"Запрос в другой орган"}}, status: 303, writes: true},
			{name: "extend again", actor: "head", method: "POST", path: "/appeals/" + own.ID + "/extend",
				form: url.Values{"days": {"5"}, "reason": {"Ещё запрос"}}, status: 409, want: []string{"сейчас недоступно"}},
			{name: "API: a step by its author", actor: "r2", method: "POST", path: "/api/v1/appeals/" + second.ID + "/register", json: `{}`, status: 403},
			{name: "API: register", actor: "op", method: "POST", path: "/api/v1/appeals/" + second.ID + "/register", json: `{}`, status: 200,
				writes: true, want: []string{`"state":"registered"`, `"basis":"59-ФЗ, ст. 12 ч. 1"`}},
			{name: "API: an unknown field in a step", actor: "op", method: "POST", path: "/api/v1/appeals/" + second.ID + "/answer",
				json: `{"text":"Ответ"}`, status: 400, want: []string{"unknown-field"}},
			{name: "API: a 10,000-character description", actor: "r1", method: "POST", path: "/api/v1/municipalities/a/appeals", json: long,
				status: 400, want: []string{`"type":"/problems/appeal-invalid"`, `"description"`}},
			{name: "API: an unknown field", actor: "r1", method: "POST", path: "/api/v1/municipalities/a/appeals",
				json: `{"regime":"appeal","kind":"complaint","description":"Текст жалобы длинный.","priority":1}`, status: 400, want: []string{"unknown-field"}},
			{name: "API: a report", actor: "r1", method: "POST", path: "/api/v1/municipalities/a/appeals", status: 201, writes: true,
				json: `{"regime":"report","category_id":"` + pot.ID + `","description":"Яма у остановки школы.","point":{"lat":59.9,"lon":30.3}}`,
				want: []string{`"state":"received"`, `"basis":"Регламент категории «Яма на дороге»"`}},
			{name: "the public reports", method: "GET", path: "/m/a/reports", status: 200,
				want: []string{`data-geojson=`, "Яма на дороге", "ул. Ленина, 1"}},
			{name: "the statistics", method: "GET", path: "/m/a/reports/stats", status: 200,
				want: []string{`id="by-category-h"`, "Яма на дороге", "Статистика обращений"}},
			{name: "the statistics API", method: "GET", path: "/api/v1/municipalities/a/appeals/stats", status: 200,
				want: []string{`"by_department"`, `"median_days_to_fix"`}},
			{name: "the public reports API", method: "GET", path: "/api/v1/municipalities/a/reports?status=open", status: 200,
				want: []string{`"category_id":"` + pot.ID + `"`}},
		} {
			sc.run(t, e, h)
		}
		rec := scenario{name: "API: one appeal", actor: "r1", method: "GET", path: "/api/v1/appeals/" + own.ID, status: 200}.run(t, e, h)
		var got Appeal
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.State != Extended || len(got.History) != 4 {
			t.Errorf("API appeal: %v %+v", err, got)
		}
		if strings.Contains(rec.Body.String(), `"r1"`) {
			t.Error("the API shows the author's account id")
		}
	})
}

func TestWebDuplicatesSupportAndConfirm(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		first := e.report(resident("r1"), pot) // at 59.93, 30.31
		h := testServer(t, e.svc, map[string]*auth.Actor{
			"r1": auth.From(resident("r1")), "r2": auth.From(resident("r2")),
			"op": auth.From(official("op-a", auth.RoleOperator, muniA, "")),
		})
		dup := url.Values{"topic": {"report:" + pot.ID}, "description": {"Яма у остановки, колёса бьются."}, "lat": {"59.9301"}, "lon": {"30.3101"}}
		anyway := url.Values{"file_anyway": {"yes"}}
		for k, v := range dup {
			anyway[k] = v
		}
		for _, sc := range []scenario{
			{name: "a duplicate is offered first", actor: "r2", method: "POST", path: "/m/a/appeals", form: dup, status: 200,
				want: []string{`id="nearby-h"`, `action="/appeals/` + first.ID + `/support"`, `name="file_anyway" value="yes"`, "м от вашей точки", "поддержали: 0"}},
			{name: "filed anyway", actor: "r2", method: "POST", path: "/m/a/appeals", form: anyway, status: 303, location: "/appeals/", writes: true},
			{name: "me too", actor: "r2", method: "POST", path: "/appeals/" + first.ID + "/support", form: url.Values{}, status: 303,
				location: "/m/a/reports?supported=1", writes: true},
			{name: "me too, to a visitor", method: "POST", path: "/appeals/" + first.ID + "/support", form: url.Values{}, status: 303, location: "/login"},
			{name: "the count shows", method: "GET", path: "/m/a/reports?supported=1", status: 200, want: []string{"Ваша поддержка учтена", "<td>1</td>"}},
		} {
			sc.run(t, e, h)
		}
		for _, act := range []string{"register", "start"} {
			if act == "start" {
				scenario{name: "assign", actor: "op", method: "POST", path: "/appeals/" + first.ID + "/assign",
					form: url.Values{"department_id": {depA1.ID}}, status: 303, writes: true}.run(t, e, h)
			}
			scenario{name: act, actor: "op", method: "POST", path: "/appeals/" + first.ID + "/" + act, form: url.Values{}, status: 303, writes: true}.run(t, e, h)
		}
		scenario{name: "fix", actor: "op", method: "POST", path: "/appeals/" + first.ID + "/fix", form: url.Values{"answer": {"Заделали."}}, status: 303, writes: true}.run(t, e, h)
		for _, sc := range []scenario{
			{name: "the author is asked to confirm", actor: "r1", method: "GET", path: "/appeals/" + first.ID, status: 200,
				want: []string{`action="/appeals/` + first.ID + `/confirm"`, `id="step-reopen"`}},
			{name: "a bad rating", actor: "r1", method: "POST", path: "/appeals/" + first.ID + "/confirm", form: url.Values{"rating": {"9"}}, status: 400,
				want: []string{`id="confirm-rating-error"`}},
			{name: "confirm", actor: "r1", method: "POST", path: "/appeals/" + first.ID + "/confirm", form: url.Values{"rating": {"4"}}, status: 303, writes: true},
			{name: "the confirmation shows", actor: "r1", method: "GET", path: "/appeals/" + first.ID, status: 200, want: []string{"оценка 4 из 5"}},
		} {
			sc.run(t, e, h)
		}
	})
}

func TestWebCommentsAndLinks(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		one, two := e.report(resident("r1"), pot), e.report(resident("r2"), pot)
		h := testServer(t, e.svc, map[string]*auth.Actor{
			"r1": auth.From(resident("r1")), "op": auth.From(official("op-a", auth.RoleOperator, muniA, "")),
			"other": auth.From(official("op-b", auth.RoleMunicipalAdmin, muniB, "")),
		})
		for _, sc := range []scenario{
			{name: "an empty comment", actor: "op", method: "POST", path: "/appeals/" + one.ID + "/comment", form: url.Values{"comment": {" "}},
				status: 400, want: []string{`id="comment-body-error"`}},
			{name: "a comment", actor: "op", method: "POST", path: "/appeals/" + one.ID + "/comment",
				form: url.Values{"comment": {"Выезд бригады в четверг."}}, status: 303, writes: true},
			{name: "a resident cannot comment", actor: "r1", method: "POST", path: "/appeals/" + one.ID + "/comment",
				form: url.Values{"comment": {"Спасибо"}}, status: 403},
			{name: "another municipality cannot comment", actor: "other", method: "POST", path: "/appeals/" + one.ID + "/comment",
				form: url.Values{"comment": {"Чужой"}}, status: 404},
			{name: "link to nothing", actor: "op", method: "POST", path: "/appeals/" + one.ID + "/link", form: url.Values{"other_id": {"nope"}},
				status: 400, want: []string{`id="link-other-error"`}},
			{name: "link to itself", actor: "op", method: "POST", path: "/appeals/" + one.ID + "/link", form: url.Values{"other_id": {one.ID}}, status: 400},
			{name: "link", actor: "op", method: "POST", path: "/appeals/" + one.ID + "/link", form: url.Values{"other_id": {two.ID}}, status: 303, writes: true},
			{name: "officials see both", actor: "op", method: "GET", path: "/appeals/" + two.ID, status: 200,
				want: []string{`href="/appeals/` + one.ID + `"`}},
			{name: "the author sees neither", actor: "r1", method: "GET", path: "/appeals/" + one.ID, status: 200},
		} {
			rec := sc.run(t, e, h)
			if sc.actor == "r1" && sc.method == "GET" && (strings.Contains(rec.Body.String(), "Выезд бригады") || strings.Contains(rec.Body.String(), two.ID)) {
				t.Error("the author sees internal comments or links")
			}
		}
		comments := must[[]Comment](t)(e.svc.Comments(official("op-a", auth.RoleOperator, muniA, ""), one.ID))
		if len(comments) != 1 || comments[0].AuthorName == "" {
			t.Errorf("comments %+v", comments)
		}
	})
}

func TestWebQueueFiltersAndBulkAssign(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		one, two := e.report(resident("r1"), pot), e.report(resident("r2"), pot)
		apl := e.complaint(resident("r3"))
		e.svc.perAccount = 100
		theirs := must[Category](t)(e.svc.CreateCategory(admin(muniB), muniB.ID, CategoryInput{Code: "snow", Regime: RegimeReport,
			NameRU: "Снег", SLA: SLA{Amount: 1, Unit: Days}}))
		other := must[Appeal](t)(e.svc.Submit(resident("r4"), SubmitInput{TenantID: muniB.ID, Regime: RegimeReport, CategoryID: theirs.ID,
			Description: "Не убран снег у школы.", Address: "ул. Школьная"}))
		op := official("op-a", auth.RoleOperator, muniA, "")
		for _, id := range []string{one.ID, two.ID, apl.ID} {
			must[Appeal](t)(e.svc.Register(op, id))
		}
		h := testServer(t, e.svc, map[string]*auth.Actor{"op": auth.From(op), "r1": auth.From(resident("r1"))})
		e.now = e.now.Add(40 * 24 * time.Hour) // everything is overdue by now
		for _, sc := range []scenario{
			{name: "the queue", actor: "op", method: "GET", path: "/appeals/queue", status: 200,
				want: []string{`value="` + one.ID + `"`, `value="` + apl.ID + `"`, `id="bulk-department"`, "Дороги"}},
			{name: "a resident has no queue", actor: "r1", method: "GET", path: "/appeals/queue", status: 403},
			{name: "nothing ticked", actor: "op", method: "POST", path: "/appeals/queue/assign", form: url.Values{"department_id": {depA2.ID}},
				status: 400, want: []string{"Отметьте от 1 до 200 строк."}},
			{name: "one of another municipality spoils the lot", actor: "op", method: "POST", path: "/appeals/queue/assign",
				form: url.Values{"department_id": {depA2.ID}, "id": {one.ID, other.ID}}, status: 404},
			{name: "bulk assign", actor: "op", method: "POST", path: "/appeals/queue/assign",
				form: url.Values{"department_id": {depA2.ID}, "id": {one.ID, two.ID}}, status: 303, location: "/appeals/queue?assigned=2", writes: true},
		} {
			sc.run(t, e, h)
		}
		ids := func(query string) []string {
			f := queueFilter(must[url.Values](t)(url.ParseQuery(query)))
			var out []string
			for _, s := range must[[]Summary](t)(e.svc.Queue(op, f)) {
				out = append(out, s.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(xs ...string) []string { slices.Sort(xs); return xs }
		for query, want := range map[string][]string{
			"":                         sorted(one.ID, two.ID, apl.ID),
			"department=" + depA2.ID:   sorted(one.ID, two.ID),
			"category=" + pot.ID:       sorted(one.ID, two.ID),
			"state=registered":         {apl.ID},
			"state=assigned&overdue=1": sorted(one.ID, two.ID),
			"mine=1":                   nil,
			"department=" + depA1.ID:   nil,
		} {
			if got := ids(query); !slices.Equal(got, want) {
				t.Errorf("queue ?%s = %v, want %v", query, got, want)
			}
		}
	})
}
