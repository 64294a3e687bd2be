package territory

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// testServer mounts the territory routes with the platform's error
// handling; the X-Test-Actor header picks one of actors.
func testServer(t testing.TB, s *Service, actors map[string]*auth.Actor, sections ...HomeSection) http.Handler {
	t.Helper()
	srv := webtest.New(t, []fs.FS{Locales}, Templates)
	Routes(srv.Router, srv.Render, s, sections...)
	return srv.Handler(actors, 64<<10)
}

type scenario struct {
	name    string
	actor   string
	method  string
	path    string
	body    string
	form    url.Values
	status  int
	want    []string // substrings of the body
	absent  []string
	problem string // expected problem type slug
	lang    string // the visitor's language cookie
	writes  bool
}

func (sc scenario) run(t *testing.T, h http.Handler, d *db.DB) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	ct := ""
	switch {
	case sc.form != nil:
		body, ct = strings.NewReader(sc.form.Encode()), "application/x-www-form-urlencoded"
	case sc.body != "":
		body, ct = strings.NewReader(sc.body), "application/json"
	}
	req := httptest.NewRequest(sc.method, sc.path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("X-Test-Actor", sc.actor)
	if sc.lang != "" {
		req.AddCookie(&http.Cookie{Name: web.LangCookie, Value: sc.lang})
	}
	before := counts(t, d)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != sc.status {
		t.Fatalf("%s %s: status %d, want %d\n%s", sc.method, sc.path, rec.Code, sc.status, rec.Body.String())
	}
	for _, s := range sc.want {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("%s %s: body lacks %q\n%.3000s", sc.method, sc.path, s, rec.Body.String())
		}
	}
	for _, s := range sc.absent {
		if strings.Contains(rec.Body.String(), s) {
			t.Errorf("%s %s: body has %q", sc.method, sc.path, s)
		}
	}
	if sc.problem != "" {
		var p web.Problem
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("content type %q, want problem+json", ct)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != web.ProblemBase+sc.problem {
			t.Fatalf("problem %+v (%v), want type %s", p, err, sc.problem)
		}
	}
	if after := counts(t, d); !sc.writes && !sameCounts(before, after) {
		t.Fatalf("%s %s wrote: %v → %v", sc.method, sc.path, before, after)
	}
	return rec
}

