package proactive

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// server mounts the API and the pages with the platform's error
// handling; X-Test-Actor picks one of actors (standing in for API keys
// and sessions).
func server(t testing.TB, s *Service, actors map[string]*auth.Actor) http.Handler {
	t.Helper()
	srv := webtest.New(t, []fs.FS{Locales}, Templates)
	APIRoutes(srv.Router, s)
	Routes(srv.Router, srv.Render, s)
	return srv.Handler(actors, 1<<20)
}

type call struct {
	actor, method, path, ctype, body string
}

func (c call) do(t testing.TB, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	if c.ctype != "" {
		r.Header.Set("Content-Type", c.ctype)
	}
	if c.method == http.MethodPost && c.ctype == "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("X-Test-Actor", c.actor)
	r.Header.Set("Accept-Language", "ru")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

const goodEvent = `{"id": "zags-77", "type": "child_born", "occurred_on": "2026-03-01",
	"resident": {"snils": "112-233-445 95", "email": "anna@example.org", "full_name": "Анна Смирнова", "birth_date": "1994-05-02"},
	"data": {"child_key": "c1", "child_name": "Мария", "child_birth_date": "2026-03-01"}}`

// TestLifeEventsAPI: the API answers 201, then 200 for the same id, and
// every bad request with problem+json naming what is wrong.
func TestLifeEventsAPI(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		e.consent(t, anna)
		h := server(t, e.s, map[string]*auth.Actor{"keyA": keyOf(muniA), "keyB": keyOf(muniB), "anna": anna,
			"multi": {Kind: auth.Machine, ID: "k", Grants: append(keyOf(muniA).Grants, keyOf(muniB).Grants...)}})
		const path = "/api/v1/life-events"
		cases := []struct {
			name   string
			c      call
			status int
			typ    string
			field  string
		}{
			{"anonymous", call{"", "POST", path, "application/json", goodEvent}, 401, "unauthorized", ""},
			{"not JSON", call{"keyA", "POST", path, "application/json", `{"id": `}, 400, "invalid-json", ""},
			{"wrong media type", call{"keyA", "POST", path, "text/csv", "id,type"}, 400, "unsupported-media-type", ""},
			{"unknown field", call{"keyA", "POST", path, "application/json", `{"id": "1", "kind": "x"}`}, 400, "", ""},
			{"bad SNILS", call{"keyA", "POST", path, "application/json", strings.Replace(goodEvent, "445 95", "445 96", 1)}, 400, "proactive-event-invalid", "resident.snils"},
			{"unknown type", call{"keyA", "POST", path, "application/json", strings.Replace(goodEvent, "child_born", "wedding", 1)}, 400, "proactive-event-invalid", "type"},
			{"another municipality", call{"keyB", "POST", path + "?municipality=alpha", "application/json", goodEvent}, 403, "forbidden", ""},
			{"unknown municipality", call{"keyA", "POST", path + "?municipality=nowhere", "application/json", goodEvent}, 404, "not-found", ""},
			{"key of several municipalities", call{"multi", "POST", path, "application/json", goodEvent}, 400, "proactive-municipality-required", "municipality"},
			{"a resident", call{"anna", "POST", path + "?municipality=alpha", "application/json", goodEvent}, 403, "forbidden", ""},
			{"too large", call{"keyA", "POST", path, "application/json", `{"id": "` + strings.Repeat("x", MaxEventBytes) + `"}`}, 413, "body-too-large", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := c.c.do(t, h)
				if w.Code != c.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
					t.Fatalf("%d %s: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
				}
				var p web.Problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
					t.Fatal(err)
				}
				if c.typ != "" && p.Type != web.ProblemBase+c.typ {
					t.Errorf("type %s, want %s", p.Type, c.typ)
				}
				if c.field != "" && (p.Errors[c.field] == "" || strings.HasPrefix(p.Errors[c.field], "proactive.")) {
					t.Errorf("errors %v: want a message for %s", p.Errors, c.field)
				}
			})
		}
		if n := auditCount(t, d, "proactive.event.record"); n != 0 {
			t.Fatalf("refused requests recorded %d events", n)
		}
		w := call{"keyA", "POST", path, "application/json", goodEvent}.do(t, h)
		var rec EventRecord
		if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &rec) != nil || rec.Offers != 1 || rec.Duplicate {
			t.Fatalf("first: %d %s", w.Code, w.Body)
		}
		w = call{"keyA", "POST", path, "application/json", goodEvent}.do(t, h)
		var again EventRecord
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &again) != nil || !again.Duplicate || again.ID != rec.ID {
			t.Fatalf("repeat: %d %s", w.Code, w.Body)
		}
	})
}

