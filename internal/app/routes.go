package app

import (
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/services"
	"github.com/muni-platform/muni/internal/services/proactive"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
	"github.com/muni-platform/muni/internal/workplace"
)

func (a *App) routes() {
	rt := a.Router
	rt.HandleHTTP("GET /static/{hash}/{path...}", a.Assets.Handler())
	rt.HandleHTTP("GET /metrics", promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{}))
	rt.Handle("GET /healthz", a.healthz)
	rt.Handle("GET /readyz", a.readyz)
	rt.Handle("GET /lang/{lang}", a.switchLang)
	rt.Handle("GET /api/v1/openapi.json", a.openAPI)
	workplace.Routes(rt, a.Web.Render, a.Workplace, workplace.NewAuditView(a.Audit, a.tenants()).WithPeople(a.Identity))
	territory.Routes(rt, a.Web.Render, a.Territory, appealsHome{a}, participationHome{a}, meteringHome{a}, transportHome{a}, servicesHome{a}, decisionsHome{a})
	identity.Routes(rt, a.Web.Render, a.Identity)
	identity.VerificationRoutes(rt, a.Web.Render, a.Identity)
	appeals.Routes(rt, a.Web.Render, a.Appeals, a.Catalog)
	notify.Routes(rt, a.Web.Render, a.Notify)
	a.participationRoutes(rt)
	a.ballotRoutes(rt)
	a.resultRoutes(rt)
	a.initiativeRoutes(rt)
	metering.APIRoutes(rt, a.Metering)
	metering.Routes(rt, a.Web.Render, a.Metering)
	transport.Routes(rt, a.Web.Render, a.Transport)
	transport.TrafficRoutes(rt, a.Web.Render, a.Traffic)
	metering.WatchRoutes(rt, a.Web.Render, a.watch(), a.Catalog)
	appeals.Open311Routes(rt, a.Appeals, a.Identity, a.Catalog)
	a.decisionRoutes(rt)
	services.Routes(rt, a.Web.Render, a.Services, a.Catalog)
	proactive.APIRoutes(rt, a.Proactive)
	proactive.Routes(rt, a.Web.Render, a.Proactive)
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) error {
	return web.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database answers and every migration
// is applied, so a load balancer sends no traffic to a half-started node.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) error {
	checks := map[string]string{"database": "ok", "migrations": "ok"}
	status := http.StatusServiceUnavailable
	// The answer is public: causes go to the log, not to the body.
	if err := a.DB.Ping(r.Context()); err != nil {
		a.Log.Warn("readyz: database unreachable", "err", err)
		checks["database"], checks["migrations"] = "unreachable", "unknown"
	} else if pending, err := a.DB.Pending(r.Context(), Migrations()...); err != nil {
		a.Log.Warn("readyz: migration state unknown", "err", err)
		checks["migrations"] = "unknown"
	} else if pending {
		checks["migrations"] = "pending"
	} else {
		status = http.StatusOK
	}
	return web.JSON(w, status, checks)
}

// switchLang remembers the chosen language for a year and goes back to
// the page the visitor came from (a local path only).
func (a *App) switchLang(w http.ResponseWriter, r *http.Request) error {
	lang := a.Catalog.Match(r.PathValue("lang"), "")
	http.SetCookie(w, &http.Cookie{Name: web.LangCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.Cfg.Secure()})
	// A signed-in person's choice also decides the language of their
	// e-mail. A GET changes state here, but only the visitor's own
	// preference, which the link exists to set.
	if act := auth.From(r.Context()); act.SignedIn() && act.Kind == auth.User {
		if err := a.Identity.SetLanguage(r.Context(), lang); err != nil {
			a.Log.WarnContext(r.Context(), "language preference", "user", act.ID, "err", err)
		}
	}
	next := r.URL.Query().Get("next")
	if u, err := url.Parse(next); err != nil || next == "" || u.IsAbs() || u.Host != "" || len(next) < 1 || next[0] != '/' || (len(next) > 1 && next[1] == '/') {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
