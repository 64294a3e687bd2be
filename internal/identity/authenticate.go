package identity

import (
	"net/http"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// Session keys identity keeps.
const (
	sessUser    = "identity.user"    // signed-in user id
	sessAuthMs  = "identity.auth_ms" // when they signed in
	sessPending = "identity.pending" // user id proven but waiting for consent
	sessOIDC    = "identity.oidc"    // OIDC flow secrets
)

// Authenticate puts the request's actor in its context: a machine for a
// valid "Authorization: Bearer muni_…" key (any other Authorization is a
// 401 problem), else the session's user, else nobody. It must run inside
// the session manager's LoadAndSave. errs renders a refusal (nil writes a
// bare problem).
func (s *Service) Authenticate(next http.Handler) http.Handler {
	return s.AuthenticateWith(nil)(next)
}

// AuthenticateWith is Authenticate rendering refusals through srv, so
// they come in the request's language.
func (s *Service) AuthenticateWith(srv *web.Server) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if h := r.Header.Get("Authorization"); h != "" {
				token, ok := strings.CutPrefix(h, "Bearer ")
				a, err := s.AuthenticateKey(ctx, strings.TrimSpace(token))
				if !ok && err == nil {
					err = ErrBadKey
				}
				if err != nil {
					w.Header().Set("WWW-Authenticate", `Bearer realm="muni"`)
					writeErr(srv, w, r, err)
					return
				}
				next.ServeHTTP(w, r.WithContext(auth.With(ctx, a)))
				return
			}
			if id := s.sessions.GetString(ctx, sessUser); id != "" {
				a, ok, err := s.ActorFor(ctx, id, s.sessions.GetInt64(ctx, sessAuthMs))
				if err != nil {
					writeErr(srv, w, r, err)
					return
				}
				if !ok { // deactivated, or the session predates a password change
					s.sessions.Remove(ctx, sessUser)
					s.sessions.Remove(ctx, sessAuthMs)
				} else {
					a.SessionID = s.sessions.Token(ctx)
					ctx = auth.With(ctx, a)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func writeErr(srv *web.Server, w http.ResponseWriter, r *http.Request, err error) {
	if srv != nil {
		srv.Error(w, r, err)
		return
	}
	status, typ, _ := web.Classify(err)
	web.WriteProblem(w, web.Problem{Type: web.ProblemBase + typ, Title: http.StatusText(status), Status: status,
		Instance: r.URL.Path, RequestID: web.RequestID(r.Context())})
}
