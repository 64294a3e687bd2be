package territory

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// homeTTL bounds how stale a municipality's home page may be on another
// instance; on this instance every committed change clears it at once.
const homeTTL = 5 * time.Second

// homeData is what the home page shows of the territory domain.
type homeData struct {
	Muni        Node
	Region      Node
	Settlements []Node
	Departments []Department
	MapJSON     map[string]string // by language
}

// homeCache remembers assembled home data, and the rendered page for
// anonymous visitors, per municipality: the home page is the busiest page
// and changes rarely.
type homeCache struct {
	version *atomic.Uint64 // the service's change counter
	mu      sync.Mutex
	data    map[string]cached[homeData] // by slug
	pages   map[string]cached[page]     // by slug + language
}

type cached[T any] struct {
	v       T
	version uint64
	until   time.Time
}

// page is a rendered response.
type page struct {
	status int
	header http.Header
	body   []byte
}

func newHomeCache(version *atomic.Uint64) *homeCache {
	return &homeCache{version: version, data: map[string]cached[homeData]{}, pages: map[string]cached[page]{}}
}

func lookup[T any](c *homeCache, m map[string]cached[T], key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[key]
	if !ok || e.version != c.version.Load() || time.Now().After(e.until) {
		var zero T
		return zero, false
	}
	return e.v, true
}

func keep[T any](c *homeCache, m map[string]cached[T], key string, v T, version uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(m) > 10_000 { // a bound against slugs that come and go
		clear(m)
	}
	m[key] = cached[T]{v: v, version: version, until: time.Now().Add(homeTTL)}
}

// homeData returns the territory part of a municipality's home page.
func (h *handler) homeData(ctx context.Context, slug string) (homeData, error) {
	if d, ok := lookup(h.cache, h.cache.data, slug); ok {
		return d, nil
	}
	version := h.cache.version.Load()
	m, err := h.municipalityBySlug(ctx, slug)
	if err != nil {
		return homeData{}, err
	}
	d := homeData{Muni: m, MapJSON: map[string]string{}}
	if up, err := h.svc.Ancestors(ctx, m); err != nil {
		return d, err
	} else if len(up) > 0 {
		d.Region = up[0]
	}
	if d.Settlements, err = h.svc.st.listNodes(ctx, nodeFilter{ParentID: m.ID}); err != nil {
		return d, err
	}
	if d.Departments, err = h.svc.st.deptsOf(ctx, m.ID, "", 0); err != nil {
		return d, err
	}
	for _, lang := range []string{"ru", "en"} {
		d.MapJSON[lang] = mapJSON(m, d.Settlements, lang)
	}
	keep(h.cache, h.cache.data, slug, d, version)
	return d, nil
}

// recorder keeps a rendered page to serve it again.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

func (p page) writeTo(w http.ResponseWriter) {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.WriteHeader(p.status)
	w.Write(p.body)
}
