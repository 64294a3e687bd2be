package decisions

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/pdf"
	"github.com/muni-platform/muni/internal/platform/web"
)

type handler struct {
	svc *Service
	WebDeps
}

// WebDeps are what the pages need besides the service.
type WebDeps struct {
	Render  *web.Renderer
	Catalog *i18n.Catalog
	// Fonts gives the PDF cards their Cyrillic faces.
	Fonts func() (*pdf.Fonts, error)
	// BaseURL is the site's public origin, for the feed's absolute links.
	BaseURL string
}

// Routes mounts the public register (list and search, a decision's
// page, following, the Atom feed, PDF and XLSX cards), the officials'
// case workspace and decision forms, and the JSON API.
func Routes(rt *web.Router, svc *Service, d WebDeps) {
	h := &handler{svc: svc, WebDeps: d}
	h.BaseURL = strings.TrimRight(h.BaseURL, "/")
	rt.Handle("GET /m/{slug}/decisions/{$}", h.register)
	rt.HandlePublic("GET /m/{slug}/decisions/feed.atom", h.feed)
	rt.Handle("POST /m/{slug}/decisions/follow", h.followRegister)
	rt.Handle("GET /m/{slug}/decisions/new", h.newDecision)
	rt.Handle("POST /m/{slug}/decisions/new", h.createDecision)
	rt.Handle("GET /m/{slug}/decisions/register.xlsx", h.registerXLSX)
	rt.Handle("GET /decisions/{id}", h.decision)
	rt.Handle("POST /decisions/{id}/follow", h.followDecision)
	rt.Handle("POST /decisions/{id}/publish", h.publish)
	rt.Handle("POST /decisions/{id}/status", h.status)
	rt.Handle("GET /decisions/{id}/card.pdf", h.cardPDF)
	rt.Handle("GET /decisions/{id}/card.xlsx", h.cardXLSX)
	h.caseRoutes(rt)
	h.apiRoutes(rt)
}

// registerPage is what the register template shows.
type registerPage struct {
	Muni      Municipality
	Decisions []Decision
	Query     string
	Status    Status
	Statuses  []Status
	CanEdit   bool
	Following bool
	Done      string
}

// register lists the municipality's published decisions (and its drafts
// to its officials), searchable by words and status.
func (h *handler) register(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.svc.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := registerPage{Muni: m, Query: strings.TrimSpace(q.Get("q")), Status: Status(q.Get("status")), Statuses: Statuses(),
		CanEdit: CanEdit(ctx, m), Done: doneKey(q.Get("done"))}
	if p.Decisions, err = h.svc.Register(ctx, m, Filter{Query: p.Query, Status: p.Status, Drafts: p.CanEdit}); err != nil {
		return err
	}
	if p.Following, err = h.svc.Following(ctx, m, ""); err != nil {
		return err
	}
	return h.Render.Page(w, r, http.StatusOK, "decisions/register", p)
}

// doneKey turns a ?done= code into the message of what just happened.
func doneKey(code string) string {
	switch code {
	case "followed", "unfollowed", "published", "status", "created", "saved":
		return "decisions.done." + code
	}
	return ""
}

// decisionPage is what the decision template shows.
type decisionPage struct {
	Muni      Municipality
	Decision  Decision
	CanEdit   bool
	Following bool
	Moves     []Status
	Done      string
	Errors    map[string]string
	Alert     string
}

func (h *handler) decisionView(ctx context.Context, id string) (decisionPage, error) {
	d, err := h.svc.Decision(ctx, id)
	if err != nil {
		return decisionPage{}, err
	}
	m, err := h.svc.places.Municipality(ctx, d.TenantID)
	if err != nil {
		return decisionPage{}, err
	}
	p := decisionPage{Muni: m, Decision: d, CanEdit: CanEdit(ctx, m), Moves: Moves(d.Status)}
	if d.Published() {
		if p.Following, err = h.svc.Following(ctx, m, d.ID); err != nil {
			return decisionPage{}, err
		}
	}
	return p, nil
}

// decision shows one decision with its history and links.
func (h *handler) decision(w http.ResponseWriter, r *http.Request) error {
	p, err := h.decisionView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Done = doneKey(r.URL.Query().Get("done"))
	return h.Render.Page(w, r, http.StatusOK, "decisions/decision", p)
}

// followRegister starts or stops following the register (on=0 stops).
func (h *handler) followRegister(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	on := r.PostFormValue("on") != "0"
	if err := h.svc.Follow(r.Context(), m, "", on); err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/decisions/?done="+followDone(on), http.StatusSeeOther)
	return nil
}

func followDone(on bool) string {
	if on {
		return "followed"
	}
	return "unfollowed"
}

// followDecision starts or stops following one decision.
func (h *handler) followDecision(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	p, err := h.decisionView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	on := r.PostFormValue("on") != "0"
	if err := h.svc.Follow(r.Context(), p.Muni, p.Decision.ID, on); err != nil {
		return err
	}
	http.Redirect(w, r, "/decisions/"+p.Decision.ID+"?done="+followDone(on), http.StatusSeeOther)
	return nil
}

// publish makes a draft public.
func (h *handler) publish(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	d, err := h.svc.Publish(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/decisions/"+d.ID+"?done=published", http.StatusSeeOther)
	return nil
}

// status moves a decision's implementation on; a bad note or move is
// shown on the decision's page.
func (h *handler) status(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	ctx := r.Context()
	d, err := h.svc.SetStatus(ctx, r.PathValue("id"), Status(r.PostFormValue("status")), r.PostFormValue("note"))
	if err == nil {
		http.Redirect(w, r, "/decisions/"+d.ID+"?done=status", http.StatusSeeOther)
		return nil
	}
	f, ok := fault.As(err)
	if !ok || !(errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrConflict)) {
		return err
	}
	p, perr := h.decisionView(ctx, r.PathValue("id"))
	if perr != nil {
		return perr
	}
	p.Errors, p.Alert = f.Fields, f.Key
	code := http.StatusBadRequest
	if errors.Is(err, fault.ErrConflict) {
		code = http.StatusConflict
	}
	return h.Render.Page(w, r, code, "decisions/decision", p)
}
