package participation

import (
	"slices"
	"time"
)

// PhaseKind is what a phase of a process is for.
type PhaseKind string

// The phase kinds, in their usual order.
const (
	PhaseInformation    PhaseKind = "information"
	PhaseProposals      PhaseKind = "proposals"
	PhaseReview         PhaseKind = "review"
	PhaseVoting         PhaseKind = "voting"
	PhaseImplementation PhaseKind = "implementation"
	PhaseClosed         PhaseKind = "closed"
)

// PhaseKinds lists every phase kind in order.
func PhaseKinds() []PhaseKind {
	return []PhaseKind{PhaseInformation, PhaseProposals, PhaseReview, PhaseVoting, PhaseImplementation, PhaseClosed}
}

// Valid reports whether k is a known kind.
func (k PhaseKind) Valid() bool { return slices.Contains(PhaseKinds(), k) }

// Action is something a person may do in a phase.
type Action string

// The actions a phase's permission matrix can allow.
const (
	ActionSupport Action = "support" // support a proposal
	ActionComment Action = "comment" // comment on a proposal
	ActionPropose Action = "propose" // make a proposal
	ActionVote    Action = "vote"    // cast a ballot
	ActionAnswer  Action = "answer"  // answer a poll
)

// Actions lists every action.
func Actions() []Action {
	return []Action{ActionSupport, ActionComment, ActionPropose, ActionVote, ActionAnswer}
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return slices.Contains(Actions(), a) }

// Level is how well a person must be known to act.
type Level string

// The verification levels, weakest first.
const (
	// LevelAccount: any signed-in person; territory is checked against the
	// home they declared on their account.
	LevelAccount Level = "account"
	// LevelVerified: a residence (and birth date) verified by an official,
	// the census or the identity provider.
	LevelVerified Level = "verified"
)

// Levels lists every level, weakest first.
func Levels() []Level { return []Level{LevelAccount, LevelVerified} }

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return slices.Contains(Levels(), l) }

// Permission is one row of a phase's matrix: the action is allowed to
// people known at Level, living under the territory node, at least MinAge
// years old on the phase's last day. An action with no row is not allowed
// in the phase.
type Permission struct {
	Action          Action `json:"action"`
	Level           Level  `json:"level"`
	TerritoryNodeID string `json:"territory_node_id"` // the municipality or one of its districts
	TerritoryPath   string `json:"territory_path"`
	MinAge          int    `json:"min_age"`
}

// Phase is one period of a process, [StartsAt, EndsAt).
type Phase struct {
	ID          string       `json:"id"`
	ProcessID   string       `json:"process_id"`
	Kind        PhaseKind    `json:"kind"`
	Position    int          `json:"position"`
	StartsAt    time.Time    `json:"starts_at"`
	EndsAt      time.Time    `json:"ends_at"`
	Permissions []Permission `json:"permissions"`
}

// Running reports whether the phase is open at t.
func (p Phase) Running(t time.Time) bool { return !t.Before(p.StartsAt) && t.Before(p.EndsAt) }

// Permission returns the phase's row for the action, if any.
func (p Phase) Permission(a Action) (Permission, bool) {
	for _, x := range p.Permissions {
		if x.Action == a {
			return x, true
		}
	}
	return Permission{}, false
}

// Process is a participatory process of one municipality.
type Process struct {
	ID          string `json:"id"`
	TenantID    string `json:"tenant_id"` // the municipality
	TenantPath  string `json:"tenant_path"`
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// ThresholdBP is the support a proposal needs, in basis points of the
	// population of its territory: 100 is 1 %.
	ThresholdBP int `json:"threshold_bp"`
	// FlagLimit is how many flags hide a proposal or comment until a
	// moderator looks at it.
	FlagLimit int       `json:"flag_limit"`
	Demo      bool      `json:"demo"`
	CreatedAt time.Time `json:"created_at"`
	Phases    []Phase   `json:"phases"`
}

// Current returns the phase running at t, if any (the first by position
// when phases overlap).
func (p Process) Current(t time.Time) (Phase, bool) {
	for _, ph := range p.Phases {
		if ph.Running(t) {
			return ph, true
		}
	}
	return Phase{}, false
}

// Running returns the phase running at t, nil when none: Current for
// templates.
func (p Process) Running(t time.Time) *Phase {
	if ph, ok := p.Current(t); ok {
		return &ph
	}
	return nil
}

// Threshold is the number of supports a proposal in a territory of the
// given population needs: ThresholdBP of it, rounded up, at least 1.
func (p Process) Threshold(population int64) int64 {
	n := (population*int64(p.ThresholdBP) + 9999) / 10000
	return max(n, 1)
}
