package participation

import (
	"slices"
	"time"
)

// PollKind is how a poll is answered.
type PollKind string

// The poll kinds.
const (
	PollSingle  PollKind = "single"  // one option
	PollMulti   PollKind = "multi"   // up to MaxChoices options (k of n)
	PollRanking PollKind = "ranking" // up to MaxChoices options in order of preference
	PollText    PollKind = "text"    // a free-text answer
)

// PollKinds lists the kinds.
func PollKinds() []PollKind { return []PollKind{PollSingle, PollMulti, PollRanking, PollText} }

// Valid reports whether k is known.
func (k PollKind) Valid() bool { return slices.Contains(PollKinds(), k) }

// Poll is one question put to residents within a process; several polls
// of a process make a survey.
type Poll struct {
	ID         string    `json:"id"`
	ProcessID  string    `json:"process_id"`
	TenantID   string    `json:"tenant_id"`
	Kind       PollKind  `json:"kind"`
	Question   string    `json:"question"`
	Options    []string  `json:"options,omitempty"`
	MaxChoices int       `json:"max_choices"`
	Live       bool      `json:"live"` // results shown while it is open
	ClosesAt   time.Time `json:"closes_at"`
	Demo       bool      `json:"demo"`
	CreatedAt  time.Time `json:"created_at"`
}

// Open reports whether the poll takes answers at t.
func (p Poll) Open(t time.Time) bool { return t.Before(p.ClosesAt) }

// PollInput is what an administrator gives to create a poll.
type PollInput struct {
	Kind       PollKind  `json:"kind"`
	Question   string    `json:"question"`
	Options    []string  `json:"options"`
	MaxChoices int       `json:"max_choices"` // multi and ranking; all options when zero
	Live       bool      `json:"live"`
	ClosesAt   time.Time `json:"closes_at"`
}

// PollAnswer is one person's response: option positions (1-based; in
// order of preference for a ranking) or a text.
type PollAnswer struct {
	Choices []int  `json:"choices"`
	Text    string `json:"text"`
}

// OptionResult is one option's tally.
type OptionResult struct {
	Position int    `json:"position"`
	Label    string `json:"label"`
	Votes    int    `json:"votes"`   // responses choosing it (first preferences for a ranking)
	Percent  int    `json:"percent"` // of responses
	Points   int    `json:"points"`  // ranking only: Borda points, n-1 for a first place … 0 for the last
}

// PollResults are a poll's tally. Texts are shown to officials only: free
// text may name people.
type PollResults struct {
	Poll      Poll           `json:"poll"`
	Responses int            `json:"responses"`
	Options   []OptionResult `json:"options,omitempty"`
	Texts     []string       `json:"texts,omitempty"`
	Final     bool           `json:"final"` // the poll has closed
}

// Limits on polls.
const (
	maxQuestion   = 500
	maxOption     = 200
	maxOptions    = 20
	maxPollText   = 2000
	minPollOption = 2
)
