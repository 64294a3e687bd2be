package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/tz"
)

//go:embed templates/*.html
var layoutFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

// Locales are the layout's and the error pages' messages.
var Locales = localeFS

// Templates is one domain's page templates: FS holds *.html files, each
// defining "title" and "main" (and optionally "head" and "scripts"). A
// page is named "<domain>/<file name without .html>".
type Templates struct {
	Domain string
	FS     fs.FS
}

// Renderer renders pages inside the shared layout.
type Renderer struct {
	pages   map[string]*template.Template
	catalog *i18n.Catalog
	assets  *Assets
	// Site is shown in the layout of every page.
	Site Site
	// Unread, when set, counts a signed-in person's unread notifications
	// for the header; it must be cheap (one indexed query).
	Unread func(ctx context.Context, userID string) int
}

// Site is deployment-wide information the layout shows.
type Site struct {
	Name       string // i18n key or literal of the deployment's name
	OIDCName   string // label of the OIDC button, "" when OIDC is off
	DemoNotice bool   // the deployment holds demo data
}

// NewRenderer parses the layout and every domain's pages; a template error
// fails start-up rather than a request.
func NewRenderer(cat *i18n.Catalog, assets *Assets, sets ...Templates) (*Renderer, error) {
	rd := &Renderer{pages: map[string]*template.Template{}, catalog: cat, assets: assets}
	base, err := template.New("layout").Funcs(funcs).ParseFS(layoutFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	sets = append([]Templates{{Domain: "web", FS: Sub(layoutFS, "templates")}}, sets...)
	for _, set := range sets {
		files, err := fs.Glob(set.FS, "*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if set.Domain == "web" && f == "layout.html" {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(set.FS, f)
			if err != nil {
				return nil, fmt.Errorf("web: %s/%s: %w", set.Domain, f, err)
			}
			rd.pages[set.Domain+"/"+strings.TrimSuffix(f, ".html")] = t
		}
	}
	return rd, nil
}

// Sub is fs.Sub for a folder known to exist in an embedded tree.
func Sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Has reports whether a page exists.
func (rd *Renderer) Has(name string) bool { _, ok := rd.pages[name]; return ok }

// Names lists every page, for the test that renders each in every language.
func (rd *Renderer) Names() []string {
	var out []string
	for n := range rd.pages {
		out = append(out, n)
	}
	return out
}

// View is what a page template sees as ".".
type View struct {
	// Page is the page's name ("identity/login"); the layout puts it on
	// <body data-page> for styling and for the tests that visit every page.
	Page      string
	Lang      string
	Actor     *auth.Actor
	Path      string
	Query     string
	RequestID string
	Site      Site
	Data      any
	Unread    int // the signed-in person's unread notifications
	loc       *i18n.Localizer
	cat       *i18n.Catalog
	assets    *Assets
}

// T translates a key in the page's language.
func (v *View) T(key string, args ...any) string { return v.loc.T(key, args...) }

// Label translates prefix+code when the catalog knows it and otherwise
// shows code itself: for open-ended codes such as audit actions.
func (v *View) Label(prefix, code string) string {
	if v.cat != nil && v.cat.Has(v.Lang, prefix+code) {
		return v.loc.T(prefix + code)
	}
	return code
}

// Asset is the cache-busting URL of a static file ("css/muni.css").
func (v *View) Asset(name string) string { return v.assets.URL(name) }

// LangURL switches language and comes back to this page.
func (v *View) LangURL(lang string) string {
	next := v.Path
	if v.Query != "" {
		next += "?" + v.Query
	}
	return "/lang/" + lang + "?next=" + template.URLQueryEscaper(next)
}

// Other is the language the switch offers.
func (v *View) Other() string {
	if v.Lang == "ru" {
		return "en"
	}
	return "ru"
}

// Page renders the named page with data and status. A rendering failure
// happens before anything is written, so it becomes a clean 500.
func (rd *Renderer) Page(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := rd.pages[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	lang := Lang(r.Context())
	v := &View{
		Page: name, Lang: lang, Actor: auth.From(r.Context()), Path: r.URL.Path, Query: r.URL.RawQuery,
		RequestID: RequestID(r.Context()), Site: rd.Site, Data: data,
		loc: rd.catalog.Localizer(lang), cat: rd.catalog, assets: rd.assets,
	}
	if rd.Unread != nil && v.Actor.SignedIn() && v.Actor.Kind == auth.User {
		v.Unread = rd.Unread(r.Context(), v.Actor.ID)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// pageBuffers keeps the buffers pages are rendered into: a page is 10–40 kB,
// and growing a fresh buffer to that size for every request was a sixth of
// all the memory a page render allocated.
var pageBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // an exceptional page; let it go rather than keep a megabyte
	}
	b.Reset()
	pageBuffers.Put(b)
}

var funcs = template.FuncMap{
	"date": func(t time.Time, zone string) string {
		loc, err := tz.Load(zone)
		if err != nil || zone == "" {
			loc = time.UTC
		}
		return t.In(loc).Format("02.01.2006 15:04")
	},
	"day": func(t time.Time) string { return t.Format("02.01.2006") },
	// dayIn is the calendar day of t in the zone tz, like date without
	// the time: a moment stored in UTC falls on the day people there saw.
	"dayIn": func(t time.Time, zone string) string {
		loc, err := tz.Load(zone)
		if err != nil || zone == "" {
			loc = time.UTC
		}
		return t.In(loc).Format("02.01.2006")
	},
	// utcOffset names a zone by its present offset ("UTC+3"), which people
	// read more easily than an IANA name.
	"utcOffset": func(zone string) string {
		loc, err := tz.Load(zone)
		if err != nil || zone == "" {
			return zone
		}
		_, off := time.Now().In(loc).Zone()
		s := fmt.Sprintf("UTC%+d", off/3600)
		if m := off % 3600 / 60; m != 0 {
			s += fmt.Sprintf(":%02d", abs(m))
		}
		return s
	},
	"add":  func(a, b int) int { return a + b },
	"base": path.Base,
	"thousands": func(n int64) string {
		s := fmt.Sprint(n)
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteRune('\u00a0')
			}
			b.WriteRune(c)
		}
		return b.String()
	},
	"contains": strings.Contains,
	// inLang is a name kept in Russian with an optional English version,
	// as the page's language shows it: {{inLang .Lang $m.Name $m.NameEN}}.
	"inLang": i18n.Pick,
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
