package decisions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

func (h *handler) caseRoutes(rt *web.Router) {
	rt.Handle("GET /m/{slug}/decision-cases", h.cases)
	rt.Handle("POST /m/{slug}/decision-cases", h.createCase)
	rt.Handle("GET /decision-cases/{id}", h.caseShow)
	rt.Handle("POST /decision-cases/{id}/{part}", h.caseChange)
	rt.Handle("POST /decision-cases/{id}/{part}/{n}/delete", h.caseDelete)
}

// casesPage lists a municipality's cases with the form for a new one.
type casesPage struct {
	Muni   Municipality
	Cases  []Case
	Values map[string]string
	Errors map[string]string
}

func (h *handler) cases(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.casesPage(w, r, http.StatusOK, nil, nil)
}

func (h *handler) casesPage(w http.ResponseWriter, r *http.Request, code int, values, errs map[string]string) error {
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	cs, err := h.svc.Cases(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.Render.Page(w, r, code, "decisions/cases", casesPage{Muni: m, Cases: cs, Values: values, Errors: errs})
}

func (h *handler) createCase(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	in := CaseInput{Title: r.PostFormValue("title"), Question: r.PostFormValue("question")}
	c, err := h.svc.CreateCase(r.Context(), m.ID, in)
	if f, ok := fault.As(err); ok && errors.Is(err, fault.ErrInvalid) {
		return h.casesPage(w, r, http.StatusBadRequest, map[string]string{"title": in.Title, "question": in.Question}, f.Fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/decision-cases/"+c.ID+"?done=created", http.StatusSeeOther)
	return nil
}

func (h *handler) caseShow(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	c, err := h.svc.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.caseView(r.Context(), c)
	if err != nil {
		return err
	}
	p.Done = doneKey(r.URL.Query().Get("done"))
	return h.Render.Page(w, r, http.StatusOK, "decisions/case", p)
}

// caseChange applies one form of the workspace; a refusal re-renders the
// workspace with the messages and what was typed.
func (h *handler) caseChange(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return invalid("form", nil)
	}
	ctx := r.Context()
	id, part := r.PathValue("id"), Part(r.PathValue("part"))
	var change func(*Model) error
	switch part {
	case PartCriteria:
		change = addCriterion(r)
	case PartOptions:
		change = addOption(r)
	case PartScores:
		change = setScores(r)
	case PartWeights:
		change = setWeights(r)
	case PartBudget:
		change = setBudget(r)
	case "scenarios":
		part, change = PartBudget, addScenario(r)
	case PartEvidence:
		es, err := h.caseEvidence(ctx, id)
		if err != nil {
			return err
		}
		change = attachEvidence(r, es)
	default:
		return notFound()
	}
	return h.afterChange(w, r, id, part, change)
}

func (h *handler) caseDelete(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		return notFound()
	}
	part := Part(r.PathValue("part"))
	var change func(*Model) error
	switch part {
	case PartCriteria:
		change = func(m *Model) error { return m.RemoveCriterion(n) }
	case PartOptions:
		change = func(m *Model) error { return m.RemoveOption(n) }
	case "scenarios":
		part, change = PartBudget, func(m *Model) error { return m.RemoveScenario(n) }
	default:
		return notFound()
	}
	return h.afterChange(w, r, r.PathValue("id"), part, change)
}

func (h *handler) afterChange(w http.ResponseWriter, r *http.Request, id string, part Part, change func(*Model) error) error {
	ctx := r.Context()
	c, refusal := h.svc.ChangeModel(ctx, id, part, change)
	if refusal == nil {
		http.Redirect(w, r, "/decision-cases/"+c.ID+"?done=saved#"+string(part), http.StatusSeeOther)
		return nil
	}
	f, ok := fault.As(refusal)
	if !ok || !errors.Is(refusal, fault.ErrInvalid) {
		return refusal
	}
	c, err := h.svc.Case(ctx, id)
	if err != nil {
		return err
	}
	p, err := h.caseView(ctx, c)
	if err != nil {
		return err
	}
	// The workspace has a form per part: its fields are named
	// "<form>.<field>" so each form shows only its own messages.
	form := r.PathValue("part")
	p.Part = form
	for k, v := range f.Fields {
		p.Errors[form+"."+k] = v
	}
	for k, vs := range r.PostForm {
		p.Values[form+"."+k] = strings.Join(vs, "\n")
	}
	var inc *InconsistentError
	if errors.As(refusal, &inc) {
		p.Refused = inconsistency(inc.AHP, inc.A, inc.B)
	} else {
		p.Alert = "decisions.error.invalid"
	}
	return h.Render.Page(w, r, http.StatusBadRequest, "decisions/case", p)
}

func (h *handler) caseEvidence(ctx context.Context, caseID string) ([]Evidence, error) {
	c, err := h.svc.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return h.svc.Evidence(ctx, c.TenantID)
}

// field marks a form field bad.
func field(name, key string) error {
	return invalid("decision-model", map[string]string{name: key})
}

func addCriterion(r *http.Request) func(*Model) error {
	return func(m *Model) error {
		if len(m.Criteria) >= MaxCriteria {
			return field("name", "decisions.error.too_many_criteria")
		}
		m.Criteria = append(m.Criteria, Criterion{Name: strings.TrimSpace(r.PostFormValue("name")), Kind: Kind(r.PostFormValue("kind")),
			Unit: strings.TrimSpace(r.PostFormValue("unit"))})
		for i := range m.Options {
			m.Options[i].Scores = append(m.Options[i].Scores, 0)
		}
		if m.Mode == ModeDirect {
			m.Direct = append(m.Direct, 1)
		}
		return checkPart(m, "criteria["+strconv.Itoa(len(m.Criteria)-1)+"].", map[string]string{"name": "name", "kind": "kind", "unit": "unit"})
	}
}

// checkPart runs the model's checks and keeps the messages of one new
// item, named as the form names its fields.
func checkPart(m *Model, prefix string, fields map[string]string) error {
	bad := map[string]string{}
	for k, v := range m.Check() {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			if f, ok := fields[rest]; ok {
				bad[f] = v
				continue
			}
		}
		bad[k] = v
	}
	if len(bad) > 0 {
		return invalid("decision-model", bad)
	}
	return nil
}

