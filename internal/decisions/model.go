package decisions

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// WeightMode says where a case's criterion weights come from.
type WeightMode string

// The weight modes.
const (
	ModeAHP    WeightMode = "ahp"    // pairwise judgements on Saaty's scale
	ModeDirect WeightMode = "direct" // weights entered directly
)

// Criterion is one aspect the options are judged on.
type Criterion struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	Unit string `json:"unit"`
}

// Option is one possible answer to the case's question, with its value
// on each criterion, its cost per plan year, the budget line paying for
// it and the evidence behind it.
type Option struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Scores      []float64  `json:"scores"` // one per criterion
	Costs       Money      `json:"costs_kopecks"`
	Line        int        `json:"line"` // index into Budget.Lines, -1 for none
	Evidence    []Evidence `json:"evidence"`
}

// Evidence is a fact from the platform attached to an option: an appeal
// hot spot, a zone's losses, a vote's result or a proposal.
type Evidence struct {
	Kind    string `json:"kind"`    // appeals.hotspot | metering.losses | participation.result | participation.proposal
	Ref     string `json:"ref"`     // the source's own key, stable across reads
	Title   string `json:"title"`   // what it is, in the words of its source
	Summary string `json:"summary"` // the figure that matters
	Link    string `json:"link"`    // site-relative page of the source
}

// Budget is the what-if part of a case: budget lines (e.g. КБК), what is
// available per plan year and the scenarios to compare.
type Budget struct {
	FirstYear int        `json:"first_year"`
	Lines     []string   `json:"lines"`
	Available Money      `json:"available_kopecks"`
	Scenarios []Scenario `json:"scenarios"`
}

// Model is everything an official enters for a case.
type Model struct {
	Criteria   []Criterion `json:"criteria"`
	Options    []Option    `json:"options"`
	Mode       WeightMode  `json:"mode"`
	Judgements []Judgement `json:"judgements"`
	Direct     []float64   `json:"direct_weights"`
	Budget     Budget      `json:"budget"`
}

