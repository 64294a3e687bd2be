package proactive

import (
	"strings"
	"testing"
	"time"
)

var evalDay = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

// sample is a resident the evaluation table looks at: 14 today, two
// children (one under three, one enrolled in a kindergarten).
func sample() *Resident {
	return &Resident{ID: "r1", FullName: "Иван Петров", SNILS: snilsAnna, BirthDate: "2012-03-10", Sex: "m", Address: "ул. Мира, 5",
		Disability: "2", Attrs: map[string]string{"large_family": "true", "housing_m2": "7.5"},
		Children: []Child{
			{Key: "c1", Name: "Оля", BirthDate: "2024-09-01"},
			{Key: "c2", Name: "Миша", BirthDate: "2021-01-15", Attrs: map[string]string{"kindergarten": "Сад №3"}},
		}}
}

func TestConditionTable(t *testing.T) {
	cases := []struct {
		name, cond string
		event      map[string]string
		want       bool
	}{
		{"empty holds", ``, nil, true},
		{"age reaches 14 today", `{"fact": "age", "op": "=", "value": 14}`, nil, true},
		{"not yet 15", `{"fact": "age", "op": ">=", "value": 15}`, nil, false},
		{"age in months", `{"fact": "age_months", "op": "=", "value": 168}`, nil, true},
		{"text equality ignores case", `{"fact": "sex", "op": "=", "value": "M"}`, nil, true},
		{"boolean attribute", `{"fact": "attr.large_family", "op": "=", "value": true}`, nil, true},
		{"decimal attribute", `{"fact": "attr.housing_m2", "op": "<", "value": 9}`, nil, true},
		{"missing attribute is never a number", `{"fact": "attr.income", "op": "<", "value": 100000}`, nil, false},
		{"exists", `{"fact": "attr.large_family", "op": "exists"}`, nil, true},
		{"not exists", `{"not": {"fact": "attr.pension", "op": "exists"}}`, nil, true},
		{"in list", `{"fact": "disability", "op": "in", "value": ["1", "2"]}`, nil, true},
		{"in list of numbers", `{"fact": "disability", "op": "in", "value": [1, 3]}`, nil, false},
		{"children count", `{"fact": "children", "op": ">=", "value": 2}`, nil, true},
		{"all fails on one", `{"all": [{"fact": "age", "op": "=", "value": 14}, {"fact": "sex", "op": "=", "value": "f"}]}`, nil, false},
		{"any holds on one", `{"any": [{"fact": "age", "op": "=", "value": 99}, {"fact": "sex", "op": "=", "value": "m"}]}`, nil, true},
		{"event fact", `{"fact": "event.kind", "op": "=", "value": "house"}`, map[string]string{"kind": "house"}, true},
		{"event fact absent", `{"fact": "event.kind", "op": "=", "value": "house"}`, map[string]string{}, false},
		{"pension age as data", `{"any": [{"all": [{"fact": "sex", "op": "=", "value": "f"}, {"fact": "age", "op": ">=", "value": 60}]}, {"all": [{"fact": "sex", "op": "=", "value": "m"}, {"fact": "age", "op": ">=", "value": 65}]}]}`, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cond, err := ParseCond(c.cond)
			if err != nil {
				t.Fatal(err)
			}
			p, err := cond.compile(scope{event: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := p(&facts{r: sample(), event: c.event, today: evalDay}); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestPerChildRule: a per-child rule finds the child under three that is
// not enrolled, and only that one, and pre-fills from it.
func TestPerChildRule(t *testing.T) {
	c, bad := compileRule(kindergartenRule(), []string{"child_born"})
	if bad != nil {
		t.Fatal(bad)
	}
	var got []string
	var vals map[string]string
	err := eligible([]*compiled{c}, sample(), trigger{}, evalDay, func(c *compiled, subject string, f *facts) error {
		got = append(got, subject)
		vals = c.values(f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "child:c1" {
		t.Fatalf("subjects %v, want [child:c1]", got)
	}
	want := map[string]string{"applicant_name": "Иван Петров", "child_name": "Оля", "child_birth_date": "2024-09-01", "address": "ул. Мира, 5"}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("prefill %s = %q, want %q", k, vals[k], v)
		}
	}
	// An event about one child looks at that child only.
	got = nil
	eligible([]*compiled{c}, sample(), trigger{childKey: "c2"}, evalDay, func(_ *compiled, s string, _ *facts) error {
		got = append(got, s)
		return nil
	})
	if len(got) != 0 {
		t.Fatalf("an event about the enrolled child offered %v", got)
	}
}

// TestRuleValidation: every mistake an official can make is named, with
// the part of the condition or the form field it is in.
func TestRuleValidation(t *testing.T) {
	good := kindergartenRule()
	cases := []struct {
		name       string
		edit       func(r *Rule)
		field, key string
		arg, val   string
	}{
		{"bad code", func(r *Rule) { r.Code = "Детсад" }, "code", "proactive.rule.code_invalid", "", ""},
		{"no name", func(r *Rule) { r.Name = " " }, "name", "proactive.rule.name_invalid", "", ""},
		{"unknown event", func(r *Rule) { r.EventType = "wedding" }, "event_type", "proactive.rule.event_type_unknown", "", ""},
		{"bad service", func(r *Rule) { r.ServiceCode = "Kinder Garten" }, "service_code", "proactive.rule.service_invalid", "", ""},
		{"lifetime 0", func(r *Rule) { r.LifetimeDays = 0 }, "lifetime_days", "proactive.rule.lifetime_invalid", "", ""},
		{"lifetime too long", func(r *Rule) { r.LifetimeDays = 400 }, "lifetime_days", "proactive.rule.lifetime_invalid", "", ""},
		{"unknown fact", func(r *Rule) { r.When = mustCond(t, `{"fact": "salary", "op": ">", "value": 1}`) }, "when", "proactive.cond.fact_unknown", "Fact", "salary"},
		{"unknown operator", func(r *Rule) { r.When = mustCond(t, `{"fact": "age", "op": "~", "value": 1}`) }, "when", "proactive.cond.op", "Op", "~"},
		{"numeric op on text", func(r *Rule) { r.When = mustCond(t, `{"fact": "age", "op": "<", "value": "old"}`) }, "when", "proactive.cond.not_number", "Value", `"old"`},
		{"missing value", func(r *Rule) { r.When = mustCond(t, `{"fact": "age", "op": "="}`) }, "when", "proactive.cond.no_value", "Op", "="},
		{"value of exists", func(r *Rule) { r.When = mustCond(t, `{"fact": "age", "op": "exists", "value": 1}`) }, "when", "proactive.cond.exists_value", "At", "$"},
		{"empty in", func(r *Rule) { r.When = mustCond(t, `{"fact": "age", "op": "in", "value": []}`) }, "when", "proactive.cond.in_list", "At", "$"},
		{"object as value", func(r *Rule) { r.When = mustCond(t, `{"fact": "age", "op": "=", "value": {"a": 1}}`) }, "when", "proactive.cond.value", "Value", `{"a": 1}`},
		{"two kinds in one node", func(r *Rule) { r.When = mustCond(t, `{"all": [], "fact": "age", "op": "=", "value": 1}`) }, "when", "proactive.cond.mixed", "At", "$"},
		{"nested path named", func(r *Rule) {
			r.When = mustCond(t, `{"all": [{"fact": "age", "op": "=", "value": 1}, {"not": {"fact": "x", "op": "=", "value": 1}}]}`)
		}, "when", "proactive.cond.fact_unknown", "At", "$.all[2].not"},
		{"child fact without per-child", func(r *Rule) { r.PerChild = false }, "when", "proactive.cond.fact_child", "Fact", "child.age_months"},
		{"event fact without event", func(r *Rule) {
			r.EventType, r.When = "", mustCond(t, `{"fact": "event.kind", "op": "exists"}`)
			r.PerChild, r.Prefill = false, nil
		}, "when", "proactive.cond.fact_event", "Fact", "event.kind"},
		{"prefill unknown fact", func(r *Rule) { r.Prefill = map[string]string{"name": "nickname"} }, "prefill", "proactive.cond.fact_unknown", "At", "name"},
		{"prefill bad field", func(r *Rule) { r.Prefill = map[string]string{"имя": "full_name"} }, "prefill", "proactive.rule.prefill_field", "Field", "имя"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := good
			r.Prefill = map[string]string{"applicant_name": "full_name"}
			c.edit(&r)
			_, bad := compileRule(r, []string{"child_born"})
			m := bad[c.field]
			if m == nil || m.Key != c.key || c.arg != "" && m.Args[c.arg] != c.val {
				t.Fatalf("%s: got %v (all: %v), want %s with %s=%q", c.field, m, bad, c.key, c.arg, c.val)
			}
		})
	}
	if _, bad := compileRule(good, []string{"child_born"}); bad != nil {
		t.Fatalf("the good rule was refused: %v", bad)
	}
}

func TestParseCondRefusesJunk(t *testing.T) {
	for _, s := range []string{`{"fact": "age", "op": "=", "value": 1} {}`, `{"eval": "os.exit()"}`, `[1]`, `{"fact": 3}`} {
		if _, err := ParseCond(s); err == nil {
			t.Errorf("%s was accepted", s)
		}
	}
	deep := strings.Repeat(`{"not": `, 70) + `{"fact": "age", "op": "exists"}` + strings.Repeat(`}`, 70)
	c, err := ParseCond(deep)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.compile(scope{}); err == nil || !strings.Contains(err.Error(), "proactive.cond.too_big") {
		t.Fatalf("a condition of 71 parts compiled: %v", err)
	}
}

func mustCond(t *testing.T, s string) Cond {
	t.Helper()
	c, err := ParseCond(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSNILS(t *testing.T) {
	cases := map[string]bool{
		"11223344595": true, "12345678964": true, "98765432183": true,
		"11223344596": false, "1122334459": false, "1122334459a": false,
		"00100199800": true, // below the checked range: any control number
	}
	for s, want := range cases {
		if got := ValidSNILS(s); got != want {
			t.Errorf("ValidSNILS(%s) = %v, want %v", s, got, want)
		}
	}
	if got := normSNILS("112-233-445 95"); got != "11223344595" {
		t.Errorf("normSNILS = %q", got)
	}
}

func TestAge(t *testing.T) {
	cases := []struct {
		birth      string
		years, mon string
	}{
		{"2012-03-10", "14", "168"},
		{"2012-03-11", "13", "167"}, // birthday tomorrow
		{"2026-03-10", "0", "0"},
		{"2026-03-11", "", ""}, // not born yet
		{"bad", "", ""},
	}
	for _, c := range cases {
		if y, m, _ := ages(c.birth, evalDay); y != c.years || m != c.mon {
			t.Errorf("%s: %s years %s months, want %s and %s", c.birth, y, m, c.years, c.mon)
		}
	}
}
