package decisions

// WeightRange is how far one criterion's weight may move, the others
// rescaled in proportion so the weights still sum to 1, before the top
// option of the TOPSIS ranking changes.
type WeightRange struct {
	Criterion int     `json:"criterion"`
	Weight    float64 `json:"weight"` // the present weight
	Low       float64 `json:"low"`    // the stable interval around Weight, within [0, 1]
	High      float64 `json:"high"`
	// BelowTop and AboveTop are the options that take first place just
	// below Low and just above High; -1 when the end is 0 or 1 (no change).
	BelowTop int `json:"below_top"`
	AboveTop int `json:"above_top"`
}

// sensitivitySteps is the scan resolution over [0, 1]; each change found
// is then narrowed by bisection to 1e-6.
const sensitivitySteps = 200

// Sensitivity computes, for each criterion, the interval of its weight
// over which the best option stays the best.
func Sensitivity(x [][]float64, w []float64, kinds []Kind) ([]WeightRange, error) {
	base, err := TOPSIS(x, w, kinds)
	if err != nil {
		return nil, err
	}
	top := base.Order[0]
	out := make([]WeightRange, len(w))
	for j := range w {
		topAt := func(v float64) int {
			r, err := TOPSIS(x, reweigh(w, j, v), kinds)
			if err != nil {
				return -1
			}
			return r.Order[0]
		}
		wr := WeightRange{Criterion: j, Weight: w[j], Low: 0, High: 1, BelowTop: -1, AboveTop: -1}
		// Walk down from the present weight, then up.
		for k := 1; k <= sensitivitySteps; k++ {
			v := w[j] - w[j]*float64(k)/sensitivitySteps
			if t := topAt(v); t != top {
				wr.Low, wr.BelowTop = narrow(topAt, top, v, v+w[j]/sensitivitySteps), t
				break
			}
		}
		for k := 1; k <= sensitivitySteps; k++ {
			v := w[j] + (1-w[j])*float64(k)/sensitivitySteps
			if t := topAt(v); t != top {
				wr.High, wr.AboveTop = narrow(topAt, top, v, v-(1-w[j])/sensitivitySteps), t
				break
			}
		}
		out[j] = wr
	}
	return out, nil
}

// narrow bisects between changed (where the top differs) and kept (where
// it is top) and returns the last weight that keeps top.
func narrow(topAt func(float64) int, top int, changed, kept float64) float64 {
	for i := 0; i < 40; i++ {
		mid := (changed + kept) / 2
		if topAt(mid) == top {
			kept = mid
		} else {
			changed = mid
		}
	}
	return kept
}

// reweigh sets weight j to v and scales the others so the sum stays 1;
// when the others are all zero they share 1 − v equally.
func reweigh(w []float64, j int, v float64) []float64 {
	out := make([]float64, len(w))
	rest := 1 - w[j]
	for i := range w {
		switch {
		case i == j:
			out[i] = v
		case rest > 1e-12:
			out[i] = w[i] * (1 - v) / rest
		default:
			out[i] = (1 - v) / float64(len(w)-1)
		}
	}
	return out
}