func TestWeb(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		demo, err := SeedDemo(platformAdmin(), s)
		if err != nil {
			t.Fatal(err)
		}
		luga, gatchina := demo.Main, demo.Neighbours[0]
		grant := func(role auth.Role, n Node) *auth.Actor {
			return &auth.Actor{Kind: auth.User, ID: role.String() + n.Slug, Grants: []auth.Grant{{Role: role, ScopeID: n.ID, ScopePath: n.Path}}}
		}
		actors := map[string]*auth.Actor{
			"root":           {Kind: auth.User, ID: "root", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}},
			"luga-admin":     grant(auth.RoleMunicipalAdmin, luga.Node),
			"gatchina-admin": grant(auth.RoleMunicipalAdmin, gatchina.Node),
			"resident":       grant(auth.RoleResident, luga.Node),
		}
		h := testServer(t, s, actors)
		housing := luga.Departments["housing"]
		okrug := `{"parent_id":"` + demo.Region.ID + `","kind":"municipal_okrug","oktmo":"41609000","name_ru":"Волосовский муниципальный округ","time_zone":"Europe/Moscow"}`
		scenarios := []scenario{
			{name: "portal", method: "GET", path: "/", status: 200, want: []string{"Лужский муниципальный округ", "Гатчинский муниципальный округ", `href="/m/luga/"`}},
			{name: "portal in English", method: "GET", path: "/", status: 200, lang: "en",
				want: []string{"Luga Municipal Okrug", "Municipal okrug · 51\u00a0109 residents"}},
			{name: "portal search", method: "GET", path: "/?q=" + url.QueryEscape("гатч"), status: 200,
				want: []string{"Гатчинский муниципальный округ"}, absent: []string{"Лужский муниципальный округ"}},
			{name: "portal injection search", method: "GET", path: "/?q=" + url.QueryEscape("'; DROP TABLE territory_nodes; --<script>"), status: 200,
				want: []string{"Ничего не найдено"}, absent: []string{"<script>"}},
			{name: "home", method: "GET", path: "/m/luga/", status: 200,
				want: []string{"Лужский муниципальный округ", "Комитет образования", "data-geojson", "Толмачёво", "МСК (UTC&#43;3)" /* html/template writes + as &#43; */, "obrazovanie@luga-demo.example"}},
			{name: "home unknown", method: "GET", path: "/m/nowhere/", status: 404},
			{name: "home of a locality", method: "GET", path: "/m/gorod-luga/", status: 404},
			{name: "about data", method: "GET", path: "/about/data", status: 200, want: []string{"CC BY-SA 4.0", "hflabs/city"}},

			{name: "api list okrugs", method: "GET", path: "/api/v1/territories?kind=municipal_okrug", status: 200,
				want: []string{`"oktmo":"41633000"`, `"oktmo":"41618000"`}, absent: []string{`"boundary"`}},
			{name: "api bad kind", method: "GET", path: "/api/v1/territories?kind=bogus", status: 400, problem: "territory-invalid"},
			{name: "api bad limit", method: "GET", path: "/api/v1/territories?limit=0", status: 400, problem: "limit-invalid"},
			{name: "api bad cursor", method: "GET", path: "/api/v1/territories?cursor=!!!", status: 400, problem: "cursor-invalid"},
			{name: "api unknown parent", method: "GET", path: "/api/v1/territories?parent=nope", status: 404, problem: "not-found"},
			{name: "api node", method: "GET", path: "/api/v1/territories/" + luga.ID, status: 200,
				want: []string{`"slug":"luga"`, `"tenant_id":"` + luga.ID, `"boundary":{"type":"Polygon"`}},
			{name: "api departments", method: "GET", path: "/api/v1/municipalities/luga/departments", status: 200, want: []string{`"code":"housing"`}},

			{name: "api create anonymous", method: "POST", path: "/api/v1/territories", body: okrug, status: 401, problem: "unauthorized"},
			{name: "api create by municipal admin", actor: "luga-admin", method: "POST", path: "/api/v1/territories", body: okrug, status: 403, problem: "forbidden"},
			{name: "api create bad OKTMO", actor: "root", method: "POST", path: "/api/v1/territories", body: strings.Replace(okrug, "41609000", "4160900", 1),
				status: 400, problem: "territory-invalid", want: []string{`"oktmo":"Код ОКТМО — 8 или 11 цифр."`}},
			{name: "api create OKTMO of another region", actor: "root", method: "POST", path: "/api/v1/territories", body: strings.Replace(okrug, "41609000", "47609000", 1),
				status: 400, problem: "territory-invalid", want: []string{`"oktmo"`}},
			{name: "api create injection OKTMO", actor: "root", method: "POST", path: "/api/v1/territories",
				body: strings.Replace(okrug, "41609000", `'; DROP TABLE territory_nodes; --`, 1), status: 400, problem: "territory-invalid"},
			{name: "api create injection slug", actor: "root", method: "POST", path: "/api/v1/territories",
				body: strings.Replace(okrug, `"kind"`, `"slug":"x'; DROP TABLE territory_nodes; --","kind"`, 1), status: 400, problem: "territory-invalid"},
			{name: "api create oversized name", actor: "root", method: "POST", path: "/api/v1/territories",
				body: strings.Replace(okrug, "Волосовский муниципальный округ", strings.Repeat("Я", 300), 1), status: 400, want: []string{`"name_ru"`}},
			{name: "api create unknown field", actor: "root", method: "POST", path: "/api/v1/territories", body: strings.Replace(okrug, `"kind"`, `"admin":true,"kind"`, 1), status: 400, problem: "unknown-field"},
			{name: "api create wrong type", actor: "root", method: "POST", path: "/api/v1/territories", body: strings.Replace(okrug, `"kind"`, `"population":"many","kind"`, 1), status: 400, problem: "wrong-type"},
			{name: "api create malformed", actor: "root", method: "POST", path: "/api/v1/territories", body: `{"kind":`, status: 400, problem: "invalid-json"},
			{name: "api create oversized body", actor: "root", method: "POST", path: "/api/v1/territories",
				body: strings.Replace(okrug, `"kind"`, `"source":"`+strings.Repeat("x", 70<<10)+`","kind"`, 1), status: 413, problem: "body-too-large"},
			{name: "api create taken", actor: "root", method: "POST", path: "/api/v1/territories", body: strings.Replace(okrug, "41609000", "41633000", 1), status: 409, problem: "oktmo-taken"},
			{name: "api create", actor: "root", method: "POST", path: "/api/v1/territories", body: okrug, status: 201, want: []string{`"slug":"volosovskiy-munitsipalnyy-okrug"`}, writes: true},

			{name: "api department of another municipality", actor: "gatchina-admin", method: "POST", path: "/api/v1/municipalities/luga/departments",
				body: `{"code":"spy","name_ru":"Чужой"}`, status: 403, problem: "forbidden"},
			{name: "api patch another municipality's", actor: "gatchina-admin", method: "PATCH", path: "/api/v1/departments/" + housing,
				body: `{"name_ru":"Захвачено"}`, status: 403, problem: "forbidden"},
			{name: "api delete another municipality's", actor: "gatchina-admin", method: "DELETE", path: "/api/v1/departments/" + housing, status: 403, problem: "forbidden"},
			{name: "api resident creates department", actor: "resident", method: "POST", path: "/api/v1/municipalities/luga/departments",
				body: `{"code":"x","name_ru":"Отдел"}`, status: 403},
			{name: "api department bad code", actor: "luga-admin", method: "POST", path: "/api/v1/municipalities/luga/departments",
				body: `{"code":"'; DROP TABLE territory_departments; --","name_ru":"Отдел"}`, status: 400, problem: "department-invalid", want: []string{`"code"`}},
			{name: "api department duplicate", actor: "luga-admin", method: "POST", path: "/api/v1/municipalities/luga/departments",
				body: `{"code":"housing","name_ru":"Ещё ЖКХ"}`, status: 409, problem: "department-taken"},
			{name: "api patch wrong type", actor: "luga-admin", method: "PATCH", path: "/api/v1/departments/" + housing, body: `{"name_ru":5}`, status: 400, problem: "wrong-type"},
			{name: "api patch", actor: "luga-admin", method: "PATCH", path: "/api/v1/departments/" + housing, body: `{"phone":"+7 81372 29999"}`,
				status: 200, want: []string{`"phone":"+7 81372 29999"`, `"code":"housing"`}, writes: true},
			{name: "api department create", actor: "luga-admin", method: "POST", path: "/api/v1/municipalities/luga/departments",
				body: `{"code":"culture","name_ru":"Отдел культуры","name_en":"Culture"}`, status: 201, writes: true},
			{name: "api delete", actor: "luga-admin", method: "DELETE", path: "/api/v1/departments/" + luga.Departments["economy"], status: 204, writes: true},

			{name: "admin anonymous", method: "GET", path: "/admin/territory", status: 303},
			{name: "admin resident", actor: "resident", method: "GET", path: "/admin/territory", status: 403},
			{name: "admin tree", actor: "luga-admin", method: "GET", path: "/admin/territory?node=" + demo.Region.ID, status: 200,
				want: []string{"Лужский муниципальный округ"}, absent: []string{`action="/admin/territory"`}},
			{name: "admin tree with form", actor: "root", method: "GET", path: "/admin/territory?node=" + luga.ID, status: 200,
				want: []string{`action="/admin/territory"`, "Толмачёво", `value="locality"`}},
			{name: "admin tree bad OKTMO", actor: "root", method: "POST", path: "/admin/territory", status: 422,
				form: url.Values{"parent_id": {luga.ID}, "kind": {"locality"}, "oktmo": {"41618101009"}, "name_ru": {"Новый"}, "time_zone": {"Europe/Moscow"}},
				want: []string{`aria-invalid="true"`, "Код должен начинаться с кода вышестоящей территории.", `id="f-oktmo-error"`, `value="Новый"`}},
			{name: "admin tree bad population", actor: "root", method: "POST", path: "/admin/territory", status: 422,
				form: url.Values{"parent_id": {luga.ID}, "kind": {"locality"}, "oktmo": {"41633172051"}, "name_ru": {"Новый"}, "time_zone": {"Europe/Moscow"}, "population": {"много"}},
				want: []string{"Население — целое число"}},
			{name: "admin tree create by municipal admin", actor: "luga-admin", method: "POST", path: "/admin/territory", status: 403,
				form: url.Values{"parent_id": {luga.ID}, "kind": {"locality"}, "oktmo": {"41633172051"}, "name_ru": {"Новый"}, "time_zone": {"Europe/Moscow"}}},
			{name: "admin tree create", actor: "root", method: "POST", path: "/admin/territory", status: 303, writes: true,
				form: url.Values{"parent_id": {luga.ID}, "kind": {"locality"}, "oktmo": {"41633172051"}, "name_ru": {"Заклинье"}, "time_zone": {"Europe/Moscow"}}},

			{name: "departments page", actor: "luga-admin", method: "GET", path: "/admin/m/luga/departments", status: 200, want: []string{"Комитет финансов", `name="code"`}},
			{name: "departments page of another municipality", actor: "gatchina-admin", method: "GET", path: "/admin/m/luga/departments", status: 403},
			{name: "department form of another municipality", actor: "gatchina-admin", method: "POST", path: "/admin/m/luga/departments", status: 403,
				form: url.Values{"code": {"spy"}, "name_ru": {"Чужой"}}},
			{name: "department edit through another municipality's URL", actor: "gatchina-admin", method: "POST",
				path: "/admin/m/gatchina/departments/" + housing, status: 404, form: url.Values{"code": {"housing"}, "name_ru": {"Захвачено"}}},
			{name: "department delete of another municipality", actor: "gatchina-admin", method: "POST", path: "/admin/m/luga/departments/" + housing + "/delete", status: 403},
			{name: "department form bad input", actor: "luga-admin", method: "POST", path: "/admin/m/luga/departments", status: 422,
				form: url.Values{"code": {"Жилищный отдел"}, "name_ru": {""}, "email": {"nobody"}},
				want: []string{"Заполните это поле.", "Укажите адрес вида", `value="nobody"`, `aria-describedby="f-code-hint f-code-error"`}},
			{name: "department form duplicate", actor: "luga-admin", method: "POST", path: "/admin/m/luga/departments", status: 422,
				form: url.Values{"code": {"housing"}, "name_ru": {"Ещё один"}}, want: []string{"Отдел с таким кодом уже есть."}},
			{name: "department form create", actor: "luga-admin", method: "POST", path: "/admin/m/luga/departments", status: 303, writes: true,
				form: url.Values{"code": {"sport"}, "name_ru": {"Отдел физкультуры и спорта"}, "email": {"sport@luga-demo.example"}}},
			{name: "department edit page", actor: "luga-admin", method: "GET", path: "/admin/m/luga/departments/" + housing, status: 200,
				want: []string{`value="housing"`, "Изменить отдел", `action="/admin/m/luga/departments/` + housing + `/delete"`, `<li class="card" aria-current="true">`}},
			{name: "department edit", actor: "luga-admin", method: "POST", path: "/admin/m/luga/departments/" + housing, status: 303, writes: true,
				form: url.Values{"code": {"housing"}, "name_ru": {"Комитет ЖКХ"}, "email": {"zhkh@luga-demo.example"}}},
			{name: "department delete", actor: "luga-admin", method: "POST", path: "/admin/m/luga/departments/" + luga.Departments["finance"] + "/delete", status: 303, writes: true},
			{name: "departments page after", actor: "luga-admin", method: "GET", path: "/admin/m/luga/departments?done=deleted", status: 200,
				want: []string{"Отдел удалён.", "Комитет ЖКХ", "Отдел физкультуры и спорта"}, absent: []string{"Комитет финансов"}},
			{name: "home shows the changes at once", method: "GET", path: "/m/luga/", status: 200,
				want: []string{"Комитет ЖКХ", "Отдел физкультуры и спорта", "Заклинье"}, absent: []string{"Комитет финансов"}},
			{name: "home in English", method: "GET", path: "/m/luga/", status: 200, lang: "en",
				want: []string{`<html lang="en"`, "Luga Municipal Okrug", "Education Committee", "Kindergartens, schools"}},
		}
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, h, d) })
		}
		if got := must[Department](t)(s.Department(platformAdmin(), housing)); got.NameRU != "Комитет ЖКХ" {
			t.Fatalf("housing is %q", got.NameRU)
		}
	})
}

func TestAPIPagination(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		if _, err := SeedDemo(platformAdmin(), s); err != nil {
			t.Fatal(err)
		}
		h := testServer(t, s, nil)
		var codes []string
		next := "/api/v1/territories?limit=4"
		for pages := 0; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", next, nil))
			var page web.List[Node]
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			for _, n := range page.Items {
				codes = append(codes, n.OKTMO)
			}
			next = ""
			if page.NextCursor != "" {
				next = "/api/v1/territories?limit=4&cursor=" + page.NextCursor
			}
		}
		all := must[[]Node](t)(s.Nodes(platformAdmin(), NodeQuery{AnyParent: true}))
		if len(codes) != len(all) || len(all) < 12 {
			t.Fatalf("paged %d nodes, have %d", len(codes), len(all))
		}
		for i := 1; i < len(codes); i++ {
			if codes[i] <= codes[i-1] {
				t.Fatalf("out of order or repeated at %d: %v", i, codes)
			}
		}
	})
}
