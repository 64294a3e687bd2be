package appeals

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/muni-platform/muni/internal/platform/web"
)

// moderationRoutes mounts the officials' moderation queue and its
// decisions.
func moderationRoutes(rt *web.Router, h *handler) {
	rt.Handle("GET /appeals/moderation", h.moderationQueue)
	rt.Handle("POST /appeals/{id}/moderate", h.moderate)
	rt.Handle("GET /api/v1/appeals/moderation", h.apiModerationQueue)
	rt.Handle("POST /api/v1/appeals/{id}/moderate", h.apiModerate)
}

// moderationPage lists the flagged items of one status with the
// decisions an official may take.
type moderationPage struct {
	*form
	Status   string
	Statuses []string
	Items    []Flagged
	Names    map[string]string // category id -> name
	Failed   string            // the item whose form holds errors
	Done     string            // the decision just taken
	Obscene  string            // the art. 11 reason for leaving an appeal unanswered
}

// CanLeaveUnanswered reports whether a hidden formal appeal may now be
// left unanswered under 59-FZ art. 11 p. 3.
func (p moderationPage) CanLeaveUnanswered(f Flagged) bool {
	_, err := Next(f.Regime, f.State, ActNoAnswer)
	return f.Status == ModHidden && f.Regime == RegimeAppeal && err == nil
}

func (h *handler) moderationQueue(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showModeration(w, r, http.StatusOK, newForm(), "")
}

func (h *handler) showModeration(w http.ResponseWriter, r *http.Request, status int, f *form, failed string) error {
	ctx := r.Context()
	p := moderationPage{form: f, Status: r.URL.Query().Get("status"), Statuses: []string{ModPending, ModApproved, ModHidden},
		Names: map[string]string{}, Failed: failed, Done: r.URL.Query().Get("done"), Obscene: ReasonObscene}
	if !slices.Contains(p.Statuses, p.Status) {
		p.Status = ModPending
	}
	var err error
	if p.Items, err = h.svc.ModerationQueue(ctx, ModerationFilter{Status: p.Status, Limit: 100}); err != nil {
		return err
	}
	lang := web.Lang(ctx)
	seen := map[string]bool{}
	for _, it := range p.Items {
		if seen[it.TenantID] {
			continue
		}
		seen[it.TenantID] = true
		cats, err := h.svc.Categories(ctx, it.TenantID)
		if err != nil {
			return err
		}
		for _, c := range cats {
			p.Names[c.ID] = c.Name(lang)
		}
	}
	return h.render.Page(w, r, status, "appeals/moderation", p)
}

// moderate takes a decision from the queue page: approve, or hide with a
// reason.
func (h *handler) moderate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var err error
	decision := r.PostFormValue("decision")
	switch decision {
	case "approve":
		_, err = h.svc.ApproveText(r.Context(), id)
	case "hide":
		_, err = h.svc.HideText(r.Context(), id, r.PostFormValue("reason"))
	default:
		err = invalid("moderation-invalid", map[string]string{"decision": "appeals.moderation.decision_invalid"})
	}
	if err != nil {
		f := newForm()
		f.Values["reason"] = r.PostFormValue("reason")
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showModeration(w, r, status, f, id)
	}
	http.Redirect(w, r, "/appeals/moderation?done="+url.QueryEscape(decision), http.StatusSeeOther)
	return nil
}

func (h *handler) apiModerationQueue(w http.ResponseWriter, r *http.Request) error {
	items, err := h.svc.ModerationQueue(r.Context(), ModerationFilter{Status: r.URL.Query().Get("status"), Limit: 100})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

// moderationInput is the body of POST /api/v1/appeals/{id}/moderate.
type moderationInput struct {
	Decision string `json:"decision"` // approve or hide
	Reason   string `json:"reason"`   // required to hide
}

func (h *handler) apiModerate(w http.ResponseWriter, r *http.Request) error {
	var in moderationInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	var a Appeal
	var err error
	switch in.Decision {
	case "approve":
		a, err = h.svc.ApproveText(r.Context(), r.PathValue("id"))
	case "hide":
		a, err = h.svc.HideText(r.Context(), r.PathValue("id"), in.Reason)
	default:
		err = invalid("moderation-invalid", map[string]string{"decision": "appeals.moderation.decision_invalid"})
	}
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}
