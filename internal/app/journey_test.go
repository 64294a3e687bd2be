package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// journey is the state the scenario's steps share.
type journey struct {
	t               *testing.T
	a               *app.App
	b               *browsertest.Browser
	base            string
	world           *app.DemoWorld
	email, password string
	name            string
	department      string
}

func (j *journey) open(path string) { j.t.Helper(); j.b.Open(j.base + path) }

// path is the path of the page the browser shows.
func (j *journey) path() string {
	u, err := url.Parse(j.b.Location())
	if err != nil {
		j.t.Fatal(err)
	}
	return u.Path
}

func (j *journey) expectPage(name string) {
	j.t.Helper()
	var got string
	j.b.EvalInto(`document.body.dataset.page || ""`, &got)
	if got != name {
		j.t.Fatalf("at %s: page %q, want %q; text: %.400s", j.b.Location(), got, name, j.b.Text("main"))
	}
}

func (j *journey) visitHome() {
	j.t.Helper()
	j.open("/")
	if lang := j.b.Lang(); lang != "ru" {
		j.t.Fatalf("a new visitor gets lang %q, want ru", lang)
	}
	j.b.Both("home")
}

func (j *journey) register() {
	j.t.Helper()
	j.b.Follow("#nav-register")
	j.expectPage("identity/register")
	j.b.Both("register")

	// Without consent nothing is created and the form says why.
	j.fillRegistration()
	j.b.Submit(`form[action="/register"] button[type=submit]`)
	j.expectPage("identity/register")
	if !j.b.Has(`#consent[aria-invalid="true"]`) || !j.b.Has("#consent-error") {
		j.t.Fatal("registration without consent: the consent box is not marked invalid with a message")
	}
	j.b.Both("register-errors")

	j.fillRegistration()
	j.b.Check("#consent")
	j.b.Submit(`form[action="/register"] button[type=submit]`)
	j.expectPage("identity/profile")
	j.b.Contains("main", j.email)
}

func (j *journey) fillRegistration() {
	j.t.Helper()
	j.b.Fill("#email", j.email)
	j.b.Fill("#password", j.password)
	j.b.Fill("#name", j.name)
	// Home is the demo's main municipality, where the demo administrator
	// works.
	home, err := j.a.Territory.NodeBySlug(context.Background(), j.world.Municipality)
	if err != nil {
		j.t.Fatal(err)
	}
	if !j.b.Has(`#home option[value="` + home.ID + `"]`) {
		j.t.Fatalf("the registration form does not offer %s", j.world.Municipality)
	}
	j.b.Select("#home", home.ID)
}

func (j *journey) signOut() {
	j.t.Helper()
	j.b.Submit("#logout")
	if j.b.Has("#logout") {
		j.t.Fatalf("still signed in after signing out, at %s", j.b.Location())
	}
}

func (j *journey) signIn(email, password string) {
	j.t.Helper()
	j.open("/login")
	j.b.Fill("#email", email)
	j.b.Fill("#password", password)
	j.b.Submit(`form[action="/login"] button[type=submit]`)
	if !j.b.Has("#logout") {
		j.t.Fatalf("sign-in as %s failed at %s: %.300s", email, j.b.Location(), j.b.Text("main"))
	}
}

func (j *journey) signOutAndIn() {
	j.t.Helper()
	// On a phone the sign-out button sits in the folded menu.
	j.b.Resize(browsertest.Phone)
	if j.b.Eval(`document.querySelector("#logout").getClientRects().length`) != "0" {
		j.t.Fatal("on a phone the navigation is not folded behind the menu button")
	}
	j.b.Do(chromedp.Click(chromedp.CSS("#menu-toggle")))
	j.signOut()
	j.b.Resize(browsertest.Desktop)
	j.open("/login")
	j.expectPage("identity/login")
	j.b.Both("login")

	// A wrong password signs nobody in and says so.
	j.b.Fill("#email", j.email)
	j.b.Fill("#password", "not-the-password")
	j.b.Submit(`form[action="/login"] button[type=submit]`)
	if j.b.Has("#logout") || !j.b.Has(".alert.bad") {
		j.t.Fatal("a wrong password: want no session and an error message")
	}
	j.signIn(j.email, j.password)
	j.expectPage("identity/profile")
}

// switchLanguage turns the site to English and checks the choice is
// remembered on the next page.
func (j *journey) switchLanguage() {
	j.t.Helper()
	before := j.b.Text("#logout")
	j.b.Follow("#lang-switch")
	if lang := j.b.Lang(); lang != "en" {
		j.t.Fatalf("after the language switch lang = %q, want en", lang)
	}
	if after := j.b.Text("#logout"); after == before || after != "Sign out" {
		j.t.Fatalf("sign-out button reads %q after the switch (was %q)", after, before)
	}
	j.expectPage("identity/profile")
	j.open("/")
	if lang := j.b.Lang(); lang != "en" {
		j.t.Fatalf("the language choice was not remembered: lang = %q", lang)
	}
}

func (j *journey) municipalityPage() {
	j.t.Helper()
	if j.world.Municipality == "" {
		j.t.Fatal("the demo has no municipality")
	}
	j.open("/m/" + j.world.Municipality + "/")
	j.expectPage("territory/municipality")
	j.b.Both("municipality")
}

