package proactive

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Msg is a message for the official who wrote a rule: a catalog key and
// the values it names (the part of the condition, the fact, the
// operator), so the rule form says what is wrong in the page's language.
type Msg struct {
	Key  string
	Args map[string]string
}

// msg builds a Msg from key and name, value pairs.
func msg(key string, pairs ...string) *Msg {
	m := &Msg{Key: key, Args: map[string]string{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Args[pairs[i]] = pairs[i+1]
	}
	return m
}

// Error is the message for logs: its key and values.
func (m *Msg) Error() string {
	var b strings.Builder
	b.WriteString(m.Key)
	for _, k := range slices.Sorted(maps.Keys(m.Args)) {
		fmt.Fprintf(&b, " %s=%q", k, m.Args[k])
	}
	return b.String()
}

// at names the part of a condition a message is about.
func (m *Msg) at(at string) *Msg {
	m.Args["At"] = at
	return m
}

// asMsg is err's Msg, or a Msg of key carrying err's text.
func asMsg(err error, key string) *Msg {
	var m *Msg
	if errors.As(err, &m) {
		return m
	}
	return msg(key, "Detail", err.Error())
}

// RuleError refuses a rule with a message per form field; nothing of
// the rule was stored. It is invalid input.
type RuleError struct{ Fields map[string]*Msg }

func (e *RuleError) Error() string {
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		parts = append(parts, f+": "+e.Fields[f].Error())
	}
	return "proactive: rule refused: " + strings.Join(parts, "; ")
}

// Unwrap makes the error an invalid-input one.
func (e *RuleError) Unwrap() error { return ErrInvalid }
