package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/web"
)

// crawlVisitors is an anonymous visitor and one demo account per role.
func crawlVisitors(w *app.DemoWorld) []app.DemoLogin {
	out := []app.DemoLogin{{Role: "anonymous"}}
	roles := map[string]bool{}
	for _, l := range w.Logins {
		if !roles[l.Role] && l.Password != "" {
			roles[l.Role] = true
			out = append(out, l)
		}
	}
	return out
}

// entryPoints are the pages a crawl starts from: the home page, the demo
// municipality, a page that does not exist (the error page) and every
// GET route without a path parameter.
func entryPoints(a *app.App, w *app.DemoWorld) []string {
	out := []string{"/", "/no-such-page"}
	if w.Municipality != "" {
		out = append(out, "/m/"+w.Municipality+"/")
	}
	for _, r := range a.Router.Routes() {
		method, path, ok := strings.Cut(r, " ")
		if !ok || method != "GET" || strings.Contains(path, "{") && !strings.HasSuffix(path, "{$}") {
			continue
		}
		out = append(out, strings.TrimSuffix(path, "{$}"))
	}
	return out
}

// crawler visits one site as one person in one language.
type crawler struct {
	t      *testing.T
	a      *app.App
	base   string
	lang   string
	client *http.Client
	shapes map[string]bool // URL shapes visited, ids replaced by ":id"
	pages  map[string]bool // page templates rendered
	html   []string        // paths of the HTML pages visited, in order
	doms   map[string]bool // first segments of message keys
	queue  []string
}

const crawlLimit = 400

var (
	bodyPage = regexp.MustCompile(`<body data-page="([^"]+)"`)
	htmlLang = regexp.MustCompile(`<html lang="([a-z]+)"`)
	hrefs    = regexp.MustCompile(`href="(/[^"#]*)`)
	// Text that is not prose: scripts, and identifiers shown as code
	// (audit actions such as identity.user.create).
	tags      = regexp.MustCompile(`(?s)<script.*?</script>|<code[^>]*>.*?</code>|<[^>]+>`)
	idSegment = regexp.MustCompile(`/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]{14,}|/\d+(/|$)`)
	// The metering registry's entries go by their codes, not ids.
	meteringCode = regexp.MustCompile(`(/metering/(?:edit/[a-z]+|points|devices))/[^/]+`)
)

func newCrawler(t *testing.T, a *app.App, base, lang string) *crawler {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: web.LangCookie, Value: lang, Path: "/"}})
	return &crawler{t: t, a: a, base: base, lang: lang, client: &http.Client{Jar: jar},
		shapes: map[string]bool{}, pages: map[string]bool{}, doms: messageDomains(a)}
}

// login signs in through the login form, as a browser would.
func (c *crawler) login(email, password string) {
	c.t.Helper()
	res, err := c.client.PostForm(c.base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path == "/login" {
		c.t.Fatalf("crawl: could not sign in as %s (status %d)", email, res.StatusCode)
	}
}

func (c *crawler) run(start []string) {
	c.queue = append(c.queue, start...)
	for n := 0; len(c.queue) > 0 && n < crawlLimit; {
		p := c.queue[0]
		c.queue = c.queue[1:]
		if skipCrawl(p) || c.shapes[shape(p)] {
			continue
		}
		c.shapes[shape(p)] = true
		n++
		c.visit(p)
	}
}

// skipCrawl leaves out what is not a page, or what would end the session.
func skipCrawl(p string) bool {
	for _, prefix := range []string{"/static/", "/api/", "/metrics", "/healthz", "/readyz", "/lang/", "/logout", "/login/oidc", "/open311/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// shape is p with its ids blanked, so the crawl sees one of each kind of
// page (one user, one department) instead of all of them.
func shape(p string) string {
	p, _, _ = strings.Cut(p, "?")
	p = meteringCode.ReplaceAllString(p, "$1/:code")
	return idSegment.ReplaceAllString(p, "/:id$1")
}

func (c *crawler) visit(p string) {
	c.t.Helper()
	res, err := c.client.Get(c.base + p)
	if err != nil {
		c.t.Fatalf("crawl %s: %v", p, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 500 {
		c.t.Errorf("crawl (%s) %s: status %d\n%s", c.lang, p, res.StatusCode, excerpt(body))
		return
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		return
	}
	html := string(body)
	m := bodyPage.FindStringSubmatch(html)
	if m == nil {
		return
	}
	c.pages[m[1]] = true
	c.html = append(c.html, p)
	if l := htmlLang.FindStringSubmatch(html); l == nil || l[1] != c.lang {
		c.t.Errorf("crawl %s: page %s is not marked lang=%q", p, m[1], c.lang)
	}
	if keys := c.rawKeys(html); len(keys) > 0 {
		c.t.Errorf("crawl (%s) %s: page %s shows message keys instead of text: %v", c.lang, p, m[1], keys)
	}
	for _, h := range hrefs.FindAllStringSubmatch(html, -1) {
		if link := strings.ReplaceAll(h[1], "&amp;", "&"); !strings.HasPrefix(link, "//") {
			c.queue = append(c.queue, link)
		}
	}
}

// rawKeys finds message keys that reached the page text untranslated: a
// word "<domain>.<more>" whose domain owns pages or messages, absent from
// the catalog.
func (c *crawler) rawKeys(html string) []string {
	text := tags.ReplaceAllString(html, " ")
	var out []string
	for _, word := range strings.Fields(text) {
		word = strings.Trim(word, ".,:;()«»\"'")
		dom, rest, ok := strings.Cut(word, ".")
		if !ok || rest == "" || !c.doms[dom] || strings.ContainsAny(word, "@/") {
			continue
		}
		if !c.a.Catalog.Has(c.lang, word) && looksLikeKey(word) && !slices.Contains(out, word) {
			out = append(out, word)
		}
	}
	return out
}

func looksLikeKey(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// messageDomains are the first segments of message keys: the domains that
// own pages, and the layout's own prefixes.
func messageDomains(a *app.App) map[string]bool {
	out := map[string]bool{"layout": true, "site": true, "error": true}
	for _, n := range a.Web.Render.Names() {
		d, _, _ := strings.Cut(n, "/")
		out[d] = true
	}
	return out
}

func excerpt(b []byte) string {
	s := string(b)
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return fmt.Sprint(s)
}
