package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// TestHandleBodyRaisesOnlyItsRoute: a route registered with HandleBody
// takes bodies up to its own limit, past the default; other routes keep
// the default, and the route's own limit still holds.
func TestHandleBodyRaisesOnlyItsRoute(t *testing.T) {
	cat := i18n.New()
	if err := cat.Load(web.Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: cat}
	rt := web.NewRouter(s)
	read := func(w http.ResponseWriter, r *http.Request) error {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, string(rune('0'+len(b)/1000)))
		return err
	}
	rt.Handle("POST /small", read)
	rt.HandleBody("POST /big/{id}", 4000, read)
	h := web.Chain(rt.Mux(), s.LimitBody(1500))
	cases := []struct {
		path   string
		size   int
		chunk  bool // no Content-Length: the reader must stop it
		status int
	}{
		{"/small", 1000, false, 200},
		{"/small", 2000, false, 413},
		{"/small", 2000, true, 413},
		{"/big/1", 3000, false, 200},
		{"/big/1", 3000, true, 200},
		{"/big/1", 5000, false, 413},
		{"/big/1", 5000, true, 413},
	}
	for _, tc := range cases {
		var body io.Reader = strings.NewReader(strings.Repeat("x", tc.size))
		if tc.chunk {
			body = io.MultiReader(body) // hides the length
		}
		req := httptest.NewRequest("POST", tc.path, body)
		if tc.chunk {
			req.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s %d bytes (chunked %v): status %d, want %d", tc.path, tc.size, tc.chunk, rec.Code, tc.status)
		}
	}
}
