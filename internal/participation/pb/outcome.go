package pb

// Stage says which step of a rule selected a project.
type Stage string

// Stages of selection.
const (
	StageGreedy Stage = "greedy" // greedy by votes
	StageMES    Stage = "mes"    // bought by its supporters under Equal Shares
	StageFill   Stage = "fill"   // added by the greedy fill after Equal Shares
)

// Selection is one winning project and how it was chosen.
type Selection struct {
	Project string
	Cost    int64
	Votes   int
	Stage   Stage
	// RhoNum/RhoDen is the price in kopecks each paying supporter was
	// charged at most (Equal Shares only): supporters with less paid all
	// they had left.
	RhoNum, RhoDen int64
	// Payments maps a voter to what they paid for this project, in
	// kopecks (Equal Shares only); the sum equals Cost.
	Payments map[string]int64
}

// Outcome is the result of a rule on an instance.
type Outcome struct {
	Rule   string // "greedy" or "mes"
	Budget int64
	Spent  int64
	// Share is each voter's endowment in the Equal Shares run that was
	// kept, after the completion raised it (kopecks); zero for greedy.
	Share int64
	// Runs counts the Equal Shares runs the completion made.
	Runs     int
	Selected []Selection
}

// Winners returns the ids of the selected projects in selection order.
func (o Outcome) Winners() []string {
	out := make([]string, len(o.Selected))
	for i, s := range o.Selected {
		out[i] = s.Project
	}
	return out
}

// Won reports whether project id is among the winners.
func (o Outcome) Won(id string) bool {
	for _, s := range o.Selected {
		if s.Project == id {
			return true
		}
	}
	return false
}