// Case is a question under study.
type Case struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	Title     string    `json:"title"`
	Question  string    `json:"question"`
	Model     Model     `json:"model"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits on what a case holds.
const (
	MaxOptions   = 20
	MaxLines     = 20
	MaxScenarios = 10
	MaxEvidence  = 20
	maxName      = 200
	maxText      = 10000
)

// checkText returns the message key for a text field's problem, or "".
func checkText(s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "decisions.error.required"
	case utf8.RuneCountInString(s) > max:
		return "decisions.error.too_long"
	}
	return ""
}

// Check validates the model and returns field → message key for each
// problem (empty when the model is sound). Weights are checked by
// Weights, which needs the judgements complete.
func (m Model) Check() map[string]string {
	bad := map[string]string{}
	if len(m.Criteria) > MaxCriteria {
		bad["criteria"] = "decisions.error.too_many_criteria"
	}
	for i, c := range m.Criteria {
		if k := checkText(c.Name, true, maxName); k != "" {
			bad[fmt.Sprintf("criteria[%d].name", i)] = k
		}
		if !c.Kind.Valid() {
			bad[fmt.Sprintf("criteria[%d].kind", i)] = "decisions.error.kind"
		}
		if k := checkText(c.Unit, false, 40); k != "" {
			bad[fmt.Sprintf("criteria[%d].unit", i)] = k
		}
	}
	if len(m.Options) > MaxOptions {
		bad["options"] = "decisions.error.too_many_options"
	}
	for i, o := range m.Options {
		p := fmt.Sprintf("options[%d].", i)
		if k := checkText(o.Name, true, maxName); k != "" {
			bad[p+"name"] = k
		}
		if k := checkText(o.Description, false, maxText); k != "" {
			bad[p+"description"] = k
		}
		if len(o.Scores) != len(m.Criteria) {
			bad[p+"scores"] = "decisions.error.scores"
		}
		for _, v := range o.Scores {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				bad[p+"scores"] = "decisions.error.score"
			}
		}
		for _, c := range o.Costs {
			if c < 0 {
				bad[p+"costs_kopecks"] = "decisions.error.money"
			}
		}
		if o.Line < -1 || o.Line >= len(m.Budget.Lines) {
			bad[p+"line"] = "decisions.error.line"
		}
		if len(o.Evidence) > MaxEvidence {
			bad[p+"evidence"] = "decisions.error.too_much_evidence"
		}
		for _, e := range o.Evidence {
			if !sitePath(e.Link) || e.Title == "" {
				bad[p+"evidence"] = "decisions.error.link"
			}
		}
	}
	if m.Mode != ModeAHP && m.Mode != ModeDirect {
		bad["mode"] = "decisions.error.mode"
	}
	m.Budget.check(bad)
	return bad
}

func (b Budget) check(bad map[string]string) {
	if len(b.Lines) > MaxLines {
		bad["budget.lines"] = "decisions.error.too_many_lines"
	}
	for i, l := range b.Lines {
		if k := checkText(l, true, maxName); k != "" {
			bad[fmt.Sprintf("budget.lines[%d]", i)] = k
		}
	}
	if b.FirstYear != 0 && (b.FirstYear < 2000 || b.FirstYear > 2100) {
		bad["budget.first_year"] = "decisions.error.year"
	}
	for _, a := range b.Available {
		if a < 0 {
			bad["budget.available_kopecks"] = "decisions.error.money"
		}
	}
	if len(b.Scenarios) > MaxScenarios {
		bad["budget.scenarios"] = "decisions.error.too_many_scenarios"
	}
	for i, s := range b.Scenarios {
		if k := checkText(s.Name, true, maxName); k != "" {
			bad[fmt.Sprintf("budget.scenarios[%d].name", i)] = k
		}
		if len(s.Amounts) != len(b.Lines) {
			bad[fmt.Sprintf("budget.scenarios[%d].amounts", i)] = "decisions.error.amounts"
		}
		for _, m := range s.Amounts {
			for _, v := range m {
				if v < 0 {
					bad[fmt.Sprintf("budget.scenarios[%d].amounts", i)] = "decisions.error.money"
				}
			}
		}
	}
}

// RemoveCriterion drops criterion i with its scores, judgements and
// direct weight; the other judgements keep their pairs.
func (m *Model) RemoveCriterion(i int) error {
	if i < 0 || i >= len(m.Criteria) {
		return notFound()
	}
	m.Criteria = append(m.Criteria[:i], m.Criteria[i+1:]...)
	for k := range m.Options {
		if i < len(m.Options[k].Scores) {
			m.Options[k].Scores = append(m.Options[k].Scores[:i], m.Options[k].Scores[i+1:]...)
		}
	}
	if i < len(m.Direct) {
		m.Direct = append(m.Direct[:i], m.Direct[i+1:]...)
	}
	js := m.Judgements[:0]
	for _, j := range m.Judgements {
		if j.A == i || j.B == i {
			continue
		}
		if j.A > i {
			j.A--
		}
		if j.B > i {
			j.B--
		}
		js = append(js, j)
	}
	m.Judgements = js
	return nil
}

// RemoveOption drops option i.
func (m *Model) RemoveOption(i int) error {
	if i < 0 || i >= len(m.Options) {
		return notFound()
	}
	m.Options = append(m.Options[:i], m.Options[i+1:]...)
	return nil
}

// RemoveScenario drops budget scenario i.
func (m *Model) RemoveScenario(i int) error {
	if i < 0 || i >= len(m.Budget.Scenarios) {
		return notFound()
	}
	m.Budget.Scenarios = append(m.Budget.Scenarios[:i], m.Budget.Scenarios[i+1:]...)
	return nil
}

// Judgement returns the stored judgement of pair (a, b), 1 when none.
func (m Model) Judgement(a, b int) float64 {
	for _, j := range m.Judgements {
		switch {
		case j.A == a && j.B == b:
			return j.Value
		case j.A == b && j.B == a:
			return 1 / j.Value
		}
	}
	return 1
}

// sitePath reports whether link is a path on this site: evidence and
// decision links never lead elsewhere.
func sitePath(link string) bool {
	return strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") && !strings.HasPrefix(link, "/\\")
}
