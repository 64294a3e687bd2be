package decisions

import (
	"strings"
	"time"
)

// Body is the organ of local self-government that took a decision.
type Body string

// The bodies of a municipality.
const (
	BodyHead           Body = "head"           // Глава муниципального образования
	BodyCouncil        Body = "council"        // Совет депутатов (представительный орган)
	BodyAdministration Body = "administration" // Администрация
)

// Bodies lists the bodies in the order forms offer them.
func Bodies() []Body { return []Body{BodyHead, BodyCouncil, BodyAdministration} }

// Valid reports whether b is a known body.
func (b Body) Valid() bool { return b == BodyHead || b == BodyCouncil || b == BodyAdministration }

// Status is a decision's implementation status.
type Status string

// The implementation statuses.
const (
	StatusPlanned    Status = "planned"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
	StatusCancelled  Status = "cancelled"
)

// Statuses lists the statuses in their natural order.
func Statuses() []Status {
	return []Status{StatusPlanned, StatusInProgress, StatusDone, StatusCancelled}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusPlanned, StatusInProgress, StatusDone, StatusCancelled:
		return true
	}
	return false
}

// next says where each status may go: work starts, ends or is called
// off; a finished or cancelled decision stays so (a new decision
// reverses it, as in law).
var next = map[Status][]Status{
	StatusPlanned:    {StatusInProgress, StatusDone, StatusCancelled},
	StatusInProgress: {StatusDone, StatusCancelled},
}

// CanMove reports whether a decision in status from may move to to.
func CanMove(from, to Status) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Moves lists the statuses a decision in s may move to.
func Moves(s Status) []Status { return next[s] }

// Decision is one entry of the register.
type Decision struct {
	ID          string         `json:"id"`
	TenantID    string         `json:"tenant_id"`
	CaseID      string         `json:"case_id,omitempty"`
	DecidedOn   string         `json:"decided_on"` // YYYY-MM-DD
	Body        Body           `json:"body"`
	Number      string         `json:"number"`
	Title       string         `json:"title"`
	Text        string         `json:"text"`
	Rationale   string         `json:"rationale"`
	Status      Status         `json:"status"`
	Links       []Evidence     `json:"links"`
	Demo        bool           `json:"demo"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	PublishedAt *time.Time     `json:"published_at,omitempty"`
	History     []StatusChange `json:"history,omitempty"`
}

// Published reports whether residents see the decision.
func (d Decision) Published() bool { return d.PublishedAt != nil }

// DecidedDate is DecidedOn as a time (UTC midnight), zero when unreadable.
func (d Decision) DecidedDate() time.Time {
	t, _ := time.Parse(time.DateOnly, d.DecidedOn)
	return t
}

// DecidedText is the date as Russians write it, 02.01.2006.
func (d Decision) DecidedText() string {
	if t := d.DecidedDate(); !t.IsZero() {
		return t.Format("02.01.2006")
	}
	return d.DecidedOn
}

// StatusChange is one step of a decision's implementation history.
type StatusChange struct {
	Status Status    `json:"status"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

// DecisionInput is what an official enters for a new decision.
type DecisionInput struct {
	CaseID    string     `json:"case_id"`
	DecidedOn string     `json:"decided_on"`
	Body      Body       `json:"body"`
	Number    string     `json:"number"`
	Title     string     `json:"title"`
	Text      string     `json:"text"`
	Rationale string     `json:"rationale"`
	Links     []Evidence `json:"links"`
	Demo      bool       `json:"-"`
}

// MaxLinks bounds the links of one decision.
const MaxLinks = 50

// check validates the input and returns field → message key.
func (in DecisionInput) check() map[string]string {
	bad := map[string]string{}
	if _, err := time.Parse(time.DateOnly, in.DecidedOn); err != nil {
		bad["decided_on"] = "decisions.error.date"
	}
	if !in.Body.Valid() {
		bad["body"] = "decisions.error.body"
	}
	for field, c := range map[string]struct {
		v   string
		req bool
		max int
	}{"number": {in.Number, true, 50}, "title": {in.Title, true, maxName}, "text": {in.Text, true, maxText}, "rationale": {in.Rationale, false, maxText}} {
		if k := checkText(c.v, c.req, c.max); k != "" {
			bad[field] = k
		}
	}
	if len(in.Links) > MaxLinks {
		bad["links"] = "decisions.error.too_many_links"
	}
	for _, l := range in.Links {
		if !sitePath(l.Link) || l.Title == "" {
			bad["links"] = "decisions.error.link"
		}
	}
	return bad
}

// searchText is what register search matches: lowercased number, title,
// text and rationale.
func searchText(d Decision) string {
	return strings.ToLower(strings.Join([]string{d.Number, d.Title, d.Text, d.Rationale}, " \n"))
}
