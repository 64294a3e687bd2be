package decisions

import (
	"errors"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/web"
)

func (h *handler) apiRoutes(rt *web.Router) {
	rt.Handle("GET /api/v1/municipalities/{slug}/decisions", h.apiRegister)
	rt.Handle("POST /api/v1/municipalities/{slug}/decisions", h.apiCreateDecision)
	rt.Handle("GET /api/v1/decisions/{id}", h.apiDecision)
	rt.Handle("POST /api/v1/decisions/{id}/publish", h.apiPublish)
	rt.Handle("POST /api/v1/decisions/{id}/status", web.JSONCall(http.StatusOK, func(r *http.Request, in statusChange) (Decision, error) {
		return h.svc.SetStatus(r.Context(), r.PathValue("id"), in.Status, in.Note)
	}))
	rt.Handle("POST /api/v1/municipalities/{slug}/decision-cases", h.apiCreateCase)
	rt.Handle("GET /api/v1/decision-cases/{id}", h.apiCase)
}

// AnalysisJSON is a case's analysis as the API answers it.
type AnalysisJSON struct {
	Weights     []float64      `json:"weights"`
	LambdaMax   *float64       `json:"lambda_max,omitempty"`
	CI          *float64       `json:"ci,omitempty"`
	CR          *float64       `json:"cr,omitempty"`
	Closeness   []float64      `json:"closeness"`
	Order       []int          `json:"order"`
	Sensitivity []WeightRange  `json:"sensitivity"`
	Scenarios   []ScenarioJSON `json:"scenarios"`
	Missing     string         `json:"missing,omitempty"`
}

// ScenarioJSON is one evaluated budget scenario.
type ScenarioJSON struct {
	Name      string          `json:"name"`
	Totals    Money           `json:"totals_kopecks"`
	Available Money           `json:"available_kopecks"`
	Over      [PlanYears]bool `json:"over"`
	Funded    []int           `json:"funded"`
	Unfunded  []int           `json:"unfunded"`
}

func analysisJSON(a Analysis) AnalysisJSON {
	out := AnalysisJSON{Weights: a.Weights, Sensitivity: a.Sensitivity, Missing: a.Missing, Scenarios: []ScenarioJSON{}}
	if a.AHP != nil {
		out.LambdaMax, out.CI, out.CR = &a.AHP.LambdaMax, &a.AHP.CI, &a.AHP.CR
	}
	if a.Ranking != nil {
		out.Closeness, out.Order = a.Ranking.Closeness, a.Ranking.Order
	}
	for _, s := range a.Scenarios {
		out.Scenarios = append(out.Scenarios, ScenarioJSON{Name: s.Scenario.Name, Totals: s.Totals, Available: s.Available, Over: s.Over,
			Funded: nonNil(s.Funded), Unfunded: nonNil(s.Unfunded)})
	}
	return out
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// caseJSON is a case with its analysis.
type caseJSON struct {
	Case     Case         `json:"case"`
	Analysis AnalysisJSON `json:"analysis"`
}

func (h *handler) apiRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.svc.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ds, err := h.svc.Register(ctx, m, Filter{Query: q.Get("q"), Status: Status(q.Get("status")), Drafts: q.Get("drafts") == "1"})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": ds})
}

func (h *handler) apiDecision(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.Decision(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, d)
}

func (h *handler) apiCreateDecision(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var in DecisionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := h.svc.CreateDecision(r.Context(), m.ID, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, d)
}

func (h *handler) apiPublish(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.Publish(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, d)
}

// statusChange is the body of a decision's status change.
type statusChange struct {
	Status Status `json:"status"`
	Note   string `json:"note"`
}

// apiCreateCase takes a whole case (title, question and model) and
// answers it analysed; inconsistent judgements are a 400 problem naming
// the pair to revisit.
func (h *handler) apiCreateCase(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var in CaseInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := h.svc.CreateCase(r.Context(), m.ID, in)
	if err != nil {
		return err
	}
	return h.caseAnswer(w, http.StatusCreated, c)
}

func (h *handler) apiCase(w http.ResponseWriter, r *http.Request) error {
	c, err := h.svc.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.caseAnswer(w, http.StatusOK, c)
}

func (h *handler) caseAnswer(w http.ResponseWriter, code int, c Case) error {
	a, err := c.Model.Analyse()
	var inc *InconsistentError
	if err != nil && !errors.As(err, &inc) {
		return err
	}
	return web.JSON(w, code, caseJSON{Case: c, Analysis: analysisJSON(a)})
}
