package web

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// PageCache keeps public pages rendered for anonymous visitors for a short
// time (micro-caching), so a busy municipality home page costs one render
// per TTL instead of one per visitor. An entry is dropped as soon as this
// process commits any change (the generation moves), and after TTL at the
// latest, which bounds staleness for changes made by other instances.
type PageCache struct {
	ttl        time.Duration
	generation func() uint64
	max        int

	mu      sync.RWMutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	gen     uint64
	expires time.Time
	status  int
	header  http.Header
	body    []byte
}

// NewPageCache returns a cache of at most max pages.
func NewPageCache(ttl time.Duration, max int, generation func() uint64) *PageCache {
	return &PageCache{ttl: ttl, max: max, generation: generation, entries: map[string]*cachedPage{}}
}

// cacheable reports whether r may be answered from, and stored in, the
// cache: a GET from someone with no session and no credentials.
func cacheable(r *http.Request) bool {
	if r.Method != http.MethodGet || r.Header.Get("Authorization") != "" || auth.From(r.Context()).SignedIn() {
		return false
	}
	_, err := r.Cookie(auth.SessionCookie)
	return err != nil
}

// Wrap serves h through the cache. Only 200 answers are kept; the key is
// the language and the full URL.
func (c *PageCache) Wrap(h HandlerFunc) HandlerFunc {
	if c == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if !cacheable(r) {
			return h(w, r)
		}
		key := Lang(r.Context()) + " " + r.URL.RequestURI()
		gen := c.generation()
		now := time.Now()
		c.mu.RLock()
		e := c.entries[key]
		c.mu.RUnlock()
		if e != nil && e.gen == gen && now.Before(e.expires) {
			for k, v := range e.header {
				w.Header()[k] = v
			}
			w.Header().Set("X-Cache", "hit")
			w.WriteHeader(e.status)
			_, err := w.Write(e.body)
			return err
		}
		rec := &recorder{ResponseWriter: w}
		if err := h(rec, r); err != nil {
			return err
		}
		// A page that sets a cookie is someone's own; the request id and
		// the other per-request headers are set afresh on every hit.
		if rec.status == http.StatusOK && rec.Header().Get("Set-Cookie") == "" {
			h := http.Header{}
			for _, k := range []string{"Content-Type", "Content-Language"} {
				if v := rec.Header().Values(k); len(v) > 0 {
					h[k] = v
				}
			}
			c.store(key, &cachedPage{gen: gen, expires: now.Add(c.ttl), status: rec.status, header: h, body: rec.buf.Bytes()})
		}
		return nil
	}
}

func (c *PageCache) store(key string, p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries) // crude but bounded; public pages are few
	}
	c.entries[key] = p
}

// recorder passes the response through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}
