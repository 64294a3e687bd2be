package monitoring

import (
	"context"
	"strconv"
)

// ReportYears is how many actual years and plan years a report shows:
// the 607 report gives three years of figures and a three-year plan.
const ReportYears = 3

// ReportRow is one indicator in a yearly report.
type ReportRow struct {
	Indicator Indicator
	Actual    []*float64 // years Year-2 … Year
	Plan      []*float64 // targets of Year+1 … Year+3
	Target    *float64   // the target set for Year
	Source    Source     // where Year's figure came from
	// Trend is "better", "worse" or "" comparing Year with Year-1 in the
	// indicator's direction.
	Trend string
	// Met is "yes", "no" or "" comparing Year with its target.
	Met string
}

// Report is a municipality's yearly indicator report.
type Report struct {
	Municipality Municipality
	Year         int
	Set          string
	Years        []int // the actual years, oldest first
	PlanYears    []int
	Rows         []ReportRow
	Filled       int // rows with a figure for Year
}

// Report gathers the set's indicators (all when set is "") of the
// municipality at slug for year: three years of figures and the plan.
// Indicator reports are public, as the law has them published.
func (s *Service) Report(ctx context.Context, slug string, year int, set string) (Report, error) {
	m, err := s.Municipality(ctx, slug)
	if err != nil {
		return Report{}, err
	}
	r := Report{Municipality: m, Year: year, Set: set}
	var periods []string
	for y := year - ReportYears + 1; y <= year+ReportYears; y++ {
		periods = append(periods, strconv.Itoa(y))
		if y <= year {
			r.Years = append(r.Years, y)
		} else {
			r.PlanYears = append(r.PlanYears, y)
		}
	}
	vals, err := s.st.values(ctx, m.ID, periods...)
	if err != nil {
		return r, err
	}
	type key struct{ code, kind, period string }
	by := map[key]Value{}
	for _, v := range vals {
		by[key{v.Code, v.Kind, v.Period}] = v
	}
	get := func(code, kind string, y int) *float64 {
		if v, ok := by[key{code, kind, strconv.Itoa(y)}]; ok {
			x := v.Value
			return &x
		}
		return nil
	}
	for _, ind := range s.catalog.All() {
		if set != "" && ind.Set != set {
			continue
		}
		row := ReportRow{Indicator: ind, Target: get(ind.Code, Target, year)}
		for _, y := range r.Years {
			row.Actual = append(row.Actual, get(ind.Code, Actual, y))
		}
		for _, y := range r.PlanYears {
			row.Plan = append(row.Plan, get(ind.Code, Target, y))
		}
		cur, prev := row.Actual[len(row.Actual)-1], row.Actual[len(row.Actual)-2]
		if cur != nil {
			r.Filled++
			row.Source = by[key{ind.Code, Actual, strconv.Itoa(year)}].Source
		}
		row.Trend = compare(ind.Better, cur, prev, "better", "worse")
		row.Met = compare(ind.Better, cur, row.Target, "yes", "no")
		if row.Met == "" && cur != nil && row.Target != nil && *cur == *row.Target {
			row.Met = "yes"
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// compare says good when a is better than b in direction dir, bad when
// worse, "" when either is missing, they are equal or dir is None.
func compare(dir Better, a, b *float64, good, bad string) string {
	if a == nil || b == nil || *a == *b || dir == None {
		return ""
	}
	if (*a > *b) == (dir == Higher) {
		return good
	}
	return bad
}
