package participation

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// AnswerState is the administration's official answer to a proposal.
type AnswerState string

// The answers.
const (
	AnswerNone       AnswerState = ""
	AnswerEvaluating AnswerState = "evaluating"
	AnswerAccepted   AnswerState = "accepted"
	AnswerRejected   AnswerState = "rejected"
)

// AnswerStates lists the answers an official may give.
func AnswerStates() []AnswerState {
	return []AnswerState{AnswerEvaluating, AnswerAccepted, AnswerRejected}
}

// Moderation is where a flagged item stands.
type Moderation string

// The moderation states: visible items are "" and kept.
const (
	ModerationNone    Moderation = ""
	ModerationPending Moderation = "pending" // hidden by flags until a moderator looks
	ModerationKept    Moderation = "kept"    // a moderator kept it; flags no longer hide it
	ModerationRemoved Moderation = "removed"
)

// Visible reports whether the public sees the item.
func (m Moderation) Visible() bool { return m == ModerationNone || m == ModerationKept }

// Proposal is a resident's proposal within a process.
type Proposal struct {
	ID              string      `json:"id"`
	ProcessID       string      `json:"process_id"`
	TenantID        string      `json:"tenant_id"`
	TerritoryNodeID string      `json:"territory_node_id"`
	TerritoryPath   string      `json:"-"`
	AuthorID        string      `json:"-"`
	AuthorName      string      `json:"author"` // masked: "Анна П."
	Title           string      `json:"title"`
	Body            string      `json:"body"`
	Supports        int64       `json:"supports"`
	Threshold       int64       `json:"threshold"`
	ReachedAt       *time.Time  `json:"reached_at,omitempty"`
	Flags           int         `json:"-"`
	Moderation      Moderation  `json:"-"`
	AnswerState     AnswerState `json:"answer_state,omitempty"`
	Answer          string      `json:"answer,omitempty"`
	AnsweredAt      *time.Time  `json:"answered_at,omitempty"`
	Demo            bool        `json:"demo"`
	CreatedAt       time.Time   `json:"created_at"`
}

// Percent is how far the supports are towards the threshold, 0..100.
func (p Proposal) Percent() int {
	if p.Threshold <= 0 {
		return 100
	}
	return int(min(100, p.Supports*100/p.Threshold))
}

// ProposalInput is what a resident gives to make a proposal.
type ProposalInput struct {
	Title           string `json:"title"`
	Body            string `json:"body"`
	TerritoryNodeID string `json:"territory_node_id"` // "" for the whole municipality
}

// Limits on proposals and comments.
const (
	minTitle       = 5
	maxProposal    = 10000
	maxComment     = 3000
	maxReason      = 300
	maxAnswer      = 5000
	maxCommentTree = 6 // replies nest this deep, then attach to the deepest
)

func (in *ProposalInput) normalize() {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Body = strings.TrimSpace(in.Body)
	in.TerritoryNodeID = strings.TrimSpace(in.TerritoryNodeID)
}

func (in ProposalInput) validate() map[string]string {
	bad := map[string]string{}
	checkText(bad, "title", in.Title, maxTitle, true)
	if bad["title"] == "" && utf8.RuneCountInString(in.Title) < minTitle {
		bad["title"] = "participation.field.too_short"
	}
	checkText(bad, "body", in.Body, maxProposal, true)
	return bad
}

// Stance is how a comment stands towards the proposal.
type Stance string

// The stances.
const (
	StanceFor     Stance = "for"
	StanceAgainst Stance = "against"
	StanceNeutral Stance = "neutral"
)

// Stances lists the stances.
func Stances() []Stance { return []Stance{StanceFor, StanceAgainst, StanceNeutral} }

// Comment is one comment in a proposal's thread.
type Comment struct {
	ID         string     `json:"id"`
	ProposalID string     `json:"proposal_id"`
	ParentID   string     `json:"parent_id,omitempty"`
	Depth      int        `json:"depth"`
	AuthorID   string     `json:"-"`
	AuthorName string     `json:"author"` // masked
	Stance     Stance     `json:"stance"`
	Body       string     `json:"body"`
	Flags      int        `json:"-"`
	Moderation Moderation `json:"-"`
	Demo       bool       `json:"demo"`
	CreatedAt  time.Time  `json:"created_at"`
}

// CommentInput is what a person gives to comment.
type CommentInput struct {
	ParentID string `json:"parent_id"`
	Stance   Stance `json:"stance"`
	Body     string `json:"body"`
}

// MaskName keeps a person's first name and the initial of the rest:
// "Анна Петрова" → "Анна П.". Public pages show no full names.
func MaskName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	out := f[0]
	for _, w := range f[1:] {
		r, _ := utf8.DecodeRuneInString(w)
		out += " " + string(r) + "."
	}
	return out
}

// Order is how a proposal list is sorted.
type Order string

// The orders.
const (
	OrderNew Order = "new" // newest first
	OrderTop Order = "top" // most supported first
)

// Valid reports whether o is known.
func (o Order) Valid() bool { return slices.Contains([]Order{OrderNew, OrderTop}, o) }
