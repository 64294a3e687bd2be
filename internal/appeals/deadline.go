package appeals

import (
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/calendar"
)

// Clock names what a deadline is for.
type Clock string

// The clocks an appeal or a report runs.
const (
	ClockRegister Clock = "register"     // register a received appeal
	ClockRedirect Clock = "redirect"     // send it on to the competent body
	ClockAnswer   Clock = "answer"       // answer it (extended in place)
	ClockInfo     Clock = "info_request" // another body answers our request
	ClockSLA      Clock = "sla"          // fix an issue report (category SLA)
)

// Unit is what a rule counts.
type Unit string

// The units a rule counts in.
const (
	Days  Unit = "days"
	Hours Unit = "hours"
)

// OffDay says where a calendar-day deadline that ends on a day off goes.
type OffDay int

// The ways to treat a deadline that falls on a day off.
const (
	OffDayKeep     OffDay = iota // leave it on the day off
	OffDayPrevious               // move it back to the working day before (regional practice, never late)
	OffDayNext                   // move it to the next working day (Civil Code art. 193)
)

// Rule is one way to count a deadline, with the text that justifies it.
type Rule struct {
	ID      string // stable name stored with the deadline, e.g. "fz59.answer"
	Clock   Clock
	Amount  int
	Unit    Unit
	Working bool // count working days (or working hours) only
	OffDay  OffDay
	Basis   string // legal basis as cited, e.g. "59-ФЗ, ст. 12 ч. 1"
}

// The 59-FZ clocks. A count of days starts the day after the event and
// ends at the end of the last day, in the municipality's zone; a deadline
// that would end on a day off moves to the working day before it, so an
// official following it is never late.
var (
	RuleRegister  = Rule{ID: "fz59.register", Clock: ClockRegister, Amount: 3, Unit: Days, OffDay: OffDayPrevious, Basis: "59-ФЗ, ст. 8 ч. 2"}
	RuleRedirect  = Rule{ID: "fz59.redirect", Clock: ClockRedirect, Amount: 7, Unit: Days, OffDay: OffDayPrevious, Basis: "59-ФЗ, ст. 8 ч. 3"}
	RuleAnswer    = Rule{ID: "fz59.answer", Clock: ClockAnswer, Amount: 30, Unit: Days, OffDay: OffDayPrevious, Basis: "59-ФЗ, ст. 12 ч. 1"}
	RuleExtension = Rule{ID: "fz59.extension", Clock: ClockAnswer, Amount: MaxExtensionDays, Unit: Days, OffDay: OffDayPrevious, Basis: "59-ФЗ, ст. 12 ч. 2"}
	RuleInfo      = Rule{ID: "fz59.info_request", Clock: ClockInfo, Amount: 15, Unit: Days, OffDay: OffDayPrevious, Basis: "59-ФЗ, ст. 10 ч. 2"}
)

// MaxExtensionDays is the longest single extension of an answer (art. 12 p. 2).
const MaxExtensionDays = 30

// SLA is a category's operational clock for fixing a report.
type SLA struct {
	Amount  int  `json:"amount"`
	Unit    Unit `json:"unit"`
	Working bool `json:"working"`
}

// Rule turns a category's SLA into a deadline rule citing the category.
func (s SLA) Rule(category string) Rule {
	return Rule{ID: "sla." + string(s.Unit), Clock: ClockSLA, Amount: s.Amount, Unit: s.Unit, Working: s.Working,
		OffDay: OffDayKeep, Basis: "Регламент категории «" + category + "»"}
}

// Due is a computed deadline, kept with what it was computed from so that
// anyone can check it.
type Due struct {
	Clock    Clock     `json:"clock"`
	Rule     string    `json:"rule"`
	Basis    string    `json:"basis"`
	Calendar string    `json:"calendar"`
	From     time.Time `json:"from"`
	At       time.Time `json:"at"`
}

// Clocks computes deadlines over a production calendar. Working hours
// (for SLAs in working hours) run from WorkStart to WorkEnd, local time.
type Clocks struct {
	Cal       *calendar.Calendar
	WorkStart int // hour of day
	WorkEnd   int // hour of day
}

// NewClocks returns clocks over cal with a 9:00–18:00 working day.
func NewClocks(cal *calendar.Calendar) Clocks { return Clocks{Cal: cal, WorkStart: 9, WorkEnd: 18} }

// Due computes when r, started at from, runs out in the zone loc.
func (c Clocks) Due(r Rule, from time.Time, loc *time.Location) Due {
	local := from.In(loc)
	var at time.Time
	switch {
	case r.Unit == Hours && r.Working:
		at = c.workingHours(local, r.Amount)
	case r.Unit == Hours:
		at = local.Add(time.Duration(r.Amount) * time.Hour)
	case r.Working:
		at = endOfDay(c.workingDays(local, r.Amount))
	default:
		at = endOfDay(c.shift(local.AddDate(0, 0, r.Amount), r.OffDay))
	}
	return Due{Clock: r.Clock, Rule: r.ID, Basis: r.Basis, Calendar: c.Cal.Version(at), From: from.UTC(), At: at.UTC()}
}

// endOfDay is the last second of t's local day.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, t.Location())
}

// shift moves a day off to the working day before or after it.
func (c Clocks) shift(t time.Time, how OffDay) time.Time {
	step := map[OffDay]int{OffDayPrevious: -1, OffDayNext: 1}[how]
	for step != 0 && !c.Cal.Working(t) {
		t = t.AddDate(0, 0, step)
	}
	return t
}

// workingDays returns the n-th working day after t's day.
func (c Clocks) workingDays(t time.Time, n int) time.Time { return c.Cal.AddWorkingDays(t, n) }

// workingHours adds n hours counted only inside working hours of working days.
func (c Clocks) workingHours(t time.Time, n int) time.Time {
	left := time.Duration(n) * time.Hour
	for {
		y, m, d := t.Date()
		open := time.Date(y, m, d, c.WorkStart, 0, 0, 0, t.Location())
		shut := time.Date(y, m, d, c.WorkEnd, 0, 0, 0, t.Location())
		if !c.Cal.Working(t) || !t.Before(shut) {
			t = time.Date(y, m, d+1, c.WorkStart, 0, 0, 0, t.Location())
			continue
		}
		if t.Before(open) {
			t = open
		}
		if avail := shut.Sub(t); left <= avail {
			return t.Add(left)
		} else {
			left -= avail
		}
		t = time.Date(y, m, d+1, c.WorkStart, 0, 0, 0, t.Location())
	}
}

// Extension is the answer deadline moved on by days (1–30) from the
// current one, once, by the head (art. 12 p. 2).
func (c Clocks) Extension(current Due, days int, loc *time.Location) (Due, error) {
	if days < 1 || days > MaxExtensionDays {
		return Due{}, fmt.Errorf("appeals: extension of %d days: %w", days, ErrInvalid)
	}
	r := RuleExtension
	r.Amount = days
	return c.Due(r, current.At, loc), nil
}
