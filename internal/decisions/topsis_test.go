package decisions

import (
	"errors"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The fighter-aircraft example of C.-L. Hwang and K. Yoon, Multiple
// Attribute Decision Making: Methods and Applications (Springer, 1981),
// the worked TOPSIS example (pp. 133–134): four aircraft on maximum speed
// (Mach), ferry range (NM), maximum payload (lb), acquisition cost ($M,
// the only cost criterion), reliability and manoeuvrability (qualitative,
// on the interval scale low = 3, average = 5, high = 7, very high = 9),
// weights .2 .1 .1 .1 .2 .3, vector normalisation. The book publishes
// the separations S* .0545 .1197 .0580 .1009 and S⁻ .0983 .0439 .0920
// .0458 and the relative closeness A1 .643, A2 .268, A3 .613, A4 .312
// (A1 > A3 > A4 > A2). Matrix, weights, directions and figures as
// reproduced in ldss-hse/ldss-benchmark, tasks/1_aircraft/task.json and
// benchmark/methods/topsis/test_core.py. The book computes from
// intermediates rounded to four decimals, so exact arithmetic differs in
// the last published digit (C3 = .6135, S*1 = .05456): the tolerances are
// one unit of the published precision.
func TestTOPSISHwangYoonFighters(t *testing.T) {
	x := [][]float64{
		{2.0, 1500, 20000, 5.5, 5, 9},
		{2.5, 2700, 18000, 6.5, 3, 5},
		{1.8, 2000, 21000, 4.5, 7, 7},
		{2.2, 1800, 20000, 5.0, 5, 5},
	}
	r, err := TOPSIS(x, []float64{.2, .1, .1, .1, .2, .3}, []Kind{Benefit, Benefit, Benefit, Cost, Benefit, Benefit})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{.0545, .1197, .0580, .1009} {
		near(t, "S*", r.DPlus[i], want, 1e-4)
	}
	for i, want := range []float64{.0983, .0439, .0920, .0458} {
		near(t, "S⁻", r.DMinus[i], want, 1e-4)
	}
	for i, want := range []float64{.643, .268, .613, .312} {
		near(t, "C", r.Closeness[i], want, 1e-3)
	}
	if !slices.Equal(r.Order, []int{0, 2, 3, 1}) {
		t.Errorf("order %v", r.Order)
	}
}

// The TOPSIS example of G.-H. Tzeng and J.-J. Huang, Multiple Attribute
// Decision Making: Methods and Applications (CRC Press, 2011): four
// options on three benefit criteria, weights .3 .4 .3, vector
// normalisation, closeness .5037 .6581 .7482 .3340 (A3 > A2 > A1 > A4),
// as used by scikit-criteria's test suite (quatrope/scikit-criteria,
// tests/madm/test_similarity.py, test_TOPSIS_tzeng2011multiple, which
// checks the closeness to 1e-4).
func TestTOPSISTzengHuang(t *testing.T) {
	x := [][]float64{{5, 8, 4}, {7, 6, 8}, {8, 8, 6}, {7, 4, 6}}
	r, err := TOPSIS(x, []float64{.3, .4, .3}, []Kind{Benefit, Benefit, Benefit})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{.5037, .6581, .7482, .3340} {
		near(t, "C", r.Closeness[i], want, 1e-4)
	}
	if !slices.Equal(r.Order, []int{2, 1, 0, 3}) {
		t.Errorf("order %v", r.Order)
	}
}

// Rank reversal: TOPSIS ranks A = (3, 5) above B = (7, 2) with equal
// weights; adding C = (1, 5), which A dominates, moves the anti-ideal
// point and the normalisation so that B overtakes A — the known rank
// reversal of TOPSIS (García-Cascales and Lamata, "On rank reversal and
// TOPSIS method", Mathematical and Computer Modelling 56 (2012) 123–132).
func TestTOPSISRankReversal(t *testing.T) {
	w, k := []float64{.5, .5}, []Kind{Benefit, Benefit}
	two, err := TOPSIS([][]float64{{3, 5}, {7, 2}}, w, k)
	if err != nil {
		t.Fatal(err)
	}
	three, err := TOPSIS([][]float64{{3, 5}, {7, 2}, {1, 5}}, w, k)
	if err != nil {
		t.Fatal(err)
	}
	if !(two.Closeness[0] > two.Closeness[1]) {
		t.Fatalf("without C: A %.4f, B %.4f; want A first", two.Closeness[0], two.Closeness[1])
	}
	if !(three.Closeness[1] > three.Closeness[0]) {
		t.Fatalf("with C: A %.4f, B %.4f; want B first", three.Closeness[0], three.Closeness[1])
	}
	near(t, "C(A) without C", two.Closeness[0], 0.514719, 1e-6)
	near(t, "C(B) with C", three.Closeness[1], 0.656756, 1e-6)
}

func TestTOPSISTiesAndCosts(t *testing.T) {
	r, err := TOPSIS([][]float64{{4, 4}, {4, 4}}, []float64{.5, .5}, []Kind{Benefit, Cost})
	if err != nil {
		t.Fatal(err)
	}
	if r.Closeness[0] != 0.5 || r.Closeness[1] != 0.5 || !slices.Equal(r.Order, []int{0, 1}) {
		t.Errorf("ties: %+v", r)
	}
	// On a single cost criterion the cheaper option wins.
	r, _ = TOPSIS([][]float64{{10}, {5}}, []float64{1}, []Kind{Cost})
	if r.Order[0] != 1 || r.Closeness[1] != 1 || r.Closeness[0] != 0 {
		t.Errorf("cost: %+v", r)
	}
	if _, err := TOPSIS([][]float64{{1, 2}}, []float64{1}, []Kind{Benefit}); err == nil {
		t.Error("a row longer than the criteria was accepted")
	}
}

// The sensitivity interval of a weight ends exactly where the top option
// changes: at the ends TOPSIS is checked on both sides.
func TestSensitivityFindsTheSwitch(t *testing.T) {
	x := [][]float64{{9, 2}, {3, 8}, {5, 5}}
	w, k := []float64{0.6, 0.4}, []Kind{Benefit, Benefit}
	rs, err := Sensitivity(x, w, k)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := TOPSIS(x, w, k)
	top := base.Order[0]
	for _, wr := range rs {
		if !(wr.Low <= wr.Weight && wr.Weight <= wr.High) {
			t.Errorf("criterion %d: %v outside [%v, %v]", wr.Criterion, wr.Weight, wr.Low, wr.High)
		}
		for _, end := range []struct {
			at, step float64
			other    int
		}{{wr.Low, -1e-4, wr.BelowTop}, {wr.High, 1e-4, wr.AboveTop}} {
			if end.other < 0 {
				continue
			}
			in, _ := TOPSIS(x, reweigh(w, wr.Criterion, end.at), k)
			out, _ := TOPSIS(x, reweigh(w, wr.Criterion, end.at+end.step), k)
			if in.Order[0] != top || out.Order[0] != end.other {
				t.Errorf("criterion %d at %.5f: top %d inside, %d outside (want %d, %d)", wr.Criterion, end.at, in.Order[0], out.Order[0], top, end.other)
			}
		}
	}
	if rs[0].BelowTop < 0 {
		t.Error("lowering the first weight never changed the top option")
	}
}

func TestScenarioFundsBestFirst(t *testing.T) {
	s := Scenario{Name: "Базовый", Amounts: []Money{{100, 100, 100}, {50, 0, 0}}}
	costs := []Money{{60, 60, 0}, {50, 50, 0}, {40, 40, 0}, {50, 0, 0}}
	lines := []int{0, 0, 0, 1}
	r := EvaluateScenario(s, Money{120, 100, 100}, []int{1, 0, 2, 3}, costs, lines)
	if !slices.Equal(r.Funded, []int{1, 2, 3}) || !slices.Equal(r.Unfunded, []int{0}) {
		t.Errorf("funded %v unfunded %v", r.Funded, r.Unfunded)
	}
	if r.Totals != (Money{150, 100, 100}) || !r.Over[0] || r.Over[1] || r.Fits() {
		t.Errorf("totals %v over %v", r.Totals, r.Over)
	}
	if r.Left[0] != (Money{10, 10, 100}) {
		t.Errorf("left %v", r.Left[0])
	}
}

// Direct weights are scaled to sum 1; negative, missing or all-zero
// weights are refused field by field.
func TestDirectWeights(t *testing.T) {
	m := Model{Criteria: []Criterion{{Name: "a", Kind: Benefit}, {Name: "b", Kind: Cost}}, Mode: ModeDirect, Direct: []float64{3, 1}}
	w, a, err := m.Weights()
	if err != nil || a != nil || w[0] != 0.75 || w[1] != 0.25 {
		t.Fatalf("weights %v %v %v", w, a, err)
	}
	for _, bad := range [][]float64{{1}, {-1, 2}, {0, 0}} {
		m.Direct = bad
		if _, _, err := m.Weights(); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("direct weights %v accepted: %v", bad, err)
		}
	}
}
