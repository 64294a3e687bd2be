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
	flights map[string]chan struct{} // pages being rendered; closed when done
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
	return &PageCache{ttl: ttl, max: max, generation: generation, entries: map[string]*cachedPage{}, flights: map[string]chan struct{}{}}
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
//
// When a page is missing or stale, the first request renders it and the
// requests for the same page that arrive meanwhile wait for that render
// rather than render it too: after every commit, a busy page would
// otherwise be rendered by every connection at once, and the tail latency
// is that stampede. A waiting request takes the new page only if it is at
// least as fresh as what it would have rendered itself.
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
		c.mu.RLock()
		e := c.entries[key]
		c.mu.RUnlock()
		if e.fresh(gen, time.Now()) {
			return e.serve(w)
		}
		c.mu.Lock()
		if e := c.entries[key]; e.fresh(gen, time.Now()) {
			c.mu.Unlock()
			return e.serve(w)
		}
		flight, busy := c.flights[key]
		if !busy {
			flight = make(chan struct{})
			c.flights[key] = flight
		}
		c.mu.Unlock()
		if !busy {
			defer func() {
				c.mu.Lock()
				delete(c.flights, key)
				c.mu.Unlock()
				close(flight)
			}()
			return c.render(w, r, h, key, gen)
		}
		select {
		case <-flight:
		case <-r.Context().Done():
			return nil // the visitor has gone
		}
		c.mu.RLock()
		e = c.entries[key]
		c.mu.RUnlock()
		if e.fresh(gen, time.Now()) {
			return e.serve(w)
		}
		// Not a page to keep (an error, a cookie) or already stale: render
		// it for this request, without making others wait again.
		return c.render(w, r, h, key, gen)
	}
}

// render runs h for r and keeps its answer when it is a page to keep.
func (c *PageCache) render(w http.ResponseWriter, r *http.Request, h HandlerFunc, key string, gen uint64) error {
	now := time.Now()
	rec := &recorder{ResponseWriter: w}
	if err := h(rec, r); err != nil {
		return err
	}
	// A page that sets a cookie is someone's own; the request id and
	// the other per-request headers are set afresh on every hit.
	if rec.status == http.StatusOK && rec.Header().Get("Set-Cookie") == "" {
		hd := http.Header{}
		for _, k := range []string{"Content-Type", "Content-Language"} {
			if v := rec.Header().Values(k); len(v) > 0 {
				hd[k] = v
			}
		}
		c.store(key, &cachedPage{gen: gen, expires: now.Add(c.ttl), status: rec.status, header: hd, body: rec.buf.Bytes()})
	}
	return nil
}

// fresh reports whether p may answer a request that saw generation gen.
func (p *cachedPage) fresh(gen uint64, now time.Time) bool {
	return p != nil && p.gen >= gen && now.Before(p.expires)
}

func (p *cachedPage) serve(w http.ResponseWriter) error {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Cache", "hit")
	w.WriteHeader(p.status)
	_, err := w.Write(p.body)
	return err
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
