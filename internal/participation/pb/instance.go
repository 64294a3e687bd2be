package pb

import (
	"errors"
	"fmt"
	"sort"
)

// Project is one thing a budget may pay for.
type Project struct {
	ID   string // stable identifier, unique within the instance
	Name string
	Cost int64 // kopecks, > 0
}

// Instance is one budget: its limit, its projects and the rules of its ballot.
type Instance struct {
	Budget   int64 // kopecks, > 0
	Projects []Project
	Rules    Rules
	// Meta carries descriptive Pabulib META keys (description, country,
	// unit, instance, date_begin, …) not implied by the fields above.
	Meta map[string]string
}

// Vote is one voter's ballot: the projects they approve of.
type Vote struct {
	Voter    string // pseudonymous identifier, unique within the instance
	Projects []string
}

// Errors of an instance or a ballot; the concrete error wraps one of these.
var (
	ErrInvalidInstance = errors.New("pb: invalid instance")
	ErrInvalidBallot   = errors.New("pb: invalid ballot")
)

// Validate reports the first structural problem of the instance.
func (in *Instance) Validate() error {
	if in.Budget <= 0 {
		return fmt.Errorf("%w: budget must be positive", ErrInvalidInstance)
	}
	seen := make(map[string]bool, len(in.Projects))
	for _, p := range in.Projects {
		if p.ID == "" {
			return fmt.Errorf("%w: project without id", ErrInvalidInstance)
		}
		if seen[p.ID] {
			return fmt.Errorf("%w: project %q twice", ErrInvalidInstance, p.ID)
		}
		seen[p.ID] = true
		if p.Cost <= 0 {
			return fmt.Errorf("%w: project %q: cost must be positive", ErrInvalidInstance, p.ID)
		}
	}
	return in.Rules.validate()
}

// index maps project id to its position in in.Projects.
func (in *Instance) index() map[string]int {
	m := make(map[string]int, len(in.Projects))
	for i, p := range in.Projects {
		m[p.ID] = i
	}
	return m
}

// Project returns the project with the given id.
func (in *Instance) Project(id string) (Project, bool) {
	for _, p := range in.Projects {
		if p.ID == id {
			return p, true
		}
	}
	return Project{}, false
}

// Counts returns the number of approvals of every project, by index in
// in.Projects. Votes naming unknown projects count for nothing.
func (in *Instance) Counts(votes []Vote) []int {
	idx := in.index()
	counts := make([]int, len(in.Projects))
	for _, v := range votes {
		for _, id := range v.Projects {
			if i, ok := idx[id]; ok {
				counts[i]++
			}
		}
	}
	return counts
}

// approvers returns, for every project index, the indexes of the votes
// approving it, each voter at most once per project.
func (in *Instance) approvers(votes []Vote) [][]int {
	idx := in.index()
	out := make([][]int, len(in.Projects))
	for vi, v := range votes {
		seen := map[int]bool{}
		for _, id := range v.Projects {
			if i, ok := idx[id]; ok && !seen[i] {
				seen[i] = true
				out[i] = append(out[i], vi)
			}
		}
	}
	return out
}

// order returns project indexes in the documented greedy order: more votes
// first, then the cheaper project, then the smaller id (byte order).
func (in *Instance) order(counts []int) []int {
	ord := make([]int, len(in.Projects))
	for i := range ord {
		ord[i] = i
	}
	sort.SliceStable(ord, func(a, b int) bool { return in.less(counts, ord[a], ord[b]) })
	return ord
}

// less is the tie-breaking order of both rules: more votes, lower cost,
// smaller id.
func (in *Instance) less(counts []int, a, b int) bool {
	if counts[a] != counts[b] {
		return counts[a] > counts[b]
	}
	pa, pb := in.Projects[a], in.Projects[b]
	if pa.Cost != pb.Cost {
		return pa.Cost < pb.Cost
	}
	return pa.ID < pb.ID
}
