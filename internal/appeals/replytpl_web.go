package appeals

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// replyRoutes mounts the municipal administrators' page of reply templates.
func (h *handler) replyRoutes(rt *web.Router) {
	rt.Handle("GET /m/{slug}/appeals/replies", h.replies)
	rt.Handle("POST /m/{slug}/appeals/replies", h.addReply)
	rt.Handle("POST /m/{slug}/appeals/replies/{id}/delete", h.deleteReply)
}

// repliesPage lists a municipality's templates with the form for a new one.
type repliesPage struct {
	*form
	Muni         Municipality
	Templates    []ReplyTemplate
	Categories   []Category
	Names        map[string]string // category id -> name
	Placeholders []string
	Saved        bool
}

func (h *handler) replies(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showReplies(w, r, http.StatusOK, newForm())
}

func (h *handler) showReplies(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !auth.From(ctx).Can(auth.RoleMunicipalAdmin, m.Path) {
		return ErrForbidden
	}
	p := repliesPage{form: f, Muni: m, Placeholders: Placeholders, Names: map[string]string{}, Saved: r.URL.Query().Get("saved") == "1"}
	if p.Templates, err = h.svc.ReplyTemplates(ctx, m.ID, ""); err != nil {
		return err
	}
	if p.Categories, err = h.svc.Categories(ctx, m.ID); err != nil {
		return err
	}
	for _, c := range p.Categories {
		p.Names[c.ID] = c.Name(web.Lang(ctx))
	}
	return h.render.Page(w, r, status, "appeals/replies", p)
}

func (h *handler) addReply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	in := ReplyTemplateInput{Name: r.PostFormValue("name"), Body: r.PostFormValue("body"), CategoryID: r.PostFormValue("category_id")}
	if _, err := h.svc.CreateReplyTemplate(ctx, m.ID, in); err != nil {
		f := newForm()
		f.Values["name"], f.Values["body"], f.Values["category_id"] = in.Name, in.Body, in.CategoryID
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showReplies(w, r, status, f)
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/appeals/replies?saved=1", http.StatusSeeOther)
	return nil
}

func (h *handler) deleteReply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteReplyTemplate(ctx, m.ID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/appeals/replies", http.StatusSeeOther)
	return nil
}

// replySteps are the steps whose text a template may prefill.
var replySteps = []Action{ActAnswer, ActFix, ActCloseNotFixed, ActRedirect, ActReturn, ActNoAnswer}

// Replyable reports whether the form of step act offers the templates.
func (p showPage) Replyable(act string) bool {
	return len(p.Replies) > 0 && slices.Contains(replySteps, Action(act))
}

// replyChoices fills the templates an official over the item may pick.
func (h *handler) replyChoices(ctx context.Context, p *showPage) error {
	who := auth.From(ctx)
	p.ReplyAdmin = who.Can(auth.RoleMunicipalAdmin, p.Appeal.TenantPath)
	if !p.Staff || !slices.ContainsFunc(replySteps, func(a Action) bool { return p.Can(string(a)) }) {
		return nil
	}
	var err error
	p.Replies, err = h.svc.ReplyTemplates(ctx, p.Appeal.TenantID, p.Appeal.CategoryID)
	return err
}

// replyPrefill is the detail page's form when the official picked a
// template (?reply=…&step=…): that step's form open, its text filled in.
func (h *handler) replyPrefill(r *http.Request) (*form, Action) {
	f := newForm()
	q := r.URL.Query()
	id, step := q.Get("reply"), Action(q.Get("step"))
	if id == "" || !slices.Contains(replySteps, step) {
		return f, ""
	}
	ctx := r.Context()
	a, err := h.svc.Appeal(ctx, r.PathValue("id"))
	if err != nil {
		return f, ""
	}
	ts, err := h.svc.ReplyTemplates(ctx, a.TenantID, a.CategoryID)
	if err != nil {
		return f, ""
	}
	i := slices.IndexFunc(ts, func(t ReplyTemplate) bool { return t.ID == id })
	m, err := h.svc.municipality(ctx, a.TenantID)
	if i < 0 || err != nil {
		return f, ""
	}
	loc, err := zone(m)
	if err != nil {
		loc = time.UTC
	}
	f.Values["answer"] = Fill(ts[i].Body, a, loc)
	return f, step
}
