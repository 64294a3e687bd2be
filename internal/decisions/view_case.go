package decisions

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// casePage is the officials' workspace for one case.
type casePage struct {
	Muni      Municipality
	Case      Case
	Criteria  []criterionRow
	Pairs     []pairRow
	Ranked    []rankRow
	Scenarios []scenarioRow
	Years     []int
	Offered   []Evidence
	AHP       *AHP
	CR        string
	Missing   string
	Refused   *refusal // judgements refused (on save) or needing revisiting (stored)
	Done      string
	Alert     string
	Part      string
	Values    map[string]string
	Errors    map[string]string
}

type criterionRow struct {
	Index     int
	Criterion Criterion
	Weight    string // percent
	Direct    string
	Sens      *sensRow
}

type sensRow struct {
	Low, High, Now     string // percents
	LowX, Width, NowX  string // the chart's geometry, 0–100
	BelowTop, AboveTop string
}

type pairRow struct {
	A, B         int
	AName, BName string
	Value        string
	Options      []scaleOption
}

// scaleOption is one choice of a pair's select: "equal", or who is more
// important and how much.
type scaleOption struct {
	Value string
	Equal bool
	Who   string
	N     string
}

func scaleOptions(a, b string) []scaleOption {
	out := make([]scaleOption, 0, len(scaleValues))
	for _, v := range scaleValues {
		o := scaleOption{Value: v, Equal: v == "1", Who: a, N: v}
		if n, ok := strings.CutPrefix(v, "1/"); ok {
			o.Who, o.N = b, n
		}
		out = append(out, o)
	}
	return out
}

// Money writes kopecks for reading.
func (casePage) Money(k int64) string { return RoublesText(k) }

// Rub writes kopecks for a form field.
func (casePage) Rub(k int64) string { return Roubles(k) }

// Num writes a score for a form field.
func (casePage) Num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

type rankRow struct {
	Pos       int
	Index     int
	Option    Option
	Closeness string
	Bar       string // closeness as a percent for the bar
	Line      string
}

type scenarioRow struct {
	Index  int
	Result ScenarioResult
	Funded []string
	Unfund []string
	Lines  []string
}

// refusal is an AHP inconsistency as the page explains it.
type refusal struct {
	CR, A, B, Suggested string
}

func inconsistency(a AHP, nameA, nameB string) *refusal {
	return &refusal{CR: strconv.FormatFloat(a.CR, 'f', 3, 64), A: nameA, B: nameB, Suggested: ScaleLabel(a.Suggested)}
}

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) }

// scaleValues are Saaty's scale as the judgement select offers it.
var scaleValues = []string{"9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9"}

func (h *handler) caseView(ctx context.Context, c Case) (casePage, error) {
	m, err := h.svc.places.Municipality(ctx, c.TenantID)
	if err != nil {
		return casePage{}, err
	}
	p := casePage{Muni: m, Case: c, Values: map[string]string{}, Errors: map[string]string{}}
	first := c.Model.Budget.FirstYear
	if first == 0 {
		first = c.UpdatedAt.Year() + 1
	}
	p.Years = []int{first, first + 1, first + 2}
	if p.Offered, err = h.svc.Evidence(ctx, c.TenantID); err != nil {
		return casePage{}, err
	}
	md := c.Model
	for i, cr := range md.Criteria {
		row := criterionRow{Index: i, Criterion: cr, Direct: "1"}
		if i < len(md.Direct) {
			row.Direct = strconv.FormatFloat(md.Direct[i], 'f', -1, 64)
		}
		p.Criteria = append(p.Criteria, row)
		for j := i + 1; j < len(md.Criteria); j++ {
			p.Pairs = append(p.Pairs, pairRow{A: i, B: j, AName: cr.Name, BName: md.Criteria[j].Name, Value: ScaleLabel(md.Judgement(i, j)),
				Options: scaleOptions(cr.Name, md.Criteria[j].Name)})
		}
	}
	a, err := md.Analyse()
	p.Missing, p.AHP = a.Missing, a.AHP
	if a.AHP != nil {
		p.CR = strconv.FormatFloat(a.AHP.CR, 'f', 3, 64)
	}
	var inc *InconsistentError
	if errors.As(err, &inc) {
		p.Refused = inconsistency(inc.AHP, inc.A, inc.B)
	} else if err != nil && !errors.Is(err, fault.ErrInvalid) {
		return casePage{}, err
	} else if err != nil {
		p.Missing = "weights"
	}
	for j, w := range a.Weights {
		p.Criteria[j].Weight = pct(w)
	}
	for _, s := range a.Sensitivity {
		row := &sensRow{Low: pct(s.Low), High: pct(s.High), Now: pct(s.Weight), LowX: pct(s.Low), Width: pct(s.High - s.Low), NowX: pct(s.Weight)}
		if s.BelowTop >= 0 {
			row.BelowTop = md.Options[s.BelowTop].Name
		}
		if s.AboveTop >= 0 {
			row.AboveTop = md.Options[s.AboveTop].Name
		}
		p.Criteria[s.Criterion].Sens = row
	}
	if r := a.Ranking; r != nil {
		for pos, i := range r.Order {
			row := rankRow{Pos: pos + 1, Index: i, Option: md.Options[i], Closeness: strconv.FormatFloat(r.Closeness[i], 'f', 3, 64), Bar: pct(r.Closeness[i])}
			if l := md.Options[i].Line; l >= 0 && l < len(md.Budget.Lines) {
				row.Line = md.Budget.Lines[l]
			}
			p.Ranked = append(p.Ranked, row)
		}
	}
	for i, s := range a.Scenarios {
		row := scenarioRow{Index: i, Result: s, Lines: md.Budget.Lines}
		for _, o := range s.Funded {
			row.Funded = append(row.Funded, md.Options[o].Name)
		}
		for _, o := range s.Unfunded {
			row.Unfund = append(row.Unfund, md.Options[o].Name)
		}
		p.Scenarios = append(p.Scenarios, row)
	}
	return p, nil
}
