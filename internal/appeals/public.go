package appeals

import (
	"context"
	"slices"
	"time"
)

// PublicReport is an issue report as anyone may see it: what, where,
// since when and how it stands — never who sent it, and not the text,
// which may name people and has not been moderated.
type PublicReport struct {
	ID         string    `json:"id"`
	Department string    `json:"department_id,omitempty"`
	CategoryID string    `json:"category_id"`
	State      State     `json:"state"`
	Closed     bool      `json:"closed"`
	Point      *Point    `json:"point,omitempty"`
	Address    string    `json:"address,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Due        time.Time `json:"due,omitempty"` // the running SLA deadline
	Overdue    bool      `json:"overdue"`
	Supporters int       `json:"supporters"`
}

// PublicFilter narrows the public list: Status is "open", "closed" or ""
// for both.
type PublicFilter struct {
	Status      string
	CategoryID  string
	BeforeID    string
	Limit       int
	IDs         []string  // only these reports
	CategoryIDs []string  // only these categories
	From, To    time.Time // received within [From, To]
}

// PublicReports lists a municipality's issue reports (formal appeals are
// never public), newest first, with personal data left out.
func (s *Service) PublicReports(ctx context.Context, tenantID string, f PublicFilter) ([]PublicReport, error) {
	if len(f.CategoryIDs) > 1 && len(f.IDs) == 0 {
		return s.publicPerCategory(ctx, tenantID, f)
	}
	items, err := s.st.list(ctx, listQuery{TenantID: tenantID, Regime: RegimeReport, OpenOnly: f.Status == "open",
		ClosedOnly: f.Status == "closed", CategoryID: f.CategoryID, BeforeID: f.BeforeID, Limit: clampLimit(f.Limit),
		IDs: f.IDs, CategoryIDs: f.CategoryIDs, From: f.From, To: f.To, Public: true})
	if err != nil {
		return nil, err
	}
	out := make([]PublicReport, 0, len(items))
	for _, it := range items {
		out = append(out, publicOf(it, s.now()))
	}
	return out, nil
}

// publicOf is the public face of a report.
func publicOf(it Summary, now time.Time) PublicReport {
	p := PublicReport{ID: it.ID, Department: it.DepartmentID, CategoryID: it.CategoryID, State: it.State, Closed: it.State.Closed(),
		Point: it.Point, Address: it.Address, ReceivedAt: it.ReceivedAt, UpdatedAt: it.UpdatedAt, Supporters: it.Supporters}
	if it.Due != nil {
		p.Due, p.Overdue = it.Due.At, it.Due.Overdue(now)
	}
	return p
}

// publicPerCategory lists several categories' reports one category at a
// time and merges them: each walks its own (category, received) index in
// order and stops at the limit, where one query over all of them would
// sort every match of the period first.
func (s *Service) publicPerCategory(ctx context.Context, tenantID string, f PublicFilter) ([]PublicReport, error) {
	var out []PublicReport
	seen := map[string]bool{}
	for _, c := range f.CategoryIDs {
		if seen[c] {
			continue
		}
		seen[c] = true
		one := f
		one.CategoryIDs = []string{c}
		items, err := s.PublicReports(ctx, tenantID, one)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	slices.SortFunc(out, func(a, b PublicReport) int {
		if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	return out[:min(len(out), clampLimit(f.Limit))], nil
}
