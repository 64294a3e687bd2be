package pb

import (
	"fmt"
)

// Kind is the type of ballot a voter fills in.
type Kind string

// Ballot kinds.
const (
	// Approval: pick between MinProjects and MaxProjects projects (k-of-n).
	Approval Kind = "approval"
	// Knapsack: pick projects whose costs add up to at most Limit, and at
	// least MinSpendPercent of it when that is set.
	Knapsack Kind = "knapsack"
)

// Rules say what a valid ballot looks like.
type Rules struct {
	Kind Kind
	// MinProjects and MaxProjects bound the number of projects chosen;
	// zero means no bound (an empty ballot is never valid).
	MinProjects, MaxProjects int
	// Limit is the knapsack's capacity in kopecks; zero means the budget.
	Limit int64
	// MinSpendPercent (0–100) is the share of Limit a knapsack ballot must
	// at least spend.
	MinSpendPercent int
}

func (r Rules) validate() error {
	switch r.Kind {
	case Approval, Knapsack:
	default:
		return fmt.Errorf("%w: unknown ballot kind %q", ErrInvalidInstance, r.Kind)
	}
	if r.MinProjects < 0 || r.MaxProjects < 0 || (r.MaxProjects > 0 && r.MinProjects > r.MaxProjects) {
		return fmt.Errorf("%w: project bounds %d..%d", ErrInvalidInstance, r.MinProjects, r.MaxProjects)
	}
	if r.Limit < 0 || r.MinSpendPercent < 0 || r.MinSpendPercent > 100 {
		return fmt.Errorf("%w: limit %d, minimum spend %d%%", ErrInvalidInstance, r.Limit, r.MinSpendPercent)
	}
	return nil
}

// BallotError says why a ballot is not valid; Code is a stable token the
// web layer turns into a message.
type BallotError struct {
	Code    string // empty, unknown_project, duplicate, too_few, too_many, over_limit, under_minimum
	Project string // the project concerned, when one is
	Sum     int64  // the ballot's total cost (knapsack)
	Bound   int64  // the bound it broke
}

func (e *BallotError) Error() string {
	return fmt.Sprintf("pb: invalid ballot: %s %s (sum %d, bound %d)", e.Code, e.Project, e.Sum, e.Bound)
}

// Unwrap makes errors.Is(err, ErrInvalidBallot) true.
func (e *BallotError) Unwrap() error { return ErrInvalidBallot }

// LimitOf returns the knapsack capacity of the instance's ballot.
func (in *Instance) LimitOf() int64 {
	if in.Rules.Limit > 0 {
		return in.Rules.Limit
	}
	return in.Budget
}

// MinSpend returns the least a knapsack ballot must spend, in kopecks
// (rounded up, so a ballot spending exactly the percentage passes).
func (in *Instance) MinSpend() int64 {
	if in.Rules.Kind != Knapsack || in.Rules.MinSpendPercent == 0 {
		return 0
	}
	l := in.LimitOf()
	return (l*int64(in.Rules.MinSpendPercent) + 99) / 100
}

// Check reports whether projects is a valid ballot for this instance, and
// returns the ballot's total cost.
func (in *Instance) Check(projects []string) (int64, error) {
	if len(projects) == 0 {
		return 0, &BallotError{Code: "empty"}
	}
	idx := in.index()
	seen := make(map[string]bool, len(projects))
	var sum int64
	for _, id := range projects {
		i, ok := idx[id]
		if !ok {
			return 0, &BallotError{Code: "unknown_project", Project: id}
		}
		if seen[id] {
			return 0, &BallotError{Code: "duplicate", Project: id}
		}
		seen[id] = true
		sum += in.Projects[i].Cost
	}
	r := in.Rules
	n := len(projects)
	if r.MinProjects > 0 && n < r.MinProjects {
		return sum, &BallotError{Code: "too_few", Sum: int64(n), Bound: int64(r.MinProjects)}
	}
	if r.MaxProjects > 0 && n > r.MaxProjects {
		return sum, &BallotError{Code: "too_many", Sum: int64(n), Bound: int64(r.MaxProjects)}
	}
	if r.Kind == Knapsack {
		if l := in.LimitOf(); sum > l {
			return sum, &BallotError{Code: "over_limit", Sum: sum, Bound: l}
		}
		if m := in.MinSpend(); sum < m {
			return sum, &BallotError{Code: "under_minimum", Sum: sum, Bound: m}
		}
	}
	return sum, nil
}
