package decisions

import (
	"fmt"
	"math"
	"sort"
)

// Kind says which way a criterion is better.
type Kind string

// The criterion kinds.
const (
	Benefit Kind = "benefit" // more is better
	Cost    Kind = "cost"    // less is better
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Benefit || k == Cost }

// Ranking is the TOPSIS result: each option's distances to the ideal and
// anti-ideal points and its closeness C = D⁻/(D⁺+D⁻), and the options'
// indexes best first.
type Ranking struct {
	Closeness []float64
	DPlus     []float64
	DMinus    []float64
	Order     []int // option indexes, best first; ties keep the input order
}

// Rank returns the position (0 = best) of each option.
func (r Ranking) Rank() []int {
	out := make([]int, len(r.Order))
	for pos, i := range r.Order {
		out[i] = pos
	}
	return out
}

// TOPSIS ranks the options (rows of x) on the criteria (columns) with
// weights w and kinds: vector normalisation, weighting, ideal and
// anti-ideal points per criterion kind, Euclidean distances, closeness.
// Options equal on every criterion get C = 0.5 (neither near nor far).
func TOPSIS(x [][]float64, w []float64, kinds []Kind) (Ranking, error) {
	m := len(w)
	if m == 0 || len(kinds) != m || len(x) == 0 {
		return Ranking{}, fmt.Errorf("decisions: topsis needs options and as many weights as kinds")
	}
	norm := make([]float64, m)
	for _, row := range x {
		if len(row) != m {
			return Ranking{}, fmt.Errorf("decisions: topsis row of %d values for %d criteria", len(row), m)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Ranking{}, fmt.Errorf("decisions: topsis value %v", v)
			}
			norm[j] += v * v
		}
	}
	v := make([][]float64, len(x))
	best, worst := make([]float64, m), make([]float64, m)
	for i, row := range x {
		v[i] = make([]float64, m)
		for j, val := range row {
			if norm[j] > 0 {
				v[i][j] = w[j] * val / math.Sqrt(norm[j])
			}
			if i == 0 {
				best[j], worst[j] = v[i][j], v[i][j]
				continue
			}
			better := v[i][j] > best[j]
			if kinds[j] == Cost {
				better = v[i][j] < best[j]
			}
			if better {
				best[j] = v[i][j]
			}
			if (kinds[j] == Cost && v[i][j] > worst[j]) || (kinds[j] == Benefit && v[i][j] < worst[j]) {
				worst[j] = v[i][j]
			}
		}
	}
	r := Ranking{Closeness: make([]float64, len(x)), DPlus: make([]float64, len(x)), DMinus: make([]float64, len(x))}
	for i := range v {
		for j := range v[i] {
			r.DPlus[i] += (v[i][j] - best[j]) * (v[i][j] - best[j])
			r.DMinus[i] += (v[i][j] - worst[j]) * (v[i][j] - worst[j])
		}
		r.DPlus[i], r.DMinus[i] = math.Sqrt(r.DPlus[i]), math.Sqrt(r.DMinus[i])
		if d := r.DPlus[i] + r.DMinus[i]; d > 0 {
			r.Closeness[i] = r.DMinus[i] / d
		} else {
			r.Closeness[i] = 0.5
		}
	}
	r.Order = make([]int, len(x))
	for i := range r.Order {
		r.Order[i] = i
	}
	sort.SliceStable(r.Order, func(a, b int) bool { return r.Closeness[r.Order[a]] > r.Closeness[r.Order[b]]+1e-12 })
	return r, nil
}
