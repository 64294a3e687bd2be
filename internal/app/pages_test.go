package app_test

import (
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
)

// TestVendorAssets fails when the npm-installed front-end libraries are
// not in static/vendor, where the binary embeds them from.
func TestVendorAssets(t *testing.T) {
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	if missing := assets.Missing(); len(missing) > 0 {
		t.Fatalf("front-end libraries are missing from internal/platform/web/static/vendor: %v — run npm ci", missing)
	}
}

// TestCatalogComplete: every message exists in Russian and in English.
func TestCatalogComplete(t *testing.T) {
	a := newTestApp(t, db.SQLite)
	if missing := a.Catalog.Missing(); len(missing) > 0 {
		t.Fatalf("messages missing from a language (lang:key): %v", missing)
	}
}

// TestEveryPageRenders crawls the demo, in Russian and in English, as a
// visitor and as each kind of demo official, following every same-site
// link from the entry points and every GET route without parameters. No
// page may answer 5xx or show a message key instead of its text, each
// page must say its language, and every page template must have been
// rendered in both languages.
func TestEveryPageRenders(t *testing.T) {
	a, world, ts := newDemoServer(t)

	seen := map[string]map[string]bool{"ru": {}, "en": {}} // lang -> page -> rendered
	for _, lang := range []string{"ru", "en"} {
		for _, who := range crawlVisitors(world) {
			c := newCrawler(t, a, ts.URL, lang)
			if who.Email != "" {
				c.login(who.Email, who.Password)
			}
			c.run(entryPoints(a, world))
			for p := range c.pages {
				seen[lang][p] = true
			}
		}
	}
	for _, lang := range []string{"ru", "en"} {
		var missed []string
		for _, name := range a.Web.Render.Names() {
			if !seen[lang][name] {
				missed = append(missed, name)
			}
		}
		slices.Sort(missed)
		if len(missed) > 0 {
			t.Errorf("%s: pages the crawl never rendered (link them, or reach them in a scenario): %v", lang, missed)
		}
	}
}
