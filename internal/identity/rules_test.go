package identity

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{" Anna@Example.RU ", "anna@example.ru", true},
		{"a.b+tag@sub.example.org", "a.b+tag@sub.example.org", true},
		{"anna@localhost", "anna@localhost", false},
		{"Anna <anna@example.ru>", "", false},
		{"anna@@example.ru", "", false},
		{"", "", false},
		{strings.Repeat("a", 250) + "@example.ru", "", false},
		{"anna@example.ru\r\nBcc: x@example.ru", "", false},
	}
	for _, c := range cases {
		got, ok := NormalizeEmail(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("NormalizeEmail(%q) = %q, %v", c.in, got, ok)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct{ pw, email, want string }{
		{"123456789", "a@example.ru", "identity.field.password.short"},
		{"пароль1234", "a@example.ru", ""}, // ten runes, more bytes
		{"A@Example.ru", "a@example.ru", "identity.field.password.email"},
		{strings.Repeat("x", 257), "a@example.ru", "identity.field.password.long"},
		{"a long passphrase", "a@example.ru", ""},
	}
	for _, c := range cases {
		if got := checkPassword(c.pw, c.email); got != c.want {
			t.Errorf("checkPassword(%q) = %q, want %q", c.pw, got, c.want)
		}
	}
}

func TestMayAssign(t *testing.T) {
	admin := &auth.Actor{Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopePath: "/r/a/"}}}
	region := &auth.Actor{Grants: []auth.Grant{{Role: auth.RoleRegionalOperator, ScopePath: "/r/"}}}
	root := &auth.Actor{Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}}
	head := &auth.Actor{Grants: []auth.Grant{{Role: auth.RoleDepartmentHead, ScopePath: "/r/a/"}}}
	cases := []struct {
		name string
		a    *auth.Actor
		role auth.Role
		path string
		want bool
	}{
		{"admin: operator at home", admin, auth.RoleOperator, "/r/a/", true},
		{"admin: admin at home", admin, auth.RoleMunicipalAdmin, "/r/a/", true},
		{"admin: below home", admin, auth.RoleOperator, "/r/a/x/", true},
		{"admin: above own role", admin, auth.RoleRegionalOperator, "/r/a/", false},
		{"admin: other municipality", admin, auth.RoleOperator, "/r/b/", false},
		{"admin: the region", admin, auth.RoleOperator, "/r/", false},
		{"region: admin of any municipality", region, auth.RoleMunicipalAdmin, "/r/b/", true},
		{"region: platform admin", region, auth.RolePlatformAdmin, "/", false},
		{"root: anything", root, auth.RolePlatformAdmin, "/", true},
		{"head: nothing", head, auth.RoleOperator, "/r/a/", false},
		{"none role", admin, auth.RoleNone, "/r/a/", false},
	}
	for _, c := range cases {
		if got := mayAssign(c.a, c.role, c.path); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

func TestParseKey(t *testing.T) {
	good := "muni_abcd1234_" + auth.NewToken(24)
	cases := []struct {
		in, prefix string
		ok         bool
	}{
		{good, "abcd1234", true},
		{"muni_ABCD1234_" + auth.NewToken(24), "", false},
		{"muni_abc_" + auth.NewToken(24), "", false},
		{"muni_abcd1234_short", "", false},
		{"key_abcd1234_" + auth.NewToken(24), "", false},
		{"", "", false},
	}
	for _, c := range cases {
		p, ok := parseKey(c.in)
		if ok != c.ok || p != c.prefix {
			t.Errorf("parseKey(%q) = %q, %v", c.in, p, ok)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/profile": "/profile", "/m/luga/?x=1": "/m/luga/?x=1", "//evil.example/": "/d", `/\evil.example`: "/d",
		"https://evil.example/": "/d", "": "/d", "javascript:alert(1)": "/d",
	} {
		if got := localPath(in, "/d"); got != want {
			t.Errorf("localPath(%q) = %q", in, got)
		}
	}
}

func TestConsentDocuments(t *testing.T) {
	ru, err := ConsentDocument(CurrentConsent, "ru")
	if err != nil {
		t.Fatal(err)
	}
	en, err := ConsentDocument(CurrentConsent, "en")
	if err != nil {
		t.Fatal(err)
	}
	if ru.Hash == en.Hash || len(ru.Body) < 4 || len(ru.Body) != len(en.Body) || !strings.Contains(ru.Title, CurrentConsent) {
		t.Errorf("consent documents: %d/%d paragraphs", len(ru.Body), len(en.Body))
	}
	for _, v := range []string{"../identity", "v1/../v1", "", "v9"} {
		if _, err := ConsentDocument(v, "ru"); err == nil {
			t.Errorf("version %q found", v)
		}
	}
}

func TestCatalogComplete(t *testing.T) {
	cat := i18n.New()
	if err := cat.Load(web.Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	if err := cat.Load(Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	if m := cat.Missing(); len(m) != 0 {
		t.Fatalf("missing translations: %v", m)
	}
}

// TestPagesRenderInBothLanguages renders every identity page with
// representative data and finds no untranslated key.
func TestPagesRenderInBothLanguages(t *testing.T) {
	cat := i18n.New()
	cat.Load(web.Locales, "locales")
	cat.Load(Locales, "locales")
	assets, _ := web.NewAssets()
	rd, err := web.NewRenderer(cat, assets, Templates)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := ConsentDocument(CurrentConsent, "ru")
	places := newTestPlaces().nodes
	f := newForm()
	f.Alert, f.AlertKind, f.Errors["email"] = "identity.login.failed", "bad", "identity.field.email.invalid"
	u := User{ID: "u1", Email: "a@example.ru", Name: "Анна", Status: StatusActive, HasPassword: true}
	g := []GrantRecord{{ID: "g1", Role: "operator", ScopeName: "Луга"}}
	data := map[string]any{
		"identity/register":      registerPage{form: f, Municipalities: places, Consent: CurrentConsent},
		"identity/login":         loginPage{form: f, OIDC: true},
		"identity/consent":       doc,
		"identity/accept":        acceptPage{form: f, User: u, Municipalities: places, Consent: CurrentConsent},
		"identity/message":       message{Title: "identity.confirm.title", Text: "identity.confirm.done", Kind: "ok", Link: "/", LinkText: "identity.profile.title"},
		"identity/forgot":        f,
		"identity/reset":         f,
		"identity/withdraw":      f,
		"identity/profile":       profilePage{form: f, User: u, Home: "Луга", Grants: g, Consents: []Consent{{Version: "v1"}}},
		"identity/admin_users":   usersPage{Users: []User{u}, Next: "abc"},
		"identity/admin_user":    userPage{form: f, User: u, Grants: g, Places: places, Departments: []Department{{ID: "d", Name: "ЖКХ"}}, Roles: []string{"operator"}},
		"identity/admin_apikeys": keysPage{form: f, Keys: []APIKey{{ID: "k", Prefix: "abcd1234", Role: "operator"}}, Municipalities: places, Roles: []string{"operator"}, Secret: "muni_x"},
	}
	for _, name := range rd.Names() {
		if !strings.HasPrefix(name, "identity/") {
			continue
		}
		d, ok := data[name]
		if !ok {
			t.Errorf("no test data for page %s", name)
			continue
		}
		for _, lang := range i18n.Languages {
			req := httptest.NewRequest("GET", "/", nil).WithContext(web.WithLang(t.Context(), lang))
			w := httptest.NewRecorder()
			if err := rd.Page(w, req, 200, name, d); err != nil {
				t.Errorf("%s/%s: %v", name, lang, err)
				continue
			}
			if body := w.Body.String(); strings.Contains(body, "identity.") {
				i := strings.Index(body, "identity.")
				t.Errorf("%s/%s: untranslated key near %q", name, lang, body[i:min(len(body), i+60)])
			}
		}
	}
}

func TestOpenAPIFragmentMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	rt := web.NewRouter(&web.Server{})
	apiRoutes(rt, &Service{})
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	for _, r := range rt.Routes() {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
		delete(documented, r)
	}
	for r := range documented {
		t.Errorf("openapi.json documents %s, which is not served", r)
	}
}
