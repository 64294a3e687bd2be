package workplace

import (
	"embed"
	"net/http"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Templates are the workplace pages.
var Templates = web.Templates{Domain: "workplace", FS: web.Sub(templates, "templates")}

// Locales are the workplace messages.
var Locales = locales

type handler struct {
	svc    *Service
	audit  *AuditView
	render *web.Renderer
}

// Routes mounts the workplace pages, the administration index, the audit
// log viewer and the JSON queue.
func Routes(rt *web.Router, render *web.Renderer, svc *Service, audit *AuditView) {
	h := &handler{svc: svc, audit: audit, render: render}
	rt.Handle("GET /work/{$}", h.queuePage)
	rt.Handle("GET /admin/{$}", h.adminIndex)
	rt.Handle("GET /admin/audit", h.auditPage)
	rt.Handle("GET /api/v1/work/queue", h.queueAPI)
}

func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	return Filter{Source: q.Get("source"), OverdueOnly: q.Get("overdue") == "1", Now: time.Now()}
}

type queueView struct {
	Items   []Item
	Now     time.Time
	Filter  Filter
	Sources []string
	Overdue int
}

func (h *handler) queuePage(w http.ResponseWriter, r *http.Request) error {
	actor := auth.From(r.Context())
	if !actor.SignedIn() {
		http.Redirect(w, r, "/login?next=/work/", http.StatusSeeOther)
		return nil
	}
	f := filterFrom(r)
	items, err := h.svc.Queue(r.Context(), actor, f)
	if err != nil {
		return err
	}
	v := queueView{Items: items, Now: f.Now, Filter: f, Sources: h.svc.Sources()}
	for _, it := range items {
		if it.Overdue(f.Now) {
			v.Overdue++
		}
	}
	return h.render.Page(w, r, http.StatusOK, "workplace/queue", v)
}

func (h *handler) queueAPI(w http.ResponseWriter, r *http.Request) error {
	items, err := h.svc.Queue(r.Context(), auth.From(r.Context()), filterFrom(r))
	if err != nil {
		return err
	}
	if items == nil {
		items = []Item{}
	}
	return web.JSON(w, http.StatusOK, web.List[Item]{Items: items})
}

// OpenAPI describes the workplace's JSON routes.
//
//go:embed openapi.json
var OpenAPI []byte
