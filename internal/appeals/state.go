package appeals

import (
	"slices"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// Regime says which rules an item follows.
type Regime string

// The two regimes.
const (
	RegimeAppeal Regime = "appeal" // a formal appeal under 59-FZ
	RegimeReport Regime = "report" // an issue report under a category SLA
)

// State is where an appeal or report stands.
type State string

// The states. Appeals end answered; reports end fixed or closed-not-fixed.
const (
	Received       State = "received"
	Registered     State = "registered"
	Assigned       State = "assigned"
	InProgress     State = "in_progress"
	Extended       State = "extended" // answer deadline extended once (art. 12 p. 2)
	Answered       State = "answered"
	Fixed          State = "fixed"
	ClosedNotFixed State = "closed_not_fixed"
	Redirected     State = "redirected" // sent to the competent body (art. 8 p. 3)
	Returned       State = "returned"   // returned to the author (art. 11 p. 2)
	NoAnswer       State = "no_answer"  // left unanswered for an art. 11 reason
	Reopened       State = "reopened"
)

// States lists every state in workflow order.
func States() []State {
	return []State{Received, Registered, Assigned, InProgress, Extended, Answered, Fixed, ClosedNotFixed,
		Redirected, Returned, NoAnswer, Reopened}
}

// Closed reports whether work on an item in s has ended.
func (s State) Closed() bool {
	switch s {
	case Answered, Fixed, ClosedNotFixed, Redirected, Returned, NoAnswer:
		return true
	}
	return false
}

// Action is a step of the workflow.
type Action string

// The actions.
const (
	ActRegister      Action = "register"
	ActAssign        Action = "assign"
	ActStart         Action = "start"
	ActExtend        Action = "extend"
	ActAnswer        Action = "answer"
	ActFix           Action = "fix"
	ActCloseNotFixed Action = "close_not_fixed"
	ActRedirect      Action = "redirect"
	ActReturn        Action = "return"
	ActNoAnswer      Action = "no_answer"
	ActReopen        Action = "reopen"
)

// transition is one row of the state machine: from which states an action
// may be taken, where it leads, and for which regime ("" = both).
type transition struct {
	from   []State
	to     State
	regime Regime
}

var transitions = map[Action]transition{
	ActRegister:      {[]State{Received}, Registered, ""},
	ActAssign:        {[]State{Registered, Assigned, InProgress, Extended, Reopened}, Assigned, ""},
	ActStart:         {[]State{Assigned, Reopened}, InProgress, ""},
	ActExtend:        {[]State{Assigned, InProgress}, Extended, RegimeAppeal},
	ActAnswer:        {[]State{InProgress, Extended}, Answered, RegimeAppeal},
	ActFix:           {[]State{InProgress}, Fixed, RegimeReport},
	ActCloseNotFixed: {[]State{InProgress}, ClosedNotFixed, RegimeReport},
	ActRedirect:      {[]State{Registered, Assigned}, Redirected, RegimeAppeal},
	ActReturn:        {[]State{Received, Registered}, Returned, RegimeAppeal},
	ActNoAnswer:      {[]State{Registered, Assigned, InProgress, Extended}, NoAnswer, RegimeAppeal},
	ActReopen:        {[]State{Answered, Fixed, ClosedNotFixed, NoAnswer}, Reopened, ""},
	// Steps that keep the state (to ""): routing out of triage, and an
	// information request and its arrival (routing.go, inforequest.go).
	ActRoute:        {[]State{Received, Registered, Assigned, InProgress, Extended, Reopened}, "", ""},
	ActInfoRequest:  {[]State{Registered, Assigned, InProgress, Extended, Reopened}, "", RegimeAppeal},
	ActInfoReceived: {[]State{Registered, Assigned, InProgress, Extended, Reopened}, "", RegimeAppeal},
}

// Next is the state an action leads to from from, or a conflict error when
// the workflow does not allow it.
func Next(regime Regime, from State, act Action) (State, error) {
	t, ok := transitions[act]
	if !ok || (t.regime != "" && t.regime != regime) || !slices.Contains(t.from, from) {
		return "", &fault.Error{Kind: ErrConflict, Type: "appeal-transition", Key: "appeals.error.transition",
			Args: map[string]any{"action": string(act), "state": string(from)}}
	}
	if t.to == "" {
		return from, nil
	}
	return t.to, nil
}

// Actions lists what may be done next to an item of regime in state from.
func Actions(regime Regime, from State) []Action {
	var out []Action
	for _, a := range []Action{ActRegister, ActAssign, ActStart, ActExtend, ActAnswer, ActFix, ActCloseNotFixed,
		ActRedirect, ActReturn, ActNoAnswer, ActReopen, ActRoute, ActInfoRequest, ActInfoReceived} {
		if _, err := Next(regime, from, a); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// The reasons of 59-FZ art. 11 for which an appeal gets no answer on its merits.
const (
	ReasonAnonymous   = "anonymous"    // art. 11 p. 1
	ReasonObscene     = "obscene"      // art. 11 p. 3
	ReasonUnreadable  = "unreadable"   // art. 11 p. 4
	ReasonRepeated    = "repeated"     // art. 11 p. 5
	ReasonStateSecret = "state_secret" // art. 11 p. 6
)

// NoAnswerReasons lists the art. 11 reasons in the law's order.
func NoAnswerReasons() []string {
	return []string{ReasonAnonymous, ReasonObscene, ReasonUnreadable, ReasonRepeated, ReasonStateSecret}
}