// downloadData downloads "my data" from the profile and checks the JSON
// holds the person, their consent and nobody else.
func (j *journey) downloadData() {
	j.t.Helper()
	j.open("/profile")
	j.b.Both("profile")
	raw := j.b.Download(`a[href="/profile/export"]`)
	var export map[string]any
	if err := json.Unmarshal(raw, &export); err != nil {
		j.t.Fatalf("the data export is not JSON: %v\n%.300s", err, raw)
	}
	text := string(raw)
	for _, want := range []string{j.email, j.name} {
		if !strings.Contains(text, want) {
			j.t.Errorf("the data export lacks %q: %.600s", want, text)
		}
	}
	consents, _ := export["consents"].([]any)
	if len(consents) != 1 {
		j.t.Fatalf("the data export holds %d consents, want 1: %.600s", len(consents), text)
	}
	if strings.Contains(text, "password") && strings.Contains(text, "argon2") {
		j.t.Error("the data export contains the password hash")
	}
	for _, l := range j.world.Logins {
		if strings.Contains(text, l.Email) {
			j.t.Errorf("the data export mentions another person, %s", l.Email)
		}
	}
}

func (j *journey) admin() app.DemoLogin {
	j.t.Helper()
	for _, l := range j.world.Logins {
		if l.Role == "municipal_admin" {
			return l
		}
	}
	j.t.Fatalf("the demo has no municipal administrator: %+v", j.world.Logins)
	return app.DemoLogin{}
}

func (j *journey) adminCreatesDepartment() {
	j.t.Helper()
	adm := j.admin()
	j.signIn(adm.Email, adm.Password)
	// Back to Russian, the other way round.
	j.b.Follow("#lang-switch")
	if lang := j.b.Lang(); lang != "ru" {
		j.t.Fatalf("after switching back lang = %q, want ru", lang)
	}
	j.open("/admin/")
	j.b.Both("admin")

	j.open("/admin/m/" + j.world.Municipality + "/departments")
	j.expectPage("territory/admin_departments")
	rows := j.departmentCount()
	if rows == 0 {
		j.t.Fatal("the demo municipality lists no departments")
	}
	j.b.Both("departments")

	// A department without a name is refused, field by field.
	j.b.Fill("#f-code", "digital")
	j.b.Submit(`form[action$="/departments"] button[type=submit]`)
	if !j.b.Has(`#f-name_ru[aria-invalid="true"]`) || !j.b.Has("#f-name_ru-error") {
		j.t.Fatal("a department without a name: the name field is not marked invalid with a message")
	}
	if got := j.departmentCount(); got != rows {
		j.t.Fatalf("a refused department changed the list: %d departments, want %d", got, rows)
	}

	j.department = "Отдел цифрового развития"
	j.b.Fill("#f-name_ru", j.department)
	j.b.Fill("#f-name_en", "Digital Development")
	j.b.Fill("#f-code", "digital")
	j.b.Submit(`form[action$="/departments"] button[type=submit]`)
	j.expectPage("territory/admin_departments")
	if got := j.departmentCount(); got != rows+1 {
		j.t.Fatalf("after creating a department the list has %d departments, want %d", got, rows+1)
	}
	j.b.Contains("main", j.department)
	j.b.Both("department-created")
}

// departmentCount is the number of departments the administration page
// lists: one edit link each.
func (j *journey) departmentCount() int {
	var n int
	j.b.EvalInto(`document.querySelectorAll('main a[href^="/admin/m/`+j.world.Municipality+`/departments/"]').length`, &n)
	return n
}

// rowCount is the number of rows in the page's first table body (0
// without a table).
func (j *journey) rowCount() int {
	var n int
	j.b.EvalInto(`document.querySelectorAll("table tbody tr").length`, &n)
	return n
}

func (j *journey) adminGrantsRole() {
	j.t.Helper()
	j.open("/admin/users?q=" + url.QueryEscape(j.email))
	j.expectPage("identity/admin_users")
	j.b.Both("users")
	j.b.Follow(`table tbody a[href^="/admin/users/"]`)
	j.expectPage("identity/admin_user")
	j.b.Contains("main", j.email)
	grants := j.rowCount()

	j.b.Select("#role", "operator")
	var dept string
	j.b.EvalInto(`[...document.querySelectorAll("#department_id option")].filter(o => o.textContent.trim() === `+
		jsString(j.department)+`).map(o => o.value)[0] || ""`, &dept)
	if dept == "" {
		j.t.Fatalf("the grant form does not offer the new department %q", j.department)
	}
	j.b.Select("#department_id", dept)
	j.b.Submit(`form[action$="/grants"] button[type=submit]`)
	j.expectPage("identity/admin_user")
	if got := j.rowCount(); got != grants+1 {
		j.t.Fatalf("after granting a role the user has %d grant rows, want %d: %.400s", got, grants+1, j.b.Text("main"))
	}
	operator := j.a.Catalog.Localizer("ru").T("identity.role.operator")
	j.b.Contains("table", operator)
	j.b.Both("role-granted")

	// The new operator now finds the officials' workplace.
	j.signOut()
	j.signIn(j.email, j.password)
	if !j.b.Has(`a[href="/work/"]`) {
		j.t.Fatal("the new operator has no link to the workplace")
	}
	j.open("/work/")
	j.expectPage("workplace/queue")
	j.b.Both("workplace")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