// TestResidentPages: consent is asked for on the page and refused
// without the tick; the offer shows with its pre-filled values; accept
// opens the application; decline and a closed offer answer on the page.
func TestResidentPages(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		h := server(t, e.s, map[string]*auth.Actor{"anna": anna, "petr": petr})
		if w := (call{"", "GET", "/proactive", "", ""}).do(t, h); w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Fatalf("visitor: %d %s", w.Code, w.Header().Get("Location"))
		}
		w := call{"anna", "GET", "/proactive", "", ""}.do(t, h)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "Согласие на проактивную обработку") {
			t.Fatalf("page without consent: %d", w.Code)
		}
		if w := (call{"anna", "POST", "/proactive/consent", "", ""}).do(t, h); w.Code != 400 || !strings.Contains(w.Body.String(), "Отметьте согласие") {
			t.Fatalf("consent without the tick: %d", w.Code)
		}
		if w := (call{"anna", "POST", "/proactive/consent", "", "agree=yes"}).do(t, h); w.Code != 303 {
			t.Fatalf("consent: %d %s", w.Code, w.Body)
		}
		e.record(t, muniA, birth("e1", snilsAnna, annaEmail, "c1", "2026-03-01"))
		e.record(t, muniA, birth("e2", snilsAnna, annaEmail, "c2", "2026-03-02"))
		w = call{"anna", "GET", "/proactive", "", ""}.do(t, h)
		if body := w.Body.String(); !strings.Contains(body, "Запись в детский сад") || !strings.Contains(body, "Мария") || !strings.Contains(body, "Отозвать согласие") {
			t.Fatalf("offers page: %s", body)
		}
		os := e.offers(t, anna)
		if w := (call{"petr", "POST", "/proactive/offers/" + os[0].ID + "/accept", "", ""}).do(t, h); w.Code != 404 {
			t.Fatalf("another person's accept: %d", w.Code)
		}
		w = call{"anna", "POST", "/proactive/offers/" + os[0].ID + "/accept", "", ""}.do(t, h)
		if w.Code != 303 || w.Header().Get("Location") != "/services/applications/app-1" {
			t.Fatalf("accept: %d %s", w.Code, w.Header().Get("Location"))
		}
		if w := (call{"anna", "POST", "/proactive/offers/" + os[0].ID + "/decline", "", ""}).do(t, h); w.Code != 409 || !strings.Contains(w.Body.String(), "уже закрыто") {
			t.Fatalf("decline of an accepted offer: %d", w.Code)
		}
		if w := (call{"anna", "POST", "/proactive/offers/" + os[1].ID + "/decline", "", ""}).do(t, h); w.Code != 303 {
			t.Fatalf("decline: %d", w.Code)
		}
		if w := (call{"anna", "POST", "/proactive/consent/withdraw", "", ""}).do(t, h); w.Code != 303 {
			t.Fatalf("withdraw: %d", w.Code)
		}
		if st, _ := e.s.MyConsent(as(anna)); st.InForce {
			t.Fatal("consent still in force")
		}
	})
}

// TestRulePages: an official's mistakes come back on the form with a
// message at the field, and a good rule is saved and shown.
func TestRulePages(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin, op := adminOf(muniA), keyOf(muniA)
		op = &auth.Actor{Kind: auth.User, ID: "op", Grants: op.Grants}
		h := server(t, e.s, map[string]*auth.Actor{"admin": admin, "op": op, "adminB": adminOf(muniB)})
		form := "code=kg&name=Детсад&event_type=child_born&per_child=yes&service_code=kindergarten&lifetime_days=30&active=yes" +
			"&prefill=child_name+%3D+child.name&when="
		bad := []struct{ when, says string }{
			{`{"fact": "salary", "op": ">", "value": 1}`, "salary"},
			{`{"fact": "age", "op": "<"`, "Условие не читается как JSON"},
		}
		for _, b := range bad {
			w := call{"admin", "POST", "/m/alpha/proactive/rules", "", form + urlEscape(b.when)}.do(t, h)
			if w.Code != 400 || !strings.Contains(w.Body.String(), b.says) || !strings.Contains(w.Body.String(), `id="when-error"`) {
				t.Fatalf("%s: %d %s", b.when, w.Code, w.Body)
			}
		}
		if w := (call{"admin", "POST", "/m/alpha/proactive/rules", "", strings.Replace(form, "lifetime_days=30", "lifetime_days=x", 1)}).do(t, h); w.Code != 400 || !strings.Contains(w.Body.String(), "целое число дней") {
			t.Fatalf("lifetime: %d", w.Code)
		}
		if w := (call{"op", "POST", "/m/alpha/proactive/rules", "", form}).do(t, h); w.Code != 403 {
			t.Fatalf("an operator saved a rule: %d", w.Code)
		}
		if w := (call{"adminB", "GET", "/m/alpha/proactive", "", ""}).do(t, h); w.Code != 403 {
			t.Fatalf("another municipality's admin: %d", w.Code)
		}
		w := call{"admin", "POST", "/m/alpha/proactive/rules", "", form + urlEscape(`{"fact": "child.age", "op": "<", "value": 3}`)}.do(t, h)
		if w.Code != 303 {
			t.Fatalf("good rule: %d %s", w.Code, w.Body)
		}
		w = call{"admin", "GET", w.Header().Get("Location"), "", ""}.do(t, h)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "версия 1") {
			t.Fatalf("saved rule page: %d", w.Code)
		}
		w = call{"op", "GET", "/m/alpha/proactive", "", ""}.do(t, h)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "Детсад") || strings.Contains(w.Body.String(), "/proactive/rules/new") {
			t.Fatalf("operator's overview: %d", w.Code)
		}
		csv := "id,type,occurred_on,snils,full_name,birth_date,data\nx1,child_born,2026-03-01,11223344596,Анна,1994-05-02,child_key=c1|child_birth_date=2026-03-01\n"
		w = multipart(t, h, "op", "/m/alpha/proactive/import", csv)
		if w.Code != 422 || !strings.Contains(w.Body.String(), "Строка 2") {
			t.Fatalf("bad CSV: %d %s", w.Code, w.Body)
		}
		w = multipart(t, h, "op", "/m/alpha/proactive/import", strings.Replace(csv, "11223344596", "11223344595", 1))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "записано событий: 1") {
			t.Fatalf("good CSV: %d %s", w.Code, w.Body)
		}
	})
}
