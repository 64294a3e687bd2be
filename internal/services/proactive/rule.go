package proactive

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Rule is one proactive rule of a municipality, kept as data: when it is
// looked at (on an event of EventType, or by the periodic sweep when
// EventType is empty), who is eligible (When), for whom (the resident, or
// each child when PerChild), which service it offers, how the form is
// pre-filled (form field → fact) and how long the offer stays open.
type Rule struct {
	ID           string            `json:"id"`
	TenantID     string            `json:"-"`
	Code         string            `json:"code"`
	Name         string            `json:"name"`
	NameEN       string            `json:"name_en"`
	EventType    string            `json:"event_type,omitempty"`
	PerChild     bool              `json:"per_child"`
	When         Cond              `json:"when"`
	ServiceCode  string            `json:"service_code"`
	Prefill      map[string]string `json:"prefill"`
	LifetimeDays int               `json:"lifetime_days"`
	Active       bool              `json:"active"`
	Version      int               `json:"version"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// Title is the rule's name in lang.
func (r Rule) Title(lang string) string {
	return i18n.Pick(lang, r.Name, r.NameEN)
}

// PrefillText is the mapping one "field = fact" a line, sorted, as the
// rule form shows it.
func (r Rule) PrefillText() string {
	var lines []string
	for _, k := range sortedKeys(r.Prefill) {
		lines = append(lines, k+" = "+r.Prefill[k])
	}
	return strings.Join(lines, "\n")
}

// Limits of a rule.
const (
	maxLifetimeDays = 366
	maxPrefill      = 40
)

// compiled is a rule ready to evaluate.
type compiled struct {
	Rule
	when    pred
	prefill map[string]func(f *facts) string
}

// subject is what an offer is about: the resident ("") or one child.
func (c *compiled) subject(f *facts, eventSubject string) string {
	switch {
	case c.PerChild:
		return "child:" + f.child.Key
	case c.EventType != "" && eventSubject != "":
		return "event:" + eventSubject
	}
	return ""
}

// values pre-fills the form for the subject in f; facts with no value
// leave their field out.
func (c *compiled) values(f *facts) map[string]string {
	out := make(map[string]string, len(c.prefill))
	for field, get := range c.prefill {
		if v := get(f); v != "" {
			out[field] = v
		}
	}
	return out
}

// compileRule validates r (eventTypes are the known event type codes) and
// compiles it. The error maps form fields to messages an official reads.
func compileRule(r Rule, eventTypes []string) (*compiled, map[string]*Msg) {
	bad := map[string]*Msg{}
	if !validKey(r.Code) {
		bad["code"] = msg("proactive.rule.code_invalid")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(r.Name)); n == 0 || n > 200 {
		bad["name"] = msg("proactive.rule.name_invalid")
	}
	if utf8.RuneCountInString(r.NameEN) > 200 {
		bad["name_en"] = msg("proactive.rule.name_invalid")
	}
	if r.EventType != "" && !slices.Contains(eventTypes, r.EventType) {
		bad["event_type"] = msg("proactive.rule.event_type_unknown")
	}
	if !validServiceCode(r.ServiceCode) {
		bad["service_code"] = msg("proactive.rule.service_invalid")
	}
	if r.LifetimeDays < 1 || r.LifetimeDays > maxLifetimeDays {
		bad["lifetime_days"] = msg("proactive.rule.lifetime_invalid")
	}
	sc := scope{event: r.EventType != "", child: r.PerChild}
	c := &compiled{Rule: r, prefill: map[string]func(f *facts) string{}}
	var err error
	if c.when, err = r.When.compile(sc); err != nil {
		bad["when"] = asMsg(err, "proactive.rule.detail")
	}
	if len(r.Prefill) > maxPrefill {
		bad["prefill"] = msg("proactive.rule.prefill_too_many")
	}
	for _, field := range sortedKeys(r.Prefill) {
		if !validField(field) {
			bad["prefill"] = msg("proactive.rule.prefill_field", "Field", field)
			break
		}
		get, err := factGetter(r.Prefill[field], sc)
		if err != nil {
			bad["prefill"] = err.(*Msg).at(field)
			break
		}
		c.prefill[field] = get
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return c, nil
}

// validServiceCode accepts the services domain's codes: 1–60 of a-z, 0-9, - and _.
func validServiceCode(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validField accepts a form field name.
func validField(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ParsePrefill reads "field = fact" lines; blank lines are skipped.
func ParsePrefill(text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		field, fact, ok := strings.Cut(line, "=")
		if !ok {
			return nil, msg("proactive.rule.prefill_line", "Line", strconv.Itoa(i+1))
		}
		out[strings.TrimSpace(field)] = strings.TrimSpace(fact)
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