func addOption(r *http.Request) func(*Model) error {
	return func(m *Model) error {
		if len(m.Options) >= MaxOptions {
			return field("name", "decisions.error.too_many_options")
		}
		o := Option{Name: strings.TrimSpace(r.PostFormValue("name")), Description: strings.TrimSpace(r.PostFormValue("description")),
			Scores: make([]float64, len(m.Criteria)), Line: -1, Evidence: []Evidence{}}
		bad := map[string]string{}
		for y := range PlanYears {
			k, ok := ParseRoubles(r.PostFormValue(fmt.Sprintf("cost%d", y)))
			if !ok {
				bad[fmt.Sprintf("cost%d", y)] = "decisions.error.money"
			}
			o.Costs[y] = k
		}
		if s := r.PostFormValue("line"); s != "" {
			l, err := strconv.Atoi(s)
			if err != nil {
				l = -2
			}
			o.Line = l
		}
		if len(bad) > 0 {
			return invalid("decision-model", bad)
		}
		m.Options = append(m.Options, o)
		return checkPart(m, "options["+strconv.Itoa(len(m.Options)-1)+"].", map[string]string{"name": "name", "description": "description", "line": "line"})
	}
}

func setScores(r *http.Request) func(*Model) error {
	return func(m *Model) error {
		bad := map[string]string{}
		for i := range m.Options {
			for j := range m.Criteria {
				name := fmt.Sprintf("s-%d-%d", i, j)
				v, ok := ParseNumber(r.PostFormValue(name))
				if !ok {
					bad[name] = "decisions.error.score"
				}
				m.Options[i].Scores[j] = v
			}
		}
		if len(bad) > 0 {
			return invalid("decision-model", bad)
		}
		return nil
	}
}

