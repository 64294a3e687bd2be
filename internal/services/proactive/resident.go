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

	// Ages are asked for by many rules: each is computed once per
	// resident (and per child) rather than parsing the date every time.
	aged, agedChild bool
	years, months   string
	agedFor         *Child
	cYears, cMonths string
}

// age is the resident's age in years, or in months.
func (f *facts) age(inMonths bool) string {
	if !f.aged {
		f.years, f.months, f.aged = ages(f.r.BirthDate, f.today)
	}
	if inMonths {
		return f.months
	}
	return f.years
}

// childAge is the current child's age in years, or in months.
func (f *facts) childAge(inMonths bool) string {
	if f.agedFor != f.child {
		f.cYears, f.cMonths, _ = ages(f.child.BirthDate, f.today)
		f.agedFor = f.child
	}
	if inMonths {
		return f.cMonths
	}
	return f.cYears
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
	"age":        func(f *facts) string { return f.age(false) },
	"age_months": func(f *facts) string { return f.age(true) },
	"children":   func(f *facts) string { return strconv.Itoa(len(f.r.Children)) },
}

// childFacts are the fixed facts of the child a per-child rule looks at.
var childFacts = map[string]func(f *facts) string{
	"key":        func(f *facts) string { return f.child.Key },
	"name":       func(f *facts) string { return f.child.Name },
	"birth_date": func(f *facts) string { return f.child.BirthDate },
	"age":        func(f *facts) string { return f.childAge(false) },
	"age_months": func(f *facts) string { return f.childAge(true) },
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
			return nil, msg("proactive.cond.fact_event", "Fact", name)
		}
		return func(f *facts) string { return f.event[k] }, nil
	}
	if k, ok := strings.CutPrefix(name, "child."); ok {
		if !sc.child {
			return nil, msg("proactive.cond.fact_child", "Fact", name)
		}
		if g, ok := childFacts[k]; ok {
			return g, nil
		}
		if a, ok := strings.CutPrefix(k, "attr."); ok && validKey(a) {
			return func(f *facts) string { return f.child.Attrs[a] }, nil
		}
	}
	return nil, msg("proactive.cond.fact_unknown", "Fact", name)
}

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

// ages is the age in whole years and in whole months on today of someone
// born on the date birth (YYYY-MM-DD), both "" when birth is unknown or
// later; done is always true.
func ages(birth string, today time.Time) (years, months string, done bool) {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil || b.After(today) {
		return "", "", true
	}
	m := (today.Year()-b.Year())*12 + int(today.Month()-b.Month())
	if today.Day() < b.Day() {
		m--
	}
	return strconv.Itoa(m / 12), strconv.Itoa(m), true
}
