package proactive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Cond is one node of a rule's condition, written as JSON: a group
// ({"all": [...]}, {"any": [...]}, {"not": {...}}) or a comparison
// ({"fact": "age", "op": ">=", "value": 14}). There is no code in a
// condition, only facts of the register compared with constants, so an
// official can write one and nothing they write can run.
type Cond struct {
	All   []Cond          `json:"all,omitempty"`
	Any   []Cond          `json:"any,omitempty"`
	Not   *Cond           `json:"not,omitempty"`
	Fact  string          `json:"fact,omitempty"`
	Op    string          `json:"op,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// The comparison operators a condition may use.
var ops = map[string]bool{"=": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "in": true, "exists": true}

// maxCondNodes bounds a condition so evaluation cost stays predictable.
const maxCondNodes = 64

// ParseCond reads a condition's JSON; empty text is the condition that
// always holds. Errors name the offending node in words an official reads.
func ParseCond(text string) (Cond, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Cond{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	var c Cond
	if err := dec.Decode(&c); err != nil {
		return Cond{}, msg("proactive.cond.json", "Detail", err.Error())
	}
	if dec.More() {
		return Cond{}, msg("proactive.cond.trailing")
	}
	return c, nil
}

// String is the condition's compact JSON ("" for the empty condition).
func (c Cond) String() string {
	if c.Empty() {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// Empty reports whether c is the condition that always holds.
func (c Cond) Empty() bool {
	return c.All == nil && c.Any == nil && c.Not == nil && c.Fact == "" && c.Op == "" && c.Value == nil
}

// scope says which facts a rule can see.
type scope struct {
	event bool // the rule is triggered by an event: event.* facts exist
	child bool // the rule runs per child: child.* facts exist
}

// pred is a compiled condition.
type pred func(f *facts) bool

// compile checks c against the facts of sc and turns it into a predicate.
func (c Cond) compile(sc scope) (pred, error) {
	n := 0
	return c.compileN(sc, &n, "$")
}

func (c Cond) compileN(sc scope, n *int, at string) (pred, error) {
	if *n++; *n > maxCondNodes {
		return nil, msg("proactive.cond.too_big", "Max", strconv.Itoa(maxCondNodes))
	}
	kinds := 0
	for _, set := range []bool{c.All != nil, c.Any != nil, c.Not != nil, c.Fact != "" || c.Op != "" || c.Value != nil} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		return func(*facts) bool { return true }, nil
	case kinds > 1:
		return nil, msg("proactive.cond.mixed").at(at)
	case c.All != nil, c.Any != nil:
		list, word := c.All, "all"
		if c.Any != nil {
			list, word = c.Any, "any"
		}
		ps := make([]pred, len(list))
		for i, sub := range list {
			p, err := sub.compileN(sc, n, fmt.Sprintf("%s.%s[%d]", at, word, i+1))
			if err != nil {
				return nil, err
			}
			ps[i] = p
		}
		if word == "all" {
			return func(f *facts) bool {
				for _, p := range ps {
					if !p(f) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(f *facts) bool {
			for _, p := range ps {
				if p(f) {
					return true
				}
			}
			return false
		}, nil
	case c.Not != nil:
		p, err := c.Not.compileN(sc, n, at+".not")
		if err != nil {
			return nil, err
		}
		return func(f *facts) bool { return !p(f) }, nil
	}
	return c.comparison(sc, at)
}

// comparison compiles {"fact", "op", "value"}.
func (c Cond) comparison(sc scope, at string) (pred, error) {
	get, err := factGetter(c.Fact, sc)
	if err != nil {
		return nil, err.(*Msg).at(at)
	}
	if !ops[c.Op] {
		return nil, msg("proactive.cond.op", "Op", c.Op).at(at)
	}
	if c.Op == "exists" {
		if c.Value != nil {
			return nil, msg("proactive.cond.exists_value").at(at)
		}
		return func(f *facts) bool { return get(f) != "" }, nil
	}
	if c.Value == nil {
		return nil, msg("proactive.cond.no_value", "Op", c.Op).at(at)
	}
	if c.Op == "in" {
		var list []json.RawMessage
		if err := json.Unmarshal(c.Value, &list); err != nil || len(list) == 0 {
			return nil, msg("proactive.cond.in_list").at(at)
		}
		set := map[string]bool{}
		for _, v := range list {
			s, _, err := constant(v)
			if err != nil {
				return nil, err.(*Msg).at(at)
			}
			set[s] = true
		}
		return func(f *facts) bool { return set[canonical(get(f))] }, nil
	}
	s, num, err := constant(c.Value)
	if err != nil {
		return nil, err.(*Msg).at(at)
	}
	if math.IsNaN(num) {
		switch c.Op {
		case "=":
			return func(f *facts) bool { return canonical(get(f)) == s }, nil
		case "!=":
			return func(f *facts) bool { return canonical(get(f)) != s }, nil
		}
		return nil, msg("proactive.cond.not_number", "Op", c.Op, "Value", string(c.Value)).at(at)
	}
	cmp := numCmp(c.Op)
	return func(f *facts) bool {
		x, err := strconv.ParseFloat(get(f), 64)
		return err == nil && cmp(x, num)
	}, nil
}

// numCmp is the comparison op over numbers.
func numCmp(op string) func(a, b float64) bool {
	switch op {
	case "=":
		return func(a, b float64) bool { return a == b }
	case "!=":
		return func(a, b float64) bool { return a != b }
	case "<":
		return func(a, b float64) bool { return a < b }
	case "<=":
		return func(a, b float64) bool { return a <= b }
	case ">":
		return func(a, b float64) bool { return a > b }
	}
	return func(a, b float64) bool { return a >= b }
}

// constant reads a JSON constant as the text a fact is compared with and,
// for numbers, its value (NaN for text and booleans).
func constant(raw json.RawMessage) (string, float64, error) {
	raw = bytes.TrimSpace(raw)
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", 0, msg("proactive.cond.value", "Value", string(raw))
	}
	switch x := v.(type) {
	case string:
		return canonical(x), math.NaN(), nil
	case bool:
		return strconv.FormatBool(x), math.NaN(), nil
	case float64:
		return canonical(strconv.FormatFloat(x, 'f', -1, 64)), x, nil
	}
	return "", 0, msg("proactive.cond.value", "Value", string(raw))
}

// canonical makes numbers written differently ("14", "14.0") and letter
// case compare equal.
func canonical(s string) string {
	// Only text that starts like a number is tried as one: a failed
	// ParseFloat allocates its error, and most facts compared are words.
	if s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '+' || s[0] == '.') {
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return strings.ToLower(strings.TrimSpace(s))
}
