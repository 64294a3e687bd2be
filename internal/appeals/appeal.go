package appeals

import (
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Kind is the kind of a formal appeal (59-FZ art. 4).
type Kind string

// The kinds of formal appeal.
const (
	Proposal  Kind = "proposal"
	Statement Kind = "statement"
	Complaint Kind = "complaint"
)

// Kinds lists the kinds of formal appeal.
func Kinds() []Kind { return []Kind{Proposal, Statement, Complaint} }

// Point is a place on the map, WGS 84.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Appeal is a formal appeal or an issue report, with its deadlines and
// its history.
type Appeal struct {
	ID           string     `json:"id"`
	TenantID     string     `json:"tenant_id"`
	TenantPath   string     `json:"-"` // the municipality's territory path, what grants cover
	Regime       Regime     `json:"regime"`
	Kind         Kind       `json:"kind,omitempty"`
	Collective   bool       `json:"collective"`
	CategoryID   string     `json:"category_id,omitempty"`
	AuthorID     string     `json:"-"` // never shown: the author is known to staff through AuthorName
	AuthorName   string     `json:"author_name,omitempty"`
	State        State      `json:"state"`
	DepartmentID string     `json:"department_id,omitempty"`
	AssigneeID   string     `json:"assignee_id,omitempty"`
	Description  string     `json:"description"`
	Point        *Point     `json:"point,omitempty"`
	Address      string     `json:"address,omitempty"`
	Extended     bool       `json:"extended"`
	Answer       string     `json:"answer,omitempty"`
	Reason       string     `json:"reason,omitempty"`      // art. 11 reason of no answer or return
	RedirectTo   string     `json:"redirect_to,omitempty"` // the body it was redirected to
	Demo         bool       `json:"demo"`
	Supporters   int        `json:"supporters"`             // residents who said "me too"
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"` // the author confirmed the fix
	Rating       int        `json:"rating,omitempty"`       // the author's 1–5 rating of the fix
	ReceivedAt   time.Time  `json:"received_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Deadlines    []Deadline `json:"deadlines"`
	History      []Step     `json:"history"`
	Photos       []Photo    `json:"photos"`            // served at /appeals/{id}/photos/{n}
	Answers      []Answer   `json:"answers,omitempty"` // to the category's extra questions
}

// Anonymous reports whether nobody signed the item: it gets no answer.
func (a Appeal) Anonymous() bool { return a.AuthorID == "" }

// Deadline is one clock of an item: its computed due date, and when it
// stopped running (met, or superseded by an extension).
type Deadline struct {
	Due
	ClosedAt *time.Time `json:"closed_at,omitempty"`
}

// Open reports whether the clock still runs.
func (d Deadline) Open() bool { return d.ClosedAt == nil }

// Overdue reports whether a running clock has passed its due date at now.
func (d Deadline) Overdue(now time.Time) bool { return d.Open() && now.After(d.At) }

// Next is the running clock that ends first, if any.
func (a Appeal) Next() (Deadline, bool) {
	var best Deadline
	found := false
	for _, d := range a.Deadlines {
		if d.Open() && (!found || d.At.Before(best.At)) {
			best, found = d, true
		}
	}
	return best, found
}

// Step is one entry of the append-only history.
type Step struct {
	Seq     int       `json:"seq"`
	Action  Action    `json:"action"`
	From    State     `json:"from"`
	To      State     `json:"to"`
	ActorID string    `json:"-"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}

// Category is a municipality's kind of issue report (or topic of formal
// appeals), with its SLA and its default department.
type Category struct {
	ID             string    `json:"id"`
	TenantID       string    `json:"tenant_id"`
	Code           string    `json:"code"`
	Regime         Regime    `json:"regime"`
	NameRU         string    `json:"name_ru"`
	NameEN         string    `json:"name_en"`
	SLA            SLA       `json:"sla"`
	AllowAnonymous bool      `json:"allow_anonymous"`
	DepartmentID   string    `json:"department_id,omitempty"`
	Active         bool      `json:"active"`
	CreatedAt      time.Time `json:"created_at"`
}

// Name is the category's name in lang, Russian when English is missing.
func (c Category) Name(lang string) string {
	return i18n.Pick(lang, c.NameRU, c.NameEN)
}

// Title is a short neutral line for lists: the description's start.
func (a Appeal) Title() string {
	const max = 80
	r := []rune(a.Description)
	if len(r) <= max {
		return a.Description
	}
	return strings.TrimSpace(string(r[:max])) + "…"
}

// Title is the department's name in lang, Russian when English is missing.
func (d Department) Title(lang string) string {
	return i18n.Pick(lang, d.Name, d.NameEN)
}

// Stopped is when the clock stopped; zero while it runs.
func (d Deadline) Stopped() time.Time {
	if d.ClosedAt == nil {
		return time.Time{}
	}
	return *d.ClosedAt
}

// Confirmed is when the author confirmed the fix; zero if not.
func (a Appeal) Confirmed() time.Time {
	if a.ConfirmedAt == nil {
		return time.Time{}
	}
	return *a.ConfirmedAt
}
