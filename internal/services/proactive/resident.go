package proactive

import (
	"strconv"
	"strings"
	"time"
)

// Resident is one person in a municipality's register for proactive
// processing: what rules look at. It is kept up to date by life events;
// UserID links it to a portal account (found by e-mail), without which no
// offer can reach the person.
type Resident struct {
	ID         string            `json:"id"`
	TenantID   string            `json:"-"`
	SNILS      string            `json:"snils"`
	Email      string            `json:"email,omitempty"`
	UserID     string            `json:"-"`
	FullName   string            `json:"full_name"`
	BirthDate  string            `json:"birth_date"`    // YYYY-MM-DD
	Sex        string            `json:"sex,omitempty"` // "m" or "f"
	Address    string            `json:"address,omitempty"`
	Disability string            `json:"disability,omitempty"` // group "1", "2", "3" or "child"
	Attrs      map[string]string `json:"attrs,omitempty"`
	Children   []Child           `json:"children,omitempty"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// Child is a resident's child as the register knows it. Key identifies
// the child among siblings (a birth certificate number, say).
type Child struct {
	Key       string            `json:"key"`
	Name      string            `json:"name,omitempty"`
	BirthDate string            `json:"birth_date"`
	Attrs     map[string]string `json:"attrs,omitempty"`
}

// facts is what conditions and pre-fill read about one subject: a
// resident, the event that triggered the rule, and for per-child rules one
// child. Ages are counted on the day today.
type facts struct {
	r     *Resident
	child *Child
	event map[string]string
	today time.Time
}

// factNames lists the resident's facts for the rule editor's help.
var factNames = []string{"full_name", "snils", "email", "birth_date", "sex", "address", "disability", "age", "age_months", "children", "attr.<name>"}

// residentFacts are the fixed facts of a resident.
var residentFacts = map[string]func(f *facts) string{
	"full_name":  func(f *facts) string { return f.r.FullName },
	"snils":      func(f *facts) string { return f.r.SNILS },
	"email":      func(f *facts) string { return f.r.Email },
	"birth_date": func(f *facts) string { return f.r.BirthDate },
	"sex":        func(f *facts) string { return f.r.Sex },
	"address":    func(f *facts) string { return f.r.Address },
	"disability": func(f *facts) string { return f.r.Disability },
	"age":        func(f *facts) string { return ageIn(f.r.BirthDate, f.today, false) },
	"age_months": func(f *facts) string { return ageIn(f.r.BirthDate, f.today, true) },
	"children":   func(f *facts) string { return strconv.Itoa(len(f.r.Children)) },
}

// childFacts are the fixed facts of the child a per-child rule looks at.
var childFacts = map[string]func(c *Child, today time.Time) string{
	"key":        func(c *Child, _ time.Time) string { return c.Key },
	"name":       func(c *Child, _ time.Time) string { return c.Name },
	"birth_date": func(c *Child, _ time.Time) string { return c.BirthDate },
	"age":        func(c *Child, t time.Time) string { return ageIn(c.BirthDate, t, false) },
	"age_months": func(c *Child, t time.Time) string { return ageIn(c.BirthDate, t, true) },
}

// factGetter resolves a fact's name, in scope sc, to its reader.
func factGetter(name string, sc scope) (func(f *facts) string, error) {
	if g, ok := residentFacts[name]; ok {
		return g, nil
	}
	if k, ok := strings.CutPrefix(name, "attr."); ok && validKey(k) {
		return func(f *facts) string { return f.r.Attrs[k] }, nil
	}
	if k, ok := strings.CutPrefix(name, "event."); ok && validKey(k) {
		if !sc.event {
			return nil, errFact(name, "only rules triggered by an event see event facts")
		}
		return func(f *facts) string { return f.event[k] }, nil
	}
	if k, ok := strings.CutPrefix(name, "child."); ok {
		if !sc.child {
			return nil, errFact(name, "only rules that run per child see child facts")
		}
		if g, ok := childFacts[k]; ok {
			return func(f *facts) string { return g(f.child, f.today) }, nil
		}
		if a, ok := strings.CutPrefix(k, "attr."); ok && validKey(a) {
			return func(f *facts) string { return f.child.Attrs[a] }, nil
		}
	}
	return nil, errFact(name, "unknown fact; known: "+strings.Join(factNames, ", ")+", event.<name>, child.key, child.name, child.birth_date, child.age, child.age_months, child.attr.<name>")
}

type factError struct{ name, why string }

func (e factError) Error() string { return "fact \"" + e.name + "\": " + e.why }

func errFact(name, why string) error { return factError{name, why} }

// validKey reports whether s can name an attribute: 1–40 of a-z, 0-9, _.
func validKey(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ageIn is the age in whole years (or months) on today of someone born on
// the date birth (YYYY-MM-DD), or "" when birth is unknown or later.
func ageIn(birth string, today time.Time, months bool) string {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil || b.After(today) {
		return ""
	}
	m := (today.Year()-b.Year())*12 + int(today.Month()-b.Month())
	if today.Day() < b.Day() {
		m--
	}
	if months {
		return strconv.Itoa(m)
	}
	return strconv.Itoa(m / 12)
}
