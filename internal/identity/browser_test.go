package identity

import (
	"testing"

	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestPagesAtPhoneWidth opens every identity page in chromium at 360 px,
// as a visitor, a resident and a municipal administrator, and fails on
// sideways scrolling or a serious axe-core violation.
func TestPagesAtPhoneWidth(t *testing.T) {
	e := newEnv(t, testdb.Open(t, db.SQLite, allMigrations...))
	s := newSite(t, e)
	long := "konstantin.konstantinopolsky.0123@municipality.example"
	e.official(t, "admin.a@example.ru", "municipal_admin", "a")
	res := e.register(t, long, "a")
	_, _, err := e.svc.CreateAPIKey(e.as(t, e.mustUser(t, "admin.a@example.ru")), APIKeyInput{Name: "Телеметрия счётчиков тепла", Role: "operator", ScopeID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(b *browsertest.Browser, path string) {
		t.Helper()
		b.OpenAny(s.srv.URL + path)
		var wide []string
		b.EvalInto(`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".table-wrap")).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)).slice(0, 8)`, &wide)
		if len(wide) > 0 {
			t.Errorf("%s: elements past the screen edge: %v", path, wide)
		}
		b.NoHorizontalScroll()
		b.Axe(path)
	}
	visitor := browsertest.New(t)
	visitor.Resize(browsertest.Phone)
	for _, p := range []string{"/register", "/login", "/consent/" + CurrentConsent, "/consent/accept", "/password/forgot", "/password/reset?token=x"} {
		check(visitor, p)
	}
	for _, who := range []struct{ email, password string }{{long, "correct horse battery"}, {"admin.a@example.ru", "official password 1"}} {
		b := browsertest.New(t)
		b.Resize(browsertest.Phone)
		b.Open(s.srv.URL + "/login")
		b.Fill("#email", who.email)
		b.Fill("#password", who.password)
		b.Submit(`form[action="/login"] button[type=submit]`)
		check(b, "/profile")
		check(b, "/profile/withdraw")
		if who.email != long {
			check(b, "/admin/users")
			check(b, "/admin/users/"+res.ID)
			check(b, "/admin/apikeys")
		}
	}
}

func (e *env) mustUser(t *testing.T, email string) string {
	t.Helper()
	u, err := e.svc.st.userByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
