package decisions

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// newPage is the form of a new decision: blank, or from a case with its
// analysis summed up and its evidence offered as links.
type newPage struct {
	Muni      Municipality
	Case      *Case
	Best      string // the case's top option
	Closeness string // its TOPSIS closeness
	CR        string // the AHP consistency ratio, "" for direct weights
	Offered   []Evidence
	Checked   map[string]bool
	Values    map[string]string
	Errors    map[string]string
	Bodies    []Body
}

// linkKey identifies an offered link in the form.
func linkKey(e Evidence) string { return e.Kind + "|" + e.Ref }

// newView gathers the case (?case=) and what may be linked: the case's
// evidence (checked) and everything the municipality's data offers.
func (h *handler) newView(ctx context.Context, slug, caseID string) (newPage, error) {
	m, err := h.svc.Municipality(ctx, slug)
	if err != nil {
		return newPage{}, err
	}
	if !CanEdit(ctx, m) {
		return newPage{}, forbidden()
	}
	p := newPage{Muni: m, Checked: map[string]bool{}, Bodies: Bodies(), Errors: map[string]string{},
		Values: map[string]string{"decided_on": time.Now().Format(time.DateOnly), "body": string(BodyAdministration)}}
	seen := map[string]bool{}
	offer := func(e Evidence, checked bool) {
		if k := linkKey(e); !seen[k] {
			seen[k] = true
			p.Offered = append(p.Offered, e)
			p.Checked[k] = checked
		}
	}
	if caseID != "" {
		c, err := h.svc.Case(ctx, caseID)
		if err != nil {
			return newPage{}, err
		}
		if c.TenantID != m.ID {
			return newPage{}, notFound()
		}
		p.Case, p.Values["title"] = &c, c.Title
		if a, err := c.Model.Analyse(); err == nil && a.Ranking != nil {
			best := a.Ranking.Order[0]
			p.Best, p.Closeness = c.Model.Options[best].Name, strconv.FormatFloat(a.Ranking.Closeness[best], 'f', 3, 64)
			if a.AHP != nil {
				p.CR = strconv.FormatFloat(a.AHP.CR, 'f', 3, 64)
			}
		}
		for _, o := range c.Model.Options {
			for _, e := range o.Evidence {
				offer(e, true)
			}
		}
	}
	es, err := h.svc.Evidence(ctx, m.ID)
	if err != nil {
		return newPage{}, err
	}
	for _, e := range es {
		offer(e, false)
	}
	return p, nil
}

// newDecision shows the form.
func (h *handler) newDecision(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	p, err := h.newView(r.Context(), r.PathValue("slug"), r.URL.Query().Get("case"))
	if err != nil {
		return err
	}
	return h.Render.Page(w, r, http.StatusOK, "decisions/new", p)
}

// createDecision drafts the decision and goes to its page, where it is
// published; bad input comes back to the form.
func (h *handler) createDecision(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return invalid("form", nil)
	}
	p, err := h.newView(ctx, r.PathValue("slug"), r.PostFormValue("case_id"))
	if err != nil {
		return err
	}
	in := DecisionInput{DecidedOn: r.PostFormValue("decided_on"), Body: Body(r.PostFormValue("body")), Number: r.PostFormValue("number"),
		Title: r.PostFormValue("title"), Text: r.PostFormValue("text"), Rationale: r.PostFormValue("rationale")}
	if p.Case != nil {
		in.CaseID = p.Case.ID
	}
	picked := map[string]bool{}
	for _, k := range r.PostForm["link"] {
		picked[k] = true
	}
	for _, e := range p.Offered {
		if picked[linkKey(e)] {
			in.Links = append(in.Links, e)
		}
	}
	d, err := h.svc.CreateDecision(ctx, p.Muni.ID, in)
	if err == nil {
		http.Redirect(w, r, "/decisions/"+d.ID+"?done=created", http.StatusSeeOther)
		return nil
	}
	f, ok := fault.As(err)
	if !ok || !errors.Is(err, fault.ErrInvalid) {
		return err
	}
	for _, k := range []string{"decided_on", "body", "number", "title", "text", "rationale"} {
		p.Values[k] = r.PostFormValue(k)
	}
	p.Checked, p.Errors = picked, f.Fields
	return h.Render.Page(w, r, http.StatusBadRequest, "decisions/new", p)
}
