// Package web is muni's HTTP layer: a router over the standard ServeMux
// whose handlers return errors, one place that turns those errors into
// problem+json or an HTML page, middleware (request id, logging, metrics,
// recovery, body limits, cross-origin protection, language) and the
// renderer for the shared layout.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
)

// HandlerFunc is a handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Server holds what every handler shares.
type Server struct {
	Log     *slog.Logger
	Catalog *i18n.Catalog
	Render  *Renderer

	// bodyLimit, set by NewRouter, is the explicit body limit of the
	// route a request goes to (see Router.HandleBody and LimitBody).
	bodyLimit func(*http.Request) (int64, bool)
}

// Router registers routes on a ServeMux and remembers them, so the
// OpenAPI test can compare the document with what is really served.
type Router struct {
	srv    *Server
	mux    *http.ServeMux
	routes []string
	limits map[string]int64 // pattern -> body limit, for HandleBody routes
	// Cache, when set, serves the routes registered with HandlePublic.
	Cache *PageCache
}

// NewRouter returns a router whose only route answers the paths no other
// route matches: with the error page (or problem+json) for 404, and with
// 405 and an Allow header when another method would have matched.
func NewRouter(s *Server) *Router {
	rt := &Router{srv: s, mux: http.NewServeMux(), limits: map[string]int64{}}
	s.bodyLimit = rt.bodyLimit
	// Registered on the mux directly: it is not one of the routes the
	// OpenAPI document describes, and Observe labels it "unmatched".
	rt.mux.Handle("/", s.Handler(rt.unmatched))
	return rt
}

// probeMethods are the methods unmatched tries, to tell 405 from 404.
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unmatched answers a request no route matched.
func (rt *Router) unmatched(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range probeMethods {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := rt.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return nil
	}
	return fmt.Errorf("web: no route for %s: %w", r.URL.Path, fault.ErrNotFound)
}

// Handle registers an error-returning handler for a ServeMux pattern
// ("GET /m/{slug}/{$}").
func (rt *Router) Handle(pattern string, h HandlerFunc) {
	rt.HandleHTTP(pattern, rt.srv.Handler(h))
}

// HandleBody registers a route whose bodies may be up to max bytes
// instead of the limit LimitBody applies to every other route — an upload
// route that takes photos, say.
func (rt *Router) HandleBody(pattern string, max int64, h HandlerFunc) {
	rt.Handle(pattern, h)
	rt.limits[pattern] = max
}

// bodyLimit is the explicit limit of the route r would be served by.
func (rt *Router) bodyLimit(r *http.Request) (int64, bool) {
	if len(rt.limits) == 0 {
		return 0, false
	}
	_, pattern := rt.mux.Handler(r)
	max, ok := rt.limits[pattern]
	return max, ok
}

// HandlePublic registers a public page that anonymous visitors may be
// served from the page cache (see PageCache).
func (rt *Router) HandlePublic(pattern string, h HandlerFunc) {
	rt.Handle(pattern, rt.Cache.Wrap(h))
}

// HandleHTTP registers a plain http.Handler.
func (rt *Router) HandleHTTP(pattern string, h http.Handler) {
	// Tell Observe which pattern matched: the ServeMux sets r.Pattern only
	// on the request it was handed, which middleware has since copied.
	rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = pattern
		}
		h.ServeHTTP(w, r)
	}))
	rt.routes = append(rt.routes, pattern)
}

// Routes lists every registered pattern, sorted.
func (rt *Router) Routes() []string {
	out := append([]string(nil), rt.routes...)
	sort.Strings(out)
	return out
}

// Mux is the underlying ServeMux, to wrap in middleware.
func (rt *Router) Mux() *http.ServeMux { return rt.mux }

// Handler adapts h: its error is rendered once, here.
func (s *Server) Handler(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.Error(w, r, err)
		}
	})
}

// IsAPI reports whether r wants a machine answer (JSON) rather than a page.
func IsAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") ||
		strings.Contains(r.Header.Get("Accept"), "application/json") ||
		strings.Contains(r.Header.Get("Accept"), "application/problem+json")
}
