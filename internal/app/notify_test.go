package app_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// signedInClient logs a demo account in over HTTP.
func signedInClient(t *testing.T, base string, l app.DemoLogin) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/login", url.Values{"email": {l.Email}, "password": {l.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path == "/login" {
		t.Fatalf("login of %s failed", l.Email)
	}
	return c
}

func getPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	status, _, b := getRaw(t, c, u)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", u, status)
	}
	return string(b)
}

// TestNotificationsFollowAnAppeal: a resident's complaint is registered
// and answered by an official; after the relay delivers the events the
// resident has two unread notifications, shown in the header and on
// /me/notifications, opens one (it goes to the appeal and is read) and
// marks the rest read.
func TestNotificationsFollowAnAppeal(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	if err := a.Relay.Drain(ctx); err != nil { // the demo's own events
		t.Fatal(err)
	}
	resLogin, adminLogin := demoLogin(t, world, "resident"), demoLogin(t, world, "municipal_admin")
	as := func(l app.DemoLogin) context.Context {
		u, err := a.Identity.Login(ctx, l.Email, l.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		act, _, err := a.Identity.ActorFor(ctx, u.ID, time.Now().UnixMilli())
		if err != nil {
			t.Fatal(err)
		}
		return auth.With(ctx, act)
	}
	resident, official := as(resLogin), as(adminLogin)
	muni, err := a.Territory.NodeBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	ap, err := a.Appeals.Submit(resident, appeals.SubmitInput{TenantID: muni.ID, Regime: appeals.RegimeAppeal, Kind: appeals.Complaint,
		Description: "Во дворе дома 7 вторую неделю не горит фонарь.", AuthorName: "Иван Петров"})
	if err != nil {
		t.Fatal(err)
	}
	client := signedInClient(t, ts.URL, resLogin)
	before, err := a.Notify.Unread(ctx, auth.From(resident).ID)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := a.Appeals.Register(official, ap.ID); err != nil {
		t.Fatal(err)
	}
	deps, err := a.Territory.Departments(ctx, muni.ID)
	if err != nil || len(deps) == 0 {
		t.Fatalf("departments %v %v", deps, err)
	}
	for _, step := range []func() error{
		func() error {
			_, err := a.Appeals.Assign(official, ap.ID, appeals.AssignInput{DepartmentID: deps[0].ID})
			return err
		},
		func() error { _, err := a.Appeals.Start(official, ap.ID); return err },
		func() error {
			_, err := a.Appeals.Answer(official, ap.ID, "Фонарь заменён 27 ноября.")
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Relay.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	page := getPage(t, client, ts.URL+"/me/notifications")
	for _, want := range []string{"Дан ответ на обращение", "Обращение зарегистрировано", `id="nav-notifications"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	unread, err := a.Notify.Unread(ctx, auth.From(resident).ID)
	if err != nil || unread != before+2 {
		t.Fatalf("unread %d %v, want %d (registered, answered; not assigned nor started)", unread, err, before+2)
	}
	if i := strings.Index(page, `id="nav-notifications"`); i < 0 || !strings.Contains(page[i:i+400], "(непрочитанных: ") {
		t.Errorf("the header shows no unread count: %.400s", page[max(i, 0):])
	}

	// Opening the newest goes to the appeal and marks it read.
	i := strings.Index(page, `/open"`)
	if i < 0 {
		t.Fatal("no notification form")
	}
	action := page[strings.LastIndex(page[:i], `"`)+1 : i+len("/open")]
	res, err := client.PostForm(ts.URL+action, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/appeals/"+ap.ID {
		t.Fatalf("opened %s, want the appeal", res.Request.URL.Path)
	}
	if n, _ := a.Notify.Unread(ctx, auth.From(resident).ID); n != unread-1 {
		t.Fatalf("unread %d after opening one, want %d", n, unread-1)
	}
	// Another person cannot open it.
	other := signedInClient(t, ts.URL, adminLogin)
	res, err = other.PostForm(ts.URL+action, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("another person opens it: %d", res.StatusCode)
	}
	res, err = client.PostForm(ts.URL+"/me/notifications/read", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if n, _ := a.Notify.Unread(ctx, auth.From(resident).ID); n != 0 {
		t.Fatalf("unread %d after all read", n)
	}
	if page := getPage(t, client, ts.URL+"/me/notifications"); strings.Contains(page, "(непрочитанных: ") {
		t.Error("the header still counts unread")
	}

	// Switching the site to English also sets the language of the
	// resident's e-mail.
	getPage(t, client, ts.URL+"/lang/en?next=/me/notifications")
	me, _, err := a.Identity.Me(resident)
	if err != nil || me.Lang != "en" {
		t.Fatalf("stored language %q %v after /lang/en, want en", me.Lang, err)
	}
}
