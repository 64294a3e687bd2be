package decisions

import (
	"errors"
	"fmt"
	"math"
)

// MaxCR is the largest consistency ratio AHP accepts (Saaty's 10 %).
const MaxCR = 0.10

// randomIndex is the random consistency index RI for n = 1..10, the mean
// CI of random reciprocal matrices of that order, as tabulated by T. L.
// Saaty, The Analytic Hierarchy Process (McGraw-Hill, 1980): 0, 0, 0.58,
// 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49. Tables from later simulations
// differ in the second decimal, and so does CR = CI/RI computed with them;
// muni uses the 1980 table throughout.
var randomIndex = []float64{0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49}

// MaxCriteria bounds the order of a comparison matrix: the RI table ends
// at 10, and people cannot judge more pairs consistently anyway.
const MaxCriteria = 10

// RandomIndex is RI for order n from Saaty's 1980 table (0 outside 1..10).
func RandomIndex(n int) float64 {
	if n < 1 || n > len(randomIndex) {
		return 0
	}
	return randomIndex[n-1]
}

// ValidJudgement reports whether v is on Saaty's 1–9 scale or its
// reciprocals (1/9…1), the only values a pairwise judgement may take.
func ValidJudgement(v float64) bool {
	if v >= 1 {
		return v <= 9 && v == math.Trunc(v)
	}
	if v <= 0 {
		return false
	}
	r := 1 / v
	return math.Abs(r-math.Round(r)) < 1e-9 && math.Round(r) <= 9
}

// AHP is the result of a pairwise comparison matrix.
type AHP struct {
	Weights   []float64 // principal eigenvector, summing to 1
	LambdaMax float64
	CI        float64 // (λmax − n) / (n − 1)
	CR        float64 // CI / RI; 0 for n ≤ 2
	// Worst is the pair (i < j) whose judgement deviates most from the
	// ratio of the weights, w_i/w_j: the one to revisit first.
	Worst [2]int
	// Suggested is the judgement of the worst pair that the other
	// judgements imply (the geometric mean of a_ik·a_kj over every third
	// criterion k), rounded to the scale.
	Suggested float64
}

// Consistent reports whether CR is within MaxCR.
func (a AHP) Consistent() bool { return a.CR <= MaxCR }

// ErrMatrix means a comparison matrix is not square, positive and
// reciprocal.
var ErrMatrix = errors.New("decisions: not a positive reciprocal matrix")

// Weigh computes AHP weights from a positive reciprocal matrix m
// (m[i][j] = how much more important i is than j, m[j][i] = 1/m[i][j]).
// The principal eigenvector comes from power iteration, which converges
// for positive matrices (Perron–Frobenius).
func Weigh(m [][]float64) (AHP, error) {
	n := len(m)
	if n == 0 || n > MaxCriteria {
		return AHP{}, fmt.Errorf("%w: order %d", ErrMatrix, n)
	}
	for i := range m {
		if len(m[i]) != n {
			return AHP{}, fmt.Errorf("%w: row %d", ErrMatrix, i)
		}
		for j := range m[i] {
			if !(m[i][j] > 0) || math.Abs(m[i][j]*m[j][i]-1) > 1e-9 {
				return AHP{}, fmt.Errorf("%w: cell %d,%d", ErrMatrix, i, j)
			}
		}
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for iter := 0; iter < 10000; iter++ {
		sum := 0.0
		for i := range m {
			next[i] = 0
			for j := range m[i] {
				next[i] += m[i][j] * w[j]
			}
			sum += next[i]
		}
		delta := 0.0
		for i := range next {
			next[i] /= sum
			delta = math.Max(delta, math.Abs(next[i]-w[i]))
		}
		w, next = next, w
		if delta < 1e-13 {
			break
		}
	}
	res := AHP{Weights: w}
	for i := range m {
		aw := 0.0
		for j := range m[i] {
			aw += m[i][j] * w[j]
		}
		res.LambdaMax += aw / w[i]
	}
	res.LambdaMax /= float64(n)
	if n > 2 {
		res.CI = (res.LambdaMax - float64(n)) / float64(n-1)
		res.CR = res.CI / RandomIndex(n)
		if res.CI < 0 { // rounding on a consistent matrix
			res.CI, res.CR = 0, 0
		}
	}
	res.Worst, res.Suggested = worstPair(m, w)
	return res, nil
}

// worstPair finds the judgement farthest, on a log scale, from the ratio
// the weights imply, and the value the other judgements imply for it.
func worstPair(m [][]float64, w []float64) ([2]int, float64) {
	var worst [2]int
	dev := -1.0
	for i := range m {
		for j := i + 1; j < len(m); j++ {
			if d := math.Abs(math.Log(m[i][j] * w[j] / w[i])); d > dev {
				dev, worst = d, [2]int{i, j}
			}
		}
	}
	if dev < 0 {
		return worst, 1
	}
	i, j := worst[0], worst[1]
	if len(m) < 3 {
		return worst, Scale(w[i] / w[j])
	}
	logSum := 0.0
	for k := range m {
		if k != i && k != j {
			logSum += math.Log(m[i][k] * m[k][j])
		}
	}
	return worst, Scale(math.Exp(logSum / float64(len(m)-2)))
}

// Scale rounds a ratio to the nearest value of Saaty's scale (1/9…9) on
// a log scale.
func Scale(r float64) float64 {
	best, bestD := 1.0, math.Inf(1)
	for k := 1; k <= 9; k++ {
		for _, v := range []float64{float64(k), 1 / float64(k)} {
			if d := math.Abs(math.Log(r / v)); d < bestD {
				best, bestD = v, d
			}
		}
	}
	return best
}

// Matrix builds the reciprocal matrix of order n from the judgements of
// the pairs above the diagonal; a missing pair counts as equal (1).
func Matrix(n int, js []Judgement) ([][]float64, error) {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		for j := range m[i] {
			m[i][j] = 1
		}
	}
	for _, j := range js {
		if j.A < 0 || j.B < 0 || j.A >= n || j.B >= n || j.A == j.B {
			return nil, fmt.Errorf("%w: pair %d,%d", ErrMatrix, j.A, j.B)
		}
		if !ValidJudgement(j.Value) {
			return nil, fmt.Errorf("%w: judgement %v is off Saaty's scale", ErrMatrix, j.Value)
		}
		m[j.A][j.B], m[j.B][j.A] = j.Value, 1/j.Value
	}
	return m, nil
}

// Judgement says criterion A is Value times as important as criterion B
// (Saaty's scale: 1 equal … 9 extreme; 1/3 means B is moderately more
// important).
type Judgement struct {
	A     int     `json:"a"`
	B     int     `json:"b"`
	Value float64 `json:"value"`
}
