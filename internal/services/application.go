package services

import (
	"slices"
	"time"
)

// State is where an application stands.
type State string

// The states of an application.
const (
	StateDraft     State = "draft"     // the resident is filling it in
	StateSubmitted State = "submitted" // sent, waiting for an official to accept it
	StateInWork    State = "in_work"   // accepted and being considered
	StateAwaiting  State = "awaiting_documents"
	StateApproved  State = "approved" // the result is issued
	StateRefused   State = "refused"
)

// States lists every state in workflow order.
func States() []State {
	return []State{StateDraft, StateSubmitted, StateInWork, StateAwaiting, StateApproved, StateRefused}
}

// Closed reports whether the application is decided.
func (s State) Closed() bool { return s == StateApproved || s == StateRefused }

// Open reports whether officials still work on it.
func (s State) Open() bool { return s == StateSubmitted || s == StateInWork || s == StateAwaiting }

// Action is a step of the workflow.
type Action string

// The steps: the applicant's and the officials'.
const (
	ActCreate  Action = "create"  // a draft is started (by hand or from an offer)
	ActSubmit  Action = "submit"  // the applicant sends it
	ActAccept  Action = "accept"  // an official takes it into work
	ActRequest Action = "request" // an official asks for a missing document
	ActProvide Action = "provide" // the applicant uploads what was asked
	ActApprove Action = "approve" // the result is issued
	ActRefuse  Action = "refuse"  // refused with a reason
)

// staffActions are the steps an official takes, in the order the page
// offers them.
var staffActions = []Action{ActAccept, ActRequest, ActApprove, ActRefuse}

// transitions: from which states each step may be taken, and where it leads.
var transitions = map[Action]struct {
	from []State
	to   State
}{
	ActSubmit:  {[]State{StateDraft}, StateSubmitted},
	ActAccept:  {[]State{StateSubmitted}, StateInWork},
	ActRequest: {[]State{StateSubmitted, StateInWork}, StateAwaiting},
	ActProvide: {[]State{StateAwaiting}, StateInWork},
	ActApprove: {[]State{StateInWork}, StateApproved},
	ActRefuse:  {[]State{StateSubmitted, StateInWork, StateAwaiting}, StateRefused},
}

// Next is the state a step leads to from s, and whether it is allowed.
func Next(s State, act Action) (State, bool) {
	t, ok := transitions[act]
	if !ok || !slices.Contains(t.from, s) {
		return s, false
	}
	return t.to, true
}

// Application is a resident's application for one service.
type Application struct {
	ID            string    `json:"id"`
	TenantID      string    `json:"municipality_id"`
	ServiceID     string    `json:"service_id"`
	ServiceCode   string    `json:"service_code"`
	ServiceName   string    `json:"service_name"`
	DepartmentID  string    `json:"department_id,omitempty"`
	TenantPath    string    `json:"-"`
	ApplicantID   string    `json:"applicant_id"`
	ApplicantName string    `json:"applicant_name"`
	Number        string    `json:"number,omitempty"` // given at submission
	State         State     `json:"state"`
	Values        Values    `json:"values"`
	Files         []File    `json:"files"`
	Created       time.Time `json:"created_at"`
	Updated       time.Time `json:"updated_at"`
	Submitted     time.Time `json:"submitted_at,omitzero"`
	Due           time.Time `json:"due_at,omitzero"`    // the deadline, lengthened by every ended suspension of the term
	Calendar      string    `json:"calendar,omitempty"` // the production calendar the deadline was counted with
	Term          Term      `json:"term,omitzero"`      // the service's term when it was submitted, which the deadline counts
	Paused        time.Time `json:"paused_at,omitzero"` // since when its term is suspended; zero while it runs
	Decided       time.Time `json:"decided_at,omitzero"`
	RefusalCode   string    `json:"refusal_code,omitempty"`
	Request       string    `json:"document_request,omitempty"` // what the official last asked for
	Note          string    `json:"note,omitempty"`             // the decision's text
	Source        string    `json:"source,omitempty"`           // "offer" when started from a proactive offer
	History       []Step    `json:"history,omitempty"`
	Pauses        []Pause   `json:"pauses,omitempty"` // the suspensions of its term, in order
	Basis         string    `json:"-"`                // the service's legal basis, which sets the deadline
}

// Overdue reports whether an open application is past its deadline. One
// whose term is suspended is not, unless the deadline had passed before
// the suspension began.
func (a Application) Overdue(now time.Time) bool {
	return a.State.Open() && late(a.Due, a.Paused, now)
}

// Suspended reports whether its term is suspended now.
func (a Application) Suspended() bool { return !a.Paused.IsZero() }

// RunningDue is the deadline a work queue sorts and flags by: none while
// the term is suspended in time (it will move when the applicant
// answers), the deadline otherwise.
func (a Application) RunningDue() time.Time {
	if a.Suspended() && !a.Paused.After(a.Due) {
		return time.Time{}
	}
	return a.Due
}

// File returns the stored file of a field.
func (a Application) File(field string) (File, bool) {
	for _, f := range a.Files {
		if f.Field == field {
			return f, true
		}
	}
	return File{}, false
}

// Step is one entry of an application's history.
type Step struct {
	Seq     int       `json:"seq"`
	At      time.Time `json:"at"`
	ActorID string    `json:"-"`
	Action  Action    `json:"action"`
	State   State     `json:"state"`
	Note    string    `json:"note,omitempty"`
}
