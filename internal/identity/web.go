package identity

import (
	"net"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// handler serves identity's pages and API.
type handler struct {
	svc      *Service
	render   *web.Renderer
	sessions *scs.SessionManager
}

// Routes mounts identity's pages and JSON API on rt.
func Routes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render, sessions: svc.sessions}
	rt.Handle("GET /register", h.registerForm)
	rt.Handle("POST /register", h.register)
	rt.Handle("GET /consent/{version}", h.consentDoc)
	rt.Handle("GET /consent/accept", h.acceptForm)
	rt.Handle("POST /consent/accept", h.accept)
	rt.Handle("GET /login", h.loginForm)
	rt.Handle("POST /login", h.login)
	rt.Handle("POST /logout", h.logout)
	rt.Handle("GET /login/oidc", h.oidcStart)
	rt.Handle("GET /login/oidc/callback", h.oidcCallback)
	rt.Handle("GET /confirm", h.confirm)
	rt.Handle("GET /password/forgot", h.forgotForm)
	rt.Handle("POST /password/forgot", h.forgot)
	rt.Handle("GET /password/reset", h.resetForm)
	rt.Handle("POST /password/reset", h.reset)
	rt.Handle("GET /profile", h.profile)
	rt.Handle("POST /profile/password", h.changePassword)
	rt.Handle("POST /profile/confirm", h.resendConfirm)
	rt.Handle("GET /profile/withdraw", h.withdrawForm)
	rt.Handle("POST /profile/withdraw", h.withdraw)
	rt.Handle("GET /profile/export", h.export)
	rt.Handle("GET /admin/users", h.adminUsers)
	rt.Handle("GET /admin/users/{id}", h.adminUser)
	rt.Handle("POST /admin/users/{id}/grants", h.adminGrant)
	rt.Handle("POST /admin/grants/{id}/revoke", h.adminRevoke)
	rt.Handle("GET /admin/apikeys", h.adminKeys)
	rt.Handle("POST /admin/apikeys", h.adminCreateKey)
	rt.Handle("POST /admin/apikeys/{id}/revoke", h.adminRevokeKey)
	apiRoutes(rt, svc)
}

// form is what a page with a form shows: the values entered, messages
// per field (i18n keys) and one alert.
type form struct {
	Values    map[string]string
	Errors    map[string]string
	Alert     string
	AlertKind string // "ok", "bad" or "info"
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// fail puts err into the form when it is the person's mistake and
// returns the status to render with; other errors come back to be
// rendered by the error page.
func (f *form) fail(err error) (int, error) {
	fe, ok := fault.As(err)
	status, _, key := web.Classify(err)
	if !ok || status >= 500 {
		return status, err
	}
	for k, v := range fe.Fields {
		f.Errors[k] = v
	}
	f.Alert, f.AlertKind = key, "bad"
	return status, nil
}

// page renders a page, or err through the error page.
func (h *handler) page(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	return h.render.Page(w, r, status, name, data)
}

// flash leaves a one-time message (an i18n key) for the next page.
func (h *handler) flash(r *http.Request, key string) {
	h.sessions.Put(r.Context(), "identity.flash", key)
}

func (h *handler) popFlash(r *http.Request) string {
	return h.sessions.PopString(r.Context(), "identity.flash")
}

// clientIP is the peer address; muni trusts no forwarding header unless a
// proxy in front rewrites RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// localPath returns next when it is a path on this site, else def.
func localPath(next, def string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) || u.IsAbs() || u.Host != "" {
		return def
	}
	return next
}

func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
