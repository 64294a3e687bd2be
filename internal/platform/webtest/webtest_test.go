package webtest

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

func TestHandlerSignsInTheNamedActor(t *testing.T) {
	srv := New(t, nil)
	srv.Router.Handle("GET /who", func(w http.ResponseWriter, r *http.Request) error {
		a := auth.From(r.Context())
		if a == auth.Anon {
			_, err := w.Write([]byte("nobody"))
			return err
		}
		_, err := w.Write([]byte(a.ID + " " + web.Lang(r.Context())))
		return err
	})
	h := srv.Handler(map[string]*auth.Actor{"ann": {Kind: auth.User, ID: "u-ann"}}, 1<<10)
	for _, c := range []struct{ header, lang, want string }{
		{"ann", "en", "u-ann en"},
		{"ann", "ru", "u-ann ru"},
		{"bob", "en", "nobody"},
		{"", "en", "nobody"},
	} {
		r := httptest.NewRequest("GET", "/who", nil)
		r.Header.Set("Accept-Language", c.lang)
		if c.header != "" {
			r.Header.Set(ActorHeader, c.header)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Body.String() != c.want {
			t.Errorf("%s/%s: %d %q, want %q", c.header, c.lang, w.Code, w.Body, c.want)
		}
	}
	if srv.Render != nil {
		t.Error("a server without templates has a renderer")
	}
}

func TestNewRendersTheDomainsTemplates(t *testing.T) {
	locales := fstest.MapFS{
		"locales/ru.json": {Data: []byte(`{"demo.title": "Пример"}`)},
		"locales/en.json": {Data: []byte(`{"demo.title": "Example"}`)},
	}
	pages := fstest.MapFS{
		"page.html": {Data: []byte(`{{define "title"}}{{.T "demo.title"}}{{end}}{{define "main"}}<p>{{.T "demo.title"}}</p>{{end}}`)},
	}
	srv := New(t, []fs.FS{locales}, web.Templates{Domain: "demo", FS: pages})
	if srv.Render == nil || !srv.Render.Has("demo/page") {
		t.Fatalf("the renderer lacks demo/page")
	}
	if got := srv.Catalog.Missing(); len(got) != 0 {
		t.Fatalf("missing: %v", got)
	}
}
