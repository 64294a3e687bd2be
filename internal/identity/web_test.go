package identity

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/web"
)

// site is identity served the way the app serves it, over HTTP.
type site struct {
	*env
	srv *httptest.Server
}

func newSite(t *testing.T, e *env) *site {
	t.Helper()
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	ws := &web.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: e.cat}
	if ws.Render, err = web.NewRenderer(e.cat, assets, Templates); err != nil {
		t.Fatal(err)
	}
	rt := web.NewRouter(ws)
	rt.HandleHTTP("GET /static/{hash}/{path...}", assets.Handler())
	Routes(rt, ws.Render, e.svc)
	h := web.Chain(rt.Mux(), web.RequestIDs, ws.Recover, ws.Languages, ws.LimitBody(4096), ws.CrossOrigin,
		e.svc.sessions.LoadAndSave, e.svc.AuthenticateWith(ws))
	s := &site{env: e, srv: httptest.NewServer(h)}
	t.Cleanup(s.srv.Close)
	return s
}

// browser is a client with its own cookies that does not follow redirects.
func (s *site) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type answer struct {
	status int
	body   string
	header http.Header
}

func do(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, string(b), res.Header}
}

func (s *site) get(t *testing.T, c *http.Client, path string) answer {
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	req.Header.Set("Accept-Language", "en")
	return do(t, c, req)
}

func (s *site) post(t *testing.T, c *http.Client, path string, form url.Values) answer {
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "en")
	return do(t, c, req)
}

func (s *site) api(t *testing.T, method, path, key, body string) answer {
	req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return do(t, http.DefaultClient, req)
}

func registration(email string) url.Values {
	return url.Values{"email": {email}, "password": {"correct horse battery"}, "name": {"Анна Петрова"}, "home": {"a"},
		"consent": {"yes"}, "consent_version": {CurrentConsent}}
}

func TestRegisterLoginProfileExportScenario(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		b := s.browser()
		if a := s.get(t, b, "/register"); a.status != 200 || !strings.Contains(a.body, `name="consent"`) || !strings.Contains(a.body, "Luga okrug") {
			t.Fatalf("register form: %d", a.status)
		}
		if a := s.get(t, b, "/consent/"+CurrentConsent); a.status != 200 || !strings.Contains(a.body, "152-FZ") {
			t.Fatalf("consent text: %d", a.status)
		}
		if a := s.get(t, b, "/consent/v0"); a.status != 404 {
			t.Errorf("unknown consent version: %d", a.status)
		}
		a := s.post(t, b, "/register", registration("anna@example.ru"))
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/profile" {
			t.Fatalf("register: %d %s", a.status, a.body)
		}
		a = s.get(t, b, "/profile")
		if a.status != 200 || !strings.Contains(a.body, "Анна Петрова") || !strings.Contains(a.body, "Your account is ready") {
			t.Fatalf("profile: %d", a.status)
		}
		a = s.get(t, b, "/profile/export")
		if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("export: %d %v", a.status, a.header)
		}
		var x Export
		if err := json.Unmarshal([]byte(a.body), &x); err != nil || x.Account.Email != "anna@example.ru" || len(x.Consents) != 1 {
			t.Fatalf("export body: %v %+v", err, x)
		}
		if a := s.api(t, "GET", "/api/v1/me", "", ""); a.status != 401 {
			t.Errorf("anonymous /me: %d", a.status)
		}
		if a := s.post(t, b, "/logout", nil); a.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", a.status)
		}
		if a := s.get(t, b, "/profile"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login") {
			t.Fatalf("profile after logout: %d", a.status)
		}
		// Sent to sign in on the way to a page, a person is told why.
		if a := s.get(t, b, "/login?next=/profile"); !strings.Contains(a.body, "Please sign in to open that page") {
			t.Errorf("login on the way to a page does not say why")
		}
		if a := s.get(t, b, "/login"); strings.Contains(a.body, "Please sign in to open that page") {
			t.Errorf("plain login page speaks of another page")
		}
		a = s.post(t, b, "/login", url.Values{"email": {"ANNA@example.ru"}, "password": {"correct horse battery"}, "next": {"//evil.example/"}})
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/profile" {
			t.Fatalf("login: %d %q", a.status, a.header.Get("Location"))
		}
	})
}

func TestRegisterFormErrorsWriteNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		e.register(t, "taken@example.ru", "a")
		users := count(t, e.d, "users")
		cases := []struct {
			name   string
			edit   func(v url.Values)
			status int
			want   string
		}{
			{"duplicate email", func(v url.Values) { v.Set("email", "Taken@Example.ru") }, 409, "already registered"},
			{"injection in email", func(v url.Values) { v.Set("email", "x'; DROP TABLE users; --@example.ru") }, 400, `id="email-error"`},
			{"markup in name", func(v url.Values) { v.Set("name", `<img src=x onerror=alert(1)>`) }, 400, `id="name-error"`},
			{"no consent", func(v url.Values) { v.Del("consent") }, 400, `id="consent-error"`},
			{"short password", func(v url.Values) { v.Set("password", "123") }, 400, "at least 10 characters"},
			{"unknown municipality", func(v url.Values) { v.Set("home", "../../etc") }, 400, `id="home-error"`},
		}
		for _, c := range cases {
			v := registration("new@example.ru")
			c.edit(v)
			a := s.post(t, s.browser(), "/register", v)
			if a.status != c.status || !strings.Contains(a.body, c.want) || !strings.Contains(a.body, `aria-invalid="true"`) {
				t.Errorf("%s: %d, body has %q: %v", c.name, a.status, c.want, strings.Contains(a.body, c.want))
			}
			if strings.Contains(a.body, "<img src=x") {
				t.Errorf("%s: markup echoed unescaped", c.name)
			}
		}
		if n := count(t, e.d, "users"); n != users {
			t.Errorf("users %d, want %d", n, users)
		}
	})
}

func TestLoginFormThrottles(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		e.register(t, "anna@example.ru", "a")
		b := s.browser()
		for i := 0; i < 5; i++ {
			a := s.post(t, b, "/login", url.Values{"email": {"anna@example.ru"}, "password": {"wrong password"}})
			if a.status != 400 || !strings.Contains(a.body, "Wrong e-mail or password") {
				t.Fatalf("attempt %d: %d", i+1, a.status)
			}
		}
		a := s.post(t, b, "/login", url.Values{"email": {"anna@example.ru"}, "password": {"correct horse battery"}})
		if a.status != 429 || !strings.Contains(a.body, "Too many failed sign-in attempts") || a.header.Get("Retry-After") == "" {
			t.Fatalf("throttled: %d", a.status)
		}
	})
}

func TestWithdrawNeedsConfirmation(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		b := s.browser()
		s.post(t, b, "/register", registration("anna@example.ru"))
		if a := s.get(t, b, "/profile/withdraw"); a.status != 200 || !strings.Contains(a.body, "signed out at once") {
			t.Fatalf("withdraw page: %d", a.status)
		}
		if a := s.post(t, b, "/profile/withdraw", nil); a.status != 400 {
			t.Fatalf("unconfirmed withdrawal: %d", a.status)
		}
		if n := count(t, e.d, "consents WHERE withdrawn_ms IS NULL"); n != 1 {
			t.Fatalf("consent withdrawn without confirmation")
		}
		if a := s.post(t, b, "/profile/withdraw", url.Values{"confirm": {"yes"}}); a.status != 200 || !strings.Contains(a.body, "Consent withdrawn") {
			t.Fatalf("withdrawal: %d", a.status)
		}
		if a := s.get(t, b, "/profile"); a.status != http.StatusSeeOther {
			t.Errorf("still signed in after withdrawal: %d", a.status)
		}
		a := s.post(t, b, "/login", url.Values{"email": {"anna@example.ru"}, "password": {"correct horse battery"}})
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/consent/accept" {
			t.Fatalf("login of deactivated account: %d %q", a.status, a.header.Get("Location"))
		}
		if a := s.get(t, b, "/consent/accept"); a.status != 200 || !strings.Contains(a.body, `name="consent"`) {
			t.Fatalf("accept page: %d", a.status)
		}
	})
}

// adminKey makes a municipal admin of a and a key carrying that role.
func adminKey(t *testing.T, e *env) string {
	t.Helper()
	admin := e.official(t, "admin.a@example.ru", "municipal_admin", "a")
	_, secret, err := e.svc.CreateAPIKey(e.as(t, admin.ID), APIKeyInput{Name: "integration", Role: "municipal_admin", ScopeID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestAPIBadInputIsProblemAndWritesNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		key := adminKey(t, e)
		res := e.register(t, "res@example.ru", "a")
		path := "/api/v1/users/" + res.ID + "/grants"
		grants := count(t, e.d, "grants")
		cases := []struct {
			name, body string
			status     int
			typ        string
		}{
			{"malformed", `{"role": "operator",`, 400, "invalid-json"},
			{"unknown field", `{"role": "operator", "scope_id": "a", "admin": true}`, 400, "unknown-field"},
			{"wrong type", `{"role": 5, "scope_id": "a"}`, 400, "wrong-type"},
			{"trailing data", `{"role": "operator", "scope_id": "a"} {}`, 400, "invalid-json"},
			{"oversized", `{"role": "` + strings.Repeat("x", 5000) + `"}`, 413, "body-too-large"},
			{"injection", `{"role": "operator'; DROP TABLE grants; --", "scope_id": "a"}`, 400, "grant-invalid"},
			{"other tenant scope", `{"role": "operator", "scope_id": "b"}`, 403, "forbidden"},
		}
		for _, c := range cases {
			a := s.api(t, "POST", path, key, c.body)
			if a.status != c.status || !strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: %d %s", c.name, a.status, a.header.Get("Content-Type"))
				continue
			}
			var p web.Problem
			json.Unmarshal([]byte(a.body), &p)
			if p.Type != web.ProblemBase+c.typ {
				t.Errorf("%s: type %s, want %s", c.name, p.Type, c.typ)
			}
		}
		if n := count(t, e.d, "grants"); n != grants {
			t.Errorf("grants %d, want %d", n, grants)
		}
		a := s.api(t, "POST", path, key, `{"role": "operator", "scope_id": "a", "department_id": "dep-a"}`)
		if a.status != 201 {
			t.Fatalf("good grant: %d %s", a.status, a.body)
		}
		var g GrantRecord
		json.Unmarshal([]byte(a.body), &g)
		if a := s.api(t, "DELETE", "/api/v1/grants/"+g.ID, key, ""); a.status != 204 {
			t.Errorf("revoke: %d %s", a.status, a.body)
		}
	})
}

