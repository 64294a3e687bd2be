package proactive

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// EventType is a kind of life event, kept as data. Effect says what an
// event of the type changes in the register; the effects themselves are
// the few fixed operations below.
type EventType struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Effect string `json:"effect"`
}

// Title is the type's name in lang.
func (t EventType) Title(lang string) string {
	return i18n.Pick(lang, t.Name, t.NameEN)
}

// The effects an event type may have on the register.
const (
	EffectNone          = "none"            // a trigger only (an age reached)
	EffectAddChild      = "add_child"       // data: child_key, child_name, child_birth_date
	EffectSetAddress    = "set_address"     // data: address
	EffectSetDisability = "set_disability"  // data: group
	EffectSetAttrs      = "set_attrs"       // every data item becomes an attribute
	EffectSetChildAttrs = "set_child_attrs" // data: child_key and the child's attributes
)

// Effects lists the effects in the order the admin page shows them.
var Effects = []string{EffectNone, EffectAddChild, EffectSetAddress, EffectSetDisability, EffectSetAttrs, EffectSetChildAttrs}

// Event is one life event as a source system reports it. ID is the
// source's own id: the same ID twice is one event.
type Event struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	OccurredOn string            `json:"occurred_on"` // YYYY-MM-DD
	Person     Person            `json:"resident"`
	Data       map[string]string `json:"data,omitempty"`
}

// Person identifies the resident an event is about (by SNILS) and, for a
// resident the register does not know yet, describes them.
type Person struct {
	SNILS     string `json:"snils"`
	Email     string `json:"email,omitempty"`
	FullName  string `json:"full_name,omitempty"`
	BirthDate string `json:"birth_date,omitempty"`
	Sex       string `json:"sex,omitempty"`
	Address   string `json:"address,omitempty"`
}

// Limits of an event.
const (
	maxEventID   = 100
	maxDataItems = 30
	maxText      = 300
)

// check validates e against its type; bad maps fields to message keys.
func (e *Event) check(t *EventType, today time.Time) map[string]string {
	bad := map[string]string{}
	e.ID = strings.TrimSpace(e.ID)
	if e.ID == "" || len(e.ID) > maxEventID {
		bad["id"] = "proactive.event.id_invalid"
	}
	if t == nil {
		bad["type"] = "proactive.event.type_unknown"
	}
	if d, err := time.Parse(time.DateOnly, e.OccurredOn); err != nil || d.After(today.AddDate(0, 0, 1)) {
		bad["occurred_on"] = "proactive.event.date_invalid"
	}
	e.Person.SNILS = normSNILS(e.Person.SNILS)
	if !ValidSNILS(e.Person.SNILS) {
		bad["resident.snils"] = "proactive.event.snils_invalid"
	}
	p := &e.Person
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	if p.Email != "" && (!strings.Contains(p.Email, "@") || len(p.Email) > 254) {
		bad["resident.email"] = "proactive.event.email_invalid"
	}
	if p.BirthDate != "" && !pastDate(p.BirthDate, today) {
		bad["resident.birth_date"] = "proactive.event.date_invalid"
	}
	if p.Sex != "" && p.Sex != "m" && p.Sex != "f" {
		bad["resident.sex"] = "proactive.event.sex_invalid"
	}
	if utf8.RuneCountInString(p.FullName) > maxText || utf8.RuneCountInString(p.Address) > maxText {
		bad["resident"] = "proactive.event.too_long"
	}
	if len(e.Data) > maxDataItems {
		bad["data"] = "proactive.event.data_invalid"
	}
	for k, v := range e.Data {
		if !validKey(k) || utf8.RuneCountInString(v) > maxText {
			bad["data"] = "proactive.event.data_invalid"
		}
	}
	if t != nil && len(bad) == 0 {
		e.checkEffect(t.Effect, today, bad)
	}
	return bad
}

// checkEffect asks for the data the type's effect needs.
func (e *Event) checkEffect(effect string, today time.Time, bad map[string]string) {
	d := e.Data
	switch effect {
	case EffectAddChild:
		if !pastDate(d["child_birth_date"], today) {
			bad["data.child_birth_date"] = "proactive.event.date_invalid"
		}
		if d["child_key"] == "" {
			bad["data.child_key"] = "proactive.event.required"
		}
	case EffectSetAddress:
		if strings.TrimSpace(d["address"]) == "" {
			bad["data.address"] = "proactive.event.required"
		}
	case EffectSetDisability:
		switch d["group"] {
		case "1", "2", "3", "child":
		default:
			bad["data.group"] = "proactive.event.group_invalid"
		}
	case EffectSetChildAttrs:
		if d["child_key"] == "" {
			bad["data.child_key"] = "proactive.event.required"
		}
	}
}

// apply changes r as an event of the effect says; it reports false when
// the event names a child the register does not know.
func (e *Event) apply(effect string, r *Resident) bool {
	p := e.Person
	setIf := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	setIf(&r.Email, p.Email)
	setIf(&r.FullName, p.FullName)
	setIf(&r.BirthDate, p.BirthDate)
	setIf(&r.Sex, p.Sex)
	setIf(&r.Address, p.Address)
	d := e.Data
	switch effect {
	case EffectAddChild:
		c := Child{Key: d["child_key"], Name: strings.TrimSpace(d["child_name"]), BirthDate: d["child_birth_date"]}
		if i := r.child(c.Key); i >= 0 {
			c.Attrs = r.Children[i].Attrs
			r.Children[i] = c
		} else {
			r.Children = append(r.Children, c)
		}
	case EffectSetAddress:
		r.Address = strings.TrimSpace(d["address"])
	case EffectSetDisability:
		r.Disability = d["group"]
	case EffectSetAttrs:
		r.Attrs = merged(r.Attrs, d, "")
	case EffectSetChildAttrs:
		i := r.child(d["child_key"])
		if i < 0 {
			return false
		}
		r.Children[i].Attrs = merged(r.Children[i].Attrs, d, "child_key")
	}
	return true
}

// child is the index of the child with key, or -1.
func (r *Resident) child(key string) int {
	for i, c := range r.Children {
		if c.Key == key {
			return i
		}
	}
	return -1
}

// merged sets every item of add except skip on a copy of m; an empty
// value removes the attribute.
func merged(m, add map[string]string, skip string) map[string]string {
	out := make(map[string]string, len(m)+len(add))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range add {
		switch {
		case k == skip:
		case v == "":
			delete(out, k)
		default:
			out[k] = v
		}
	}
	return out
}

// pastDate reports whether s is a date (YYYY-MM-DD) no later than today.
func pastDate(s string, today time.Time) bool {
	d, err := time.Parse(time.DateOnly, s)
	return err == nil && !d.After(today) && d.Year() > 1900
}

// normSNILS keeps the digits of a SNILS written with spaces and dashes.
func normSNILS(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else if c != ' ' && c != '-' {
			return s
		}
	}
	return b.String()
}

// ValidSNILS checks an 11-digit SNILS and its control number (numbers up
// to 001-001-998 carry none).
func ValidSNILS(s string) bool {
	if len(s) != 11 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * (9 - i)
	}
	if s[9] < '0' || s[9] > '9' || s[10] < '0' || s[10] > '9' {
		return false
	}
	if s[:9] <= "001001998" {
		return true
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return check == int(s[9]-'0')*10+int(s[10]-'0')
}
