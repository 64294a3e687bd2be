package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The administration index lists, for a municipal administrator, their
// municipality's tools from every domain, and each of those pages opens
// for them; another municipality's tools are not listed.
func TestAdminIndexListsTheMunicipalityTools(t *testing.T) {
	a, world, ts := newDemoServer(t)
	var email, password string
	for _, l := range world.Logins { // the first is the main municipality's
		if l.Role == "municipal_admin" {
			email, password = l.Email, l.Password
			break
		}
	}
	if email == "" {
		t.Fatal("the demo has no municipal administrator")
	}
	c := newCrawler(t, a, ts.URL, "ru")
	c.login(email, password)
	get := func(path string) (int, string) {
		res, err := c.client.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, body := get("/admin/")
	if code != http.StatusOK {
		t.Fatalf("/admin/: %d", code)
	}
	tools := []string{"/admin/m/%s/departments", "/m/%s/appeals/routing", "/m/%s/appeals/replies", "/appeals/moderation",
		"/admin/m/%s/participation", "/admin/m/%s/verification", "/m/%s/metering", "/m/%s/resources", "/m/%s/transport/feeds", "/m/%s/transport/segments",
		"/m/%s/situation", "/m/%s/indicators/edit"}
	slug := world.Municipality
	if !strings.Contains(body, `href="/m/`+slug+`/resources"`) {
		t.Fatalf("/admin/ lists no tools of %s:\n%s", world.Municipality, body)
	}
	if n := strings.Count(body, `id="tools-`); n != 1 {
		t.Fatalf("/admin/ lists %d municipalities' tools, want the administrator's one", n)
	}
	for _, tool := range tools {
		p := strings.ReplaceAll(tool, "%s", slug)
		if !strings.Contains(body, `href="`+p+`"`) {
			t.Errorf("/admin/ lacks %s", p)
		}
		if code, _ := get(p); code != http.StatusOK {
			t.Errorf("%s: status %d for the municipality's administrator", p, code)
		}
	}
}
