package decisions

// PlanYears is the length of the budget plan: the coming year and the
// two planning years of a municipal budget.
const PlanYears = 3

// Money is an amount in kopecks for each year of the plan.
type Money [PlanYears]int64

// Total is the sum over the plan.
func (m Money) Total() int64 { return m[0] + m[1] + m[2] }

// Scenario is one what-if: how much each budget line gets in each year.
type Scenario struct {
	Name    string  `json:"name"`
	Amounts []Money `json:"amounts"` // one per budget line
}

// ScenarioResult is a scenario checked against the available budget and
// filled with options best-ranked first.
type ScenarioResult struct {
	Scenario  Scenario
	Totals    Money // the scenario's lines summed per year
	Available Money
	Over      [PlanYears]bool // the lines ask for more than is available
	Funded    []int           // options that fit, in rank order
	Unfunded  []int           // options that do not fit
	Left      []Money         // what remains on each line
}

// Fits reports whether the scenario stays within the available budget
// in every year.
func (r ScenarioResult) Fits() bool { return !r.Over[0] && !r.Over[1] && !r.Over[2] }

// EvaluateScenario totals s's lines per year against available and funds
// the options in order (best first): an option fits when its line still
// holds its cost in every year; it then takes that money.
func EvaluateScenario(s Scenario, available Money, order []int, costs []Money, lines []int) ScenarioResult {
	r := ScenarioResult{Scenario: s, Available: available, Left: make([]Money, len(s.Amounts))}
	copy(r.Left, s.Amounts)
	for _, m := range s.Amounts {
		for y := range PlanYears {
			r.Totals[y] += m[y]
		}
	}
	for y := range PlanYears {
		r.Over[y] = r.Totals[y] > available[y]
	}
	for _, o := range order {
		l := lines[o]
		fits := l >= 0 && l < len(r.Left)
		for y := 0; fits && y < PlanYears; y++ {
			fits = costs[o][y] <= r.Left[l][y]
		}
		if !fits {
			r.Unfunded = append(r.Unfunded, o)
			continue
		}
		for y := range PlanYears {
			r.Left[l][y] -= costs[o][y]
		}
		r.Funded = append(r.Funded, o)
	}
	return r
}
