package decisions

import (
	"math/rand"
	"testing"
)

// benchModel is the largest case the forms allow: 10 criteria, 20
// options, full AHP judgements (a consistent matrix with small noise).
func benchModel() Model {
	rng := rand.New(rand.NewSource(7))
	m := Model{Mode: ModeAHP}
	w := make([]float64, MaxCriteria)
	for j := range MaxCriteria {
		kind := Benefit
		if j%3 == 0 {
			kind = Cost
		}
		m.Criteria = append(m.Criteria, Criterion{Name: "c", Kind: kind})
		w[j] = float64(1 + rng.Intn(9))
	}
	for a := range MaxCriteria {
		for b := a + 1; b < MaxCriteria; b++ {
			m.Judgements = append(m.Judgements, Judgement{A: a, B: b, Value: Scale(w[a] / w[b])})
		}
	}
	for range MaxOptions {
		o := Option{Name: "o", Line: -1}
		for range MaxCriteria {
			o.Scores = append(o.Scores, 1+rng.Float64()*100)
		}
		m.Options = append(m.Options, o)
	}
	return m
}

// BenchmarkTOPSIS is the baseline: one ranking of the largest case.
func BenchmarkTOPSIS(b *testing.B) {
	m := benchModel()
	w, _, err := m.Weights()
	if err != nil {
		b.Fatal(err)
	}
	x, kinds := make([][]float64, len(m.Options)), make([]Kind, len(m.Criteria))
	for i, o := range m.Options {
		x[i] = o.Scores
	}
	for j, c := range m.Criteria {
		kinds[j] = c.Kind
	}
	for b.Loop() {
		if _, err := TOPSIS(x, w, kinds); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyse is what every view of the case workspace computes:
// AHP weights, the ranking and the sensitivity of every weight.
func BenchmarkAnalyse(b *testing.B) {
	m := benchModel()
	for b.Loop() {
		if _, err := m.Analyse(); err != nil {
			b.Fatal(err)
		}
	}
}
