package pb

// Greedy selects projects by votes, most first, skipping any that no longer
// fits in what is left of the budget — the rule CONSUL and most cities use.
// Ties are broken by lower cost, then by smaller id. A project nobody voted
// for is never selected.
func Greedy(in *Instance, votes []Vote) Outcome {
	counts := in.Counts(votes)
	out := Outcome{Rule: "greedy", Budget: in.Budget}
	for _, i := range in.order(counts) {
		p := in.Projects[i]
		if counts[i] == 0 || out.Spent+p.Cost > in.Budget {
			continue
		}
		out.Spent += p.Cost
		out.Selected = append(out.Selected, Selection{Project: p.ID, Cost: p.Cost, Votes: counts[i], Stage: StageGreedy})
	}
	return out
}
