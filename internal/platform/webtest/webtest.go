// Package webtest builds the web server a domain's handler tests mount
// their routes on: the platform's catalog and renderer over the domain's
// messages and templates, its error handling, and a stand-in for sign-in.
package webtest

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// ActorHeader names the request header whose value picks the signed-in
// actor (standing in for sessions and API keys).
const ActorHeader = "X-Test-Actor"

// Server is a web.Server with its router, ready for a domain's routes.
type Server struct {
	*web.Server
	Router *web.Router
}

// New returns a server whose catalog holds the platform's messages and
// locales' (each FS with a "locales" directory), failing the test when a
// message is missing from a language. With templates it also has a
// renderer over them; without, Render stays nil (an API-only server).
// The server's log is discarded.
func New(t testing.TB, locales []fs.FS, templates ...web.Templates) *Server {
	t.Helper()
	cat := i18n.New()
	for _, l := range append([]fs.FS{web.Locales}, locales...) {
		if err := cat.Load(l, "locales"); err != nil {
			t.Fatal(err)
		}
	}
	if missing := cat.Missing(); len(missing) > 0 {
		t.Fatalf("messages missing from a language: %v", missing)
	}
	srv := &web.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: cat}
	if len(templates) > 0 {
		assets, err := web.NewAssets()
		if err != nil {
			t.Fatal(err)
		}
		if srv.Render, err = web.NewRenderer(cat, assets, templates...); err != nil {
			t.Fatal(err)
		}
	}
	return &Server{Server: srv, Router: web.NewRouter(srv)}
}

// Handler serves the routes mounted so far with the platform's language
// choice and a body limit of bodyLimit bytes; the ActorHeader picks one
// of actors as the signed-in one (none when absent or unknown).
func (s *Server) Handler(actors map[string]*auth.Actor, bodyLimit int64) http.Handler {
	return web.Chain(s.Router.Mux(), s.Languages, s.LimitBody(bodyLimit), Actors(actors))
}

// Actors is middleware that signs in the actor the ActorHeader names.
func Actors(actors map[string]*auth.Actor) web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if a, ok := actors[r.Header.Get(ActorHeader)]; ok {
				r = r.WithContext(auth.With(r.Context(), a))
			}
			next.ServeHTTP(w, r)
		})
	}
}
