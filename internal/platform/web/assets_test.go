package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAssetURLs: a file's own hashed URL is cached forever; a URL a
// stylesheet resolved relative to itself (another file's hash) still gets
// the file, cached briefly; an unknown file is a 404.
func TestAssetURLs(t *testing.T) {
	a, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{path...}", a.Handler())
	css := a.URL("css/muni.css")
	if !strings.HasPrefix(css, "/static/") || strings.Contains(css, "missing") {
		t.Fatalf("URL(css/muni.css) = %q", css)
	}
	hash := strings.Split(css, "/")[2]
	cases := []struct {
		path, cache string
		status      int
	}{
		{css, "immutable", http.StatusOK},
		{"/static/" + hash + "/img/emblem.svg", "max-age=3600", http.StatusOK},
		{"/static/" + hash + "/css/none.css", "", http.StatusNotFound},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		if rec.Code != c.status || !strings.Contains(rec.Header().Get("Cache-Control"), c.cache) {
			t.Errorf("GET %s: %d %q, want %d %q", c.path, rec.Code, rec.Header().Get("Cache-Control"), c.status, c.cache)
		}
	}
}
