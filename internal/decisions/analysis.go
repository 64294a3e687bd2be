package decisions

import (
	"errors"
	"math"
)

// Analysis is what the model says: weights, consistency, ranking,
// sensitivity and budget scenarios.
type Analysis struct {
	Weights     []float64
	AHP         *AHP // nil for direct weights
	Ranking     *Ranking
	Sensitivity []WeightRange
	Scenarios   []ScenarioResult
	// Missing says what the model lacks for a ranking ("criteria",
	// "options", "weights"); empty when it ranks.
	Missing string
}

// Weights returns the criterion weights of the model: the AHP
// eigenvector (refused with an *InconsistentError when CR > MaxCR) or
// the direct weights normalised to sum 1.
func (m Model) Weights() ([]float64, *AHP, error) {
	n := len(m.Criteria)
	if n == 0 {
		return nil, nil, nil
	}
	if m.Mode == ModeDirect {
		if len(m.Direct) != n {
			return nil, nil, invalid("decision-weights", map[string]string{"direct_weights": "decisions.error.direct_count"})
		}
		sum := 0.0
		for _, v := range m.Direct {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, invalid("decision-weights", map[string]string{"direct_weights": "decisions.error.direct_negative"})
			}
			sum += v
		}
		if sum <= 0 {
			return nil, nil, invalid("decision-weights", map[string]string{"direct_weights": "decisions.error.direct_zero"})
		}
		w := make([]float64, n)
		for i, v := range m.Direct {
			w[i] = v / sum
		}
		return w, nil, nil
	}
	mx, err := Matrix(n, m.Judgements)
	if err != nil {
		return nil, nil, invalid("decision-weights", map[string]string{"judgements": "decisions.error.judgement"})
	}
	a, err := Weigh(mx)
	if err != nil {
		return nil, nil, invalid("decision-weights", map[string]string{"judgements": "decisions.error.judgement"})
	}
	if !a.Consistent() {
		e := &InconsistentError{AHP: a, A: m.Criteria[a.Worst[0]].Name, B: m.Criteria[a.Worst[1]].Name}
		return nil, &a, e.Fault()
	}
	return a.Weights, &a, nil
}

// Analyse runs the whole method on the model. An incomplete model (no
// criteria or options yet) gives an analysis that says what is missing;
// bad weights give their error.
func (m Model) Analyse() (Analysis, error) {
	var out Analysis
	switch {
	case len(m.Criteria) == 0:
		out.Missing = "criteria"
		return out, nil
	case len(m.Options) == 0:
		out.Missing = "options"
		return out, nil
	}
	w, a, err := m.Weights()
	out.Weights, out.AHP = w, a
	if err != nil {
		return out, err
	}
	x := make([][]float64, len(m.Options))
	for i, o := range m.Options {
		x[i] = o.Scores
	}
	kinds := make([]Kind, len(m.Criteria))
	for j, c := range m.Criteria {
		kinds[j] = c.Kind
	}
	r, err := TOPSIS(x, w, kinds)
	if err != nil {
		return out, errors.Join(ErrInvalid, err)
	}
	out.Ranking = &r
	if out.Sensitivity, err = Sensitivity(x, w, kinds); err != nil {
		return out, errors.Join(ErrInvalid, err)
	}
	costs, lines := make([]Money, len(m.Options)), make([]int, len(m.Options))
	for i, o := range m.Options {
		costs[i], lines[i] = o.Costs, o.Line
	}
	for _, s := range m.Budget.Scenarios {
		out.Scenarios = append(out.Scenarios, EvaluateScenario(s, m.Budget.Available, r.Order, costs, lines))
	}
	return out, nil
}
