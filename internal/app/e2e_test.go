package app_test

import (
	"testing"

	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestResidentAndAdministratorJourney is the foundation's end-to-end
// scenario in Debian's chromium, over the demo on a fresh SQLite
// database: a person registers with consent, signs out and in again,
// switches language, sees the municipality page and downloads their data;
// then an administrator creates a department and grants the new resident
// a role in it. Every page on the way is screenshot at phone and desktop
// width (see the log for the files) and checked with axe-core.
func TestResidentAndAdministratorJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	a.Web.Render.Site.DemoNotice = true
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world,
		email: "anna.smirnova@example.org", password: "Lilac-harbour-47", name: "Анна Смирнова"}

	j.visitHome()
	j.register()
	j.signOutAndIn()
	j.switchLanguage()
	j.municipalityPage()
	j.downloadData()
	j.signOut()
	j.adminCreatesDepartment()
	j.adminGrantsRole()
}

// TestEveryPageAccessible opens, in chromium at phone width, one page of
// every kind the crawl of TestEveryPageRenders finds, as a visitor and as
// each kind of demo official (a kind of page one of them checked is not
// checked again), and fails on any serious or critical axe-core
// violation, on a page wider than the phone, and on a script error or an
// asset that does not load.
func TestEveryPageAccessible(t *testing.T) {
	a, world, ts := newDemoServer(t)
	checked := map[string]bool{} // URL shapes
	for _, who := range crawlVisitors(world) {
		t.Run(who.Role, func(t *testing.T) {
			c := newCrawler(t, a, ts.URL, "ru")
			if who.Email != "" {
				c.login(who.Email, who.Password)
			}
			c.run(entryPoints(a, world))
			var todo []string
			for _, p := range c.html {
				if !checked[shape(p)] {
					checked[shape(p)] = true
					todo = append(todo, p)
				}
			}
			if len(todo) == 0 {
				return
			}
			j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
			if who.Email != "" {
				j.signIn(who.Email, who.Password)
			}
			j.b.Resize(browsertest.Phone)
			for _, p := range todo {
				j.b.OpenAny(ts.URL + p)
				j.b.NoHorizontalScroll()
				j.b.Axe(p)
				j.b.NoPageErrors(p)
			}
			t.Logf("%d pages checked", len(todo))
		})
	}
}
