package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestPageCache(t *testing.T) {
	var gen uint64
	renders := 0
	status := http.StatusOK
	cookie := false
	page := func(w http.ResponseWriter, r *http.Request) error {
		renders++
		w.Header().Set("X-Request-ID", fmt.Sprint("req-", renders))
		w.Header().Set("Content-Type", "text/html")
		if cookie {
			http.SetCookie(w, &http.Cookie{Name: "c", Value: "v"})
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "render %d", renders)
		return nil
	}
	c := NewPageCache(time.Hour, 10, func() uint64 { return gen })
	h := c.Wrap(page)
	get := func(mod func(*http.Request) *http.Request) (string, string) {
		r := httptest.NewRequest("GET", "/m/luga/", nil)
		if mod != nil {
			r = mod(r)
		}
		rec := httptest.NewRecorder()
		rec.Header().Set("X-Request-ID", "current") // as the RequestIDs middleware does
		if err := h(rec, r); err != nil {
			t.Fatal(err)
		}
		if id := rec.Header().Get("X-Request-ID"); rec.Header().Get("X-Cache") == "hit" && id != "current" {
			t.Fatalf("a cache hit replayed request id %q", id)
		}
		return rec.Body.String(), rec.Header().Get("X-Cache")
	}
	steps := []struct {
		name      string
		before    func()
		mod       func(*http.Request) *http.Request
		wantBody  string
		wantCache string
	}{
		{"first render", nil, nil, "render 1", ""},
		{"served from cache", nil, nil, "render 1", "hit"},
		{"other language is another page", nil, func(r *http.Request) *http.Request { return r.WithContext(WithLang(r.Context(), "en")) }, "render 2", ""},
		{"signed-in visitors bypass", nil, func(r *http.Request) *http.Request {
			return r.WithContext(auth.With(r.Context(), &auth.Actor{Kind: auth.User, ID: "u"}))
		}, "render 3", ""},
		{"a session cookie bypasses", nil, func(r *http.Request) *http.Request {
			r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: "x"})
			return r
		}, "render 4", ""},
		{"a commit invalidates", func() { gen++ }, nil, "render 5", ""},
		{"then cached again", nil, nil, "render 5", "hit"},
		{"errors are not cached", func() { gen++; status = http.StatusNotFound }, nil, "render 6", ""},
		{"so the next one renders", func() { status = http.StatusOK }, nil, "render 7", ""},
		{"and is cached", nil, nil, "render 7", "hit"},
		{"a page setting a cookie", func() { gen++; cookie = true }, nil, "render 8", ""},
		{"is not cached", func() { cookie = false }, nil, "render 9", ""},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		body, cache := get(s.mod)
		if body != s.wantBody || cache != s.wantCache {
			t.Fatalf("%s: got %q (X-Cache %q), want %q (%q)", s.name, body, cache, s.wantBody, s.wantCache)
		}
	}
	expired := NewPageCache(0, 10, func() uint64 { return 0 }).Wrap(page)
	for i := 0; i < 2; i++ {
		rec := httptest.NewRecorder()
		expired(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Header().Get("X-Cache") == "hit" {
			t.Fatal("expired entry served")
		}
	}
}

// TestPageCacheRendersOnceForConcurrentMisses: requests for a page that
// is being rendered wait for that render instead of rendering it again,
// and a request that saw a newer generation does not take the older page.
func TestPageCacheRendersOnceForConcurrentMisses(t *testing.T) {
	var gen atomic.Uint64
	var renders atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	page := func(w http.ResponseWriter, r *http.Request) error {
		n := renders.Add(1)
		if n == 1 {
			started <- struct{}{}
			<-release // the first render is slow
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "render %d", n)
		return nil
	}
	h := NewPageCache(time.Hour, 10, gen.Load).Wrap(page)
	get := func() string {
		rec := httptest.NewRecorder()
		if err := h(rec, httptest.NewRequest("GET", "/m/luga/", nil)); err != nil {
			t.Error(err)
		}
		return rec.Body.String()
	}
	bodies := make(chan string, 20)
	go func() { bodies <- get() }()
	<-started
	var wg sync.WaitGroup
	for range 19 {
		wg.Add(1)
		go func() { defer wg.Done(); bodies <- get() }()
	}
	time.Sleep(50 * time.Millisecond) // let the 19 reach the wait
	close(release)
	wg.Wait()
	close(bodies)
	for b := range bodies {
		if b != "render 1" {
			t.Errorf("a request got %q; all 20 should share the one render", b)
		}
	}
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for 20 concurrent requests, want 1", n)
	}

	// A commit lands while a render of the old state is under way: the
	// request that saw the commit renders afresh rather than take it.
	gen.Add(1)
	renders.Store(0)
	release = make(chan struct{})
	first := make(chan string, 1)
	go func() { first <- get() }()
	<-started
	gen.Add(1)
	second := make(chan string, 1)
	go func() { second <- get() }()
	time.Sleep(50 * time.Millisecond)
	close(release)
	if b := <-first; b != "render 1" {
		t.Errorf("first request: %q", b)
	}
	if b := <-second; b != "render 2" {
		t.Errorf("a request that saw a newer commit got %q, want its own render", b)
	}
}