func TestAPIKeyAuthentication(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		key := adminKey(t, e)
		e.register(t, "res.b@example.ru", "b")
		a := s.api(t, "GET", "/api/v1/users", key, "")
		if a.status != 200 {
			t.Fatalf("users: %d %s", a.status, a.body)
		}
		var list web.List[User]
		json.Unmarshal([]byte(a.body), &list)
		for _, u := range list.Items {
			if u.TenantID == "b" {
				t.Errorf("key of a lists %s of b", u.Email)
			}
		}
		for _, bad := range []string{"muni_nope", key + "x", "Basic " + key} {
			req, _ := http.NewRequest("GET", s.srv.URL+"/api/v1/users", nil)
			if strings.HasPrefix(bad, "Basic ") {
				req.Header.Set("Authorization", bad)
			} else {
				req.Header.Set("Authorization", "Bearer "+bad)
			}
			if a := do(t, http.DefaultClient, req); a.status != 401 || !strings.Contains(a.body, "api-key-invalid") {
				t.Errorf("bad key %q: %d %s", bad, a.status, a.body)
			}
		}
		// A key may not mint keys; only people manage them.
		if a := s.api(t, "POST", "/api/v1/apikeys", key, `{"name":"x","role":"operator","scope_id":"a"}`); a.status != 403 {
			t.Errorf("key creating a key: %d", a.status)
		}
		var id string
		e.d.Writer().QueryRow(`SELECT id FROM api_keys`).Scan(&id)
		if err := e.svc.st.revokeKey(t.Context(), id, e.svc.nowMs()); err != nil {
			t.Fatal(err)
		}
		if a := s.api(t, "GET", "/api/v1/users", key, ""); a.status != 401 {
			t.Errorf("revoked key: %d", a.status)
		}
	})
}

func TestAdminPagesRespectTenants(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		s := newSite(t, e)
		e.official(t, "admin.a@example.ru", "municipal_admin", "a")
		resA := e.register(t, "res.a@example.ru", "a")
		resB := e.register(t, "res.b@example.ru", "b")
		b := s.browser()
		s.post(t, b, "/login", url.Values{"email": {"admin.a@example.ru"}, "password": {"official password 1"}})
		a := s.get(t, b, "/admin/users")
		if a.status != 200 || !strings.Contains(a.body, "res.a@example.ru") || strings.Contains(a.body, "res.b@example.ru") {
			t.Fatalf("users page: %d", a.status)
		}
		if a := s.get(t, b, "/admin/users/"+resB.ID); a.status != 404 {
			t.Errorf("other tenant's user page: %d", a.status)
		}
		if a := s.get(t, b, "/admin/users/"+resA.ID); a.status != 200 || !strings.Contains(a.body, `name="scope_id"`) {
			t.Errorf("own user page: %d", a.status)
		}
		a = s.post(t, b, "/admin/users/"+resA.ID+"/grants", url.Values{"role": {"operator"}, "scope_id": {"b"}})
		if a.status != 403 {
			t.Errorf("grant on another municipality: %d", a.status)
		}
		a = s.post(t, b, "/admin/users/"+resA.ID+"/grants", url.Values{"role": {"operator"}, "scope_id": {"a"}})
		if a.status != http.StatusSeeOther {
			t.Errorf("grant: %d %s", a.status, a.body)
		}
		a = s.post(t, b, "/admin/apikeys", url.Values{"name": {"Датчики"}, "role": {"operator"}, "scope_id": {"a"}})
		if a.status != 201 || !strings.Contains(a.body, `id="new-key">muni_`) {
			t.Errorf("key creation page: %d", a.status)
		}
		if a := s.get(t, b, "/admin/apikeys"); strings.Contains(a.body, `id="new-key"`) {
			t.Error("the secret is shown again")
		}
		resident := s.browser()
		s.post(t, resident, "/login", url.Values{"email": {"res.b@example.ru"}, "password": {"correct horse battery"}})
		if a := s.get(t, resident, "/admin/users"); a.status != 403 {
			t.Errorf("resident on admin page: %d", a.status)
		}
	})
}
