package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// TestDesignSystem renders a page that uses every component of muni.css
// inside the shared layout, for a visitor and for an administrator (the
// fullest header), and checks it at phone and desktop width: no sideways
// scrolling and no serious or critical axe-core violation (colour
// contrast included).
func TestDesignSystem(t *testing.T) {
	ts := styleguideServer(t)
	b := browsertest.New(t)
	for _, who := range []string{"visitor", "admin"} {
		b.Open(ts.URL + "/?as=" + who)
		b.Both("styleguide-" + who)
	}
	keyboard(t, b, ts.URL)
	b.Resize(browsertest.Phone)
	b.Open(ts.URL + "/?as=admin")
	b.ScreenshotScreen("styleguide-menu-closed")
	// The site's name and the header's buttons share one row without
	// overlapping, in both languages' longest names.
	for _, lang := range []string{"ru", "en"} {
		b.Open(ts.URL + "/?as=admin&lang=" + lang)
		if b.Eval(headerFits) != "true" {
			t.Errorf("%s: the brand overlaps the header buttons at %d px: %s", lang, browsertest.Phone.Width, b.Eval(headerRects))
		}
	}
	if b.Has("#menu-toggle") {
		// On a phone the navigation folds behind a button that says so.
		if got := b.Eval(`document.querySelector("#menu-toggle").getAttribute("aria-expanded")`); got != `"false"` {
			t.Fatalf("menu toggle aria-expanded = %s before opening", got)
		}
		b.Do(clickCSS("#menu-toggle"))
		if got := b.Eval(`document.querySelector("#menu-toggle").getAttribute("aria-expanded")`); got != `"true"` {
			t.Fatalf("menu toggle aria-expanded = %s after opening", got)
		}
		if b.Eval(`document.querySelector("#site-nav").getBoundingClientRect().height > 0`) != "true" {
			t.Fatal("the opened menu is not visible")
		}
		b.NoHorizontalScroll()
		b.ScreenshotScreen("styleguide-menu-open")
		b.Axe("styleguide-menu-open")
	}
}

// keyboard checks what a keyboard user meets first: Tab shows the skip
// link on screen, Enter on it moves focus to the main content, and the
// next focused element wears a visible focus outline.
func keyboard(t *testing.T, b *browsertest.Browser, base string) {
	t.Helper()
	b.Open(base + "/?as=visitor")
	b.Do(chromedp.KeyEvent(kb.Tab))
	var skip struct {
		Class              string
		Left, Top, Outline float64
	}
	b.EvalInto(focused, &skip)
	if skip.Class != "skip-link" || skip.Left < 0 || skip.Top < 0 || skip.Outline < 2 {
		t.Fatalf("first Tab: focused %+v, want the skip link on screen with an outline", skip)
	}
	b.ScreenshotScreen("styleguide-skip-link")
	b.Do(chromedp.KeyEvent(kb.Enter))
	var id string
	b.EvalInto(`document.activeElement.id`, &id)
	if id != "main" {
		t.Fatalf("the skip link moved focus to %q, want main", id)
	}
	b.Do(chromedp.KeyEvent(kb.Tab))
	var next struct {
		Class              string
		Left, Top, Outline float64
	}
	b.EvalInto(focused, &next)
	if next.Outline < 2 {
		t.Fatalf("the first link in the content has no visible focus outline: %+v", next)
	}
}

// focused describes the focused element: class, position and outline width.
const focused = `(() => {
  const el = document.activeElement, r = el.getBoundingClientRect(), cs = getComputedStyle(el);
  return {Class: el.className, Left: r.left, Top: r.top,
    Outline: cs.outlineStyle === "none" ? 0 : parseFloat(cs.outlineWidth)};
})()`

const headerFits = `(() => {
  const brand = document.querySelector(".brand"), tools = document.querySelector(".header-tools");
  const text = brand.querySelector("span");
  return brand.getBoundingClientRect().right <= tools.getBoundingClientRect().left + 1 &&
    text.getBoundingClientRect().right <= brand.getBoundingClientRect().right + 1 &&
    text.scrollWidth <= text.clientWidth + 1;
})()`

const headerRects = `(() => {
  const r = s => { const b = document.querySelector(s).getBoundingClientRect(); return [Math.round(b.left), Math.round(b.right)]; };
  const text = document.querySelector(".brand span");
  return {brand: r(".brand"), text: r(".brand span"), tools: r(".header-tools"), scroll: text.scrollWidth, client: text.clientWidth};
})()`

func styleguideServer(t *testing.T) *httptest.Server {
	t.Helper()
	cat := i18n.New()
	if err := cat.Load(web.Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := web.NewRenderer(cat, assets, web.Templates{Domain: "design", FS: os.DirFS("testdata")})
	if err != nil {
		t.Fatal(err)
	}
	rd.Site = web.Site{DemoNotice: true}
	srv := &web.Server{Catalog: cat, Render: rd}
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{path...}", assets.Handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if l := r.URL.Query().Get("lang"); l != "" {
			ctx = web.WithLang(ctx, l)
		}
		if r.URL.Query().Get("as") == "admin" {
			ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: "u1", Name: "Мария Иванова",
				Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopeID: "m", ScopePath: "/r/m/"}}})
		}
		if err := rd.Page(w, r.WithContext(ctx), http.StatusOK, "design/styleguide", nil); err != nil {
			t.Error(err)
		}
	})
	ts := httptest.NewServer(srv.Languages(mux))
	t.Cleanup(ts.Close)
	return ts
}
