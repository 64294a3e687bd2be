package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies ms so that the first is outermost.
func Chain(h http.Handler, ms ...Middleware) http.Handler {
	for i := len(ms) - 1; i >= 0; i-- {
		h = ms[i](h)
	}
	return h
}

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// RequestIDs gives every request an id (the caller's X-Request-ID when it
// is safe to echo), returned in the response header and kept in ctx for
// logs, problems and audit entries.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !safeRequestID.MatchString(id) {
			id = auth.NewToken(12)
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(w, r.WithContext(audit.WithRequestID(ctx, id)))
	})
}

// Recover turns a panic into a 500 problem and logs the stack.
func (s *Server) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "value", v, "stack", string(debug.Stack()), "request_id", RequestID(r.Context()))
				s.Error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe logs each request and records its latency by route pattern.
func (s *Server) Observe(m *Metrics) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			route := new(string) // filled in by the Router when a pattern matches
			next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, route)))
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			label := *route
			if label == "" {
				label = "unmatched"
			}
			if m != nil {
				m.observe(r.Method, label, sw.status, d)
			}
			if s.Log.Enabled(r.Context(), slog.LevelDebug) || sw.status >= 500 {
				s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "route", label, "status", sw.status,
					"bytes", sw.bytes, "duration", d, "request_id", RequestID(r.Context()))
			}
		})
	}
}

// LimitBody refuses bodies over max bytes with a 413 problem, early when
// Content-Length says so and otherwise when the reader passes the limit.
// A route registered with Router.HandleBody has its own limit instead.
func (s *Server) LimitBody(def int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := def
			if s.bodyLimit != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
				if v, ok := s.bodyLimit(r); ok {
					max = v
				}
			}
			if r.ContentLength > max {
				s.Error(w, r, &fault.Error{Kind: fault.ErrTooLarge, Type: "body-too-large", Key: "error.too_large",
					Args: map[string]any{"Max": max}})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}

// CrossOrigin rejects unsafe cross-origin browser requests (Sec-Fetch-Site
// or Origin mismatch) on every method but GET, HEAD and OPTIONS. Machine
// clients without those headers pass and authenticate with bearer keys.
func (s *Server) CrossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, fault.New(fault.ErrForbidden, "cross-origin", "error.cross_origin"))
	}))
	return cop.Handler(next)
}

// SecurityHeaders sets a strict content security policy and friends. All
// scripts and styles are served by muni itself.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type routeKey struct{}

type langKey struct{}

// LangCookie remembers the visitor's language choice.
const LangCookie = "lang"

// Languages picks the request's language: the remembered choice, then
// Accept-Language, then Russian.
func (s *Server) Languages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		choice := ""
		if c, err := r.Cookie(LangCookie); err == nil {
			choice = c.Value
		}
		lang := s.Catalog.Match(choice, r.Header.Get("Accept-Language"))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, lang)))
	})
}

// Lang is the request's language ("ru" outside a request).
func Lang(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return "ru"
}

// WithLang returns ctx speaking lang (for mail and background work).
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}