func setWeights(r *http.Request) func(*Model) error {
	return func(m *Model) error {
		bad := map[string]string{}
		switch WeightMode(r.PostFormValue("mode")) {
		case ModeDirect:
			m.Mode, m.Direct = ModeDirect, make([]float64, len(m.Criteria))
			for j := range m.Criteria {
				name := fmt.Sprintf("w-%d", j)
				v, ok := ParseNumber(r.PostFormValue(name))
				if !ok {
					bad[name] = "decisions.error.score"
				}
				m.Direct[j] = v
			}
		case ModeAHP:
			m.Mode, m.Judgements = ModeAHP, nil
			for a := range m.Criteria {
				for b := a + 1; b < len(m.Criteria); b++ {
					name := fmt.Sprintf("j-%d-%d", a, b)
					v, ok := ParseJudgement(r.PostFormValue(name))
					if !ok {
						bad[name] = "decisions.error.judgement"
					}
					m.Judgements = append(m.Judgements, Judgement{A: a, B: b, Value: v})
				}
			}
		default:
			bad["mode"] = "decisions.error.mode"
		}
		if len(bad) > 0 {
			return invalid("decision-model", bad)
		}
		return nil
	}
}

func setBudget(r *http.Request) func(*Model) error {
	return func(m *Model) error {
		bad := map[string]string{}
		var lines []string
		for _, l := range strings.Split(r.PostFormValue("lines"), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) < len(m.Budget.Lines) {
			for i, o := range m.Options {
				if o.Line >= len(lines) {
					m.Options[i].Line = -1
				}
			}
		}
		for i := range m.Budget.Scenarios {
			s := &m.Budget.Scenarios[i]
			for len(s.Amounts) < len(lines) {
				s.Amounts = append(s.Amounts, Money{})
			}
			s.Amounts = s.Amounts[:len(lines)]
		}
		m.Budget.Lines = lines
		if y := r.PostFormValue("first_year"); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil {
				bad["first_year"] = "decisions.error.year"
			}
			m.Budget.FirstYear = n
		}
		for y := range PlanYears {
			k, ok := ParseRoubles(r.PostFormValue(fmt.Sprintf("avail%d", y)))
			if !ok {
				bad[fmt.Sprintf("avail%d", y)] = "decisions.error.money"
			}
			m.Budget.Available[y] = k
		}
		if len(bad) > 0 {
			return invalid("decision-model", bad)
		}
		return nil
	}
}

func addScenario(r *http.Request) func(*Model) error {
	return func(m *Model) error {
		if len(m.Budget.Scenarios) >= MaxScenarios {
			return field("scenario_name", "decisions.error.too_many_scenarios")
		}
		s := Scenario{Name: strings.TrimSpace(r.PostFormValue("scenario_name")), Amounts: make([]Money, len(m.Budget.Lines))}
		bad := map[string]string{}
		if k := checkText(s.Name, true, maxName); k != "" {
			bad["scenario_name"] = k
		}
		for l := range m.Budget.Lines {
			for y := range PlanYears {
				name := fmt.Sprintf("a-%d-%d", l, y)
				k, ok := ParseRoubles(r.PostFormValue(name))
				if !ok {
					bad[name] = "decisions.error.money"
				}
				s.Amounts[l][y] = k
			}
		}
		if len(bad) > 0 {
			return invalid("decision-model", bad)
		}
		m.Budget.Scenarios = append(m.Budget.Scenarios, s)
		return nil
	}
}

func attachEvidence(r *http.Request, offered []Evidence) func(*Model) error {
	return func(m *Model) error {
		i, err := strconv.Atoi(r.PostFormValue("option"))
		if err != nil || i < 0 || i >= len(m.Options) {
			return field("option", "decisions.error.option")
		}
		key := r.PostFormValue("evidence")
		for _, e := range offered {
			if linkKey(e) != key {
				continue
			}
			for _, had := range m.Options[i].Evidence {
				if linkKey(had) == key {
					return nil
				}
			}
			if len(m.Options[i].Evidence) >= MaxEvidence {
				return field("evidence", "decisions.error.too_much_evidence")
			}
			m.Options[i].Evidence = append(m.Options[i].Evidence, e)
			return nil
		}
		return field("evidence", "decisions.error.evidence")
	}
}
