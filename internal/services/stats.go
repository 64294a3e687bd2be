package services

import (
	"context"
	"slices"
	"sort"
)

// Stats are one service's figures.
type Stats struct {
	Code         string            `json:"code"`
	Name         string            `json:"name"`
	Received     int               `json:"received"` // submitted applications, ever
	Open         int               `json:"open"`     // still being worked on
	Decided      int               `json:"decided"`  // approved or refused
	Approved     int               `json:"approved"`
	MedianHours  float64           `json:"median_hours"`  // submission to decision, over decided ones
	Overdue      int               `json:"overdue"`       // decided after the deadline, or open and late now (see late)
	OverdueShare float64           `json:"overdue_share"` // of received
	Refusals     map[string]int    `json:"refusals"`      // by reason code
	RefusalTexts map[string]string `json:"-"`             // reason code -> text, for pages
}

// Stats computes every service's figures of a municipality; they are
// public (counts only, no personal data).
func (s *Service) Stats(ctx context.Context, muniID string) ([]Stats, error) {
	m, err := s.municipality(ctx, muniID)
	if err != nil {
		return nil, err
	}
	entries, err := s.st.entries(ctx, m.ID)
	if err != nil {
		return nil, wrap("stats", err)
	}
	rows, err := s.st.statRows(ctx, m.ID)
	if err != nil {
		return nil, wrap("stats", err)
	}
	now := s.now()
	by := map[string][]statRow{}
	for _, r := range rows {
		by[r.serviceID] = append(by[r.serviceID], r)
	}
	out := []Stats{}
	for _, e := range entries {
		if !e.Active && len(by[e.ID]) == 0 {
			continue
		}
		st := Stats{Code: e.Code, Name: pick(e.NameRU, e.NameEN, ctx), Refusals: map[string]int{}, RefusalTexts: map[string]string{}}
		var hours []float64
		for _, a := range by[e.ID] {
			st.Received++
			if a.state.Open() {
				st.Open++
				if late(a.due, a.paused, now) {
					st.Overdue++
				}
				continue
			}
			st.Decided++
			hours = append(hours, a.decided.Sub(a.submitted).Hours())
			if a.decided.After(a.due) {
				st.Overdue++
			}
			if a.state == StateApproved {
				st.Approved++
			} else {
				st.Refusals[a.refusal]++
				if r, ok := e.Reason(a.refusal); ok {
					st.RefusalTexts[a.refusal] = pick(r.RU, r.EN, ctx)
				}
			}
		}
		st.MedianHours = median(hours)
		if st.Received > 0 {
			st.OverdueShare = float64(st.Overdue) / float64(st.Received)
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Received > out[j].Received })
	return out, nil
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// Overdue counts a municipality's open applications past their deadline
// now (a term suspended in time is not): the monitoring domain's
// indicator, the same count Stats makes of open applications.
func (s *Service) Overdue(ctx context.Context, muniID string) (int, error) {
	n, err := s.st.overdue(ctx, muniID, s.now())
	return n, wrap("overdue", err)
}

// MedianDays is the median in days, for pages.
func (st Stats) MedianDays() float64 { return st.MedianHours / 24 }
