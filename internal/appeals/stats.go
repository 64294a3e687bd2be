package appeals

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// StatsMonths is how far back the public statistics look.
const StatsMonths = 12

// StatsRow is one line of the statistics: how many items came in, how many
// were closed, the median days from receipt to the answer (appeals) or
// the fix (reports), and the share that ran over a deadline.
type StatsRow struct {
	Key          string  `json:"key"` // month "2026-01", category id or department id
	Received     int     `json:"received"`
	Closed       int     `json:"closed"`
	MedianAnswer float64 `json:"median_days_to_answer"` // -1 when nothing was answered
	MedianFix    float64 `json:"median_days_to_fix"`    // -1 when nothing was fixed
	Overdue      int     `json:"overdue"`
	OverdueShare float64 `json:"overdue_share"` // 0–1
}

// Stats are a municipality's public statistics of appeals and reports
// (8-FZ: statistics of appeals are published), without personal data.
type Stats struct {
	Since        time.Time  `json:"since"`
	Total        StatsRow   `json:"total"`
	ByMonth      []StatsRow `json:"by_month"`
	ByCategory   []StatsRow `json:"by_category"`
	ByDepartment []StatsRow `json:"by_department"`
}

// statItem is what the statistics need of one item.
type statItem struct {
	regime             Regime
	state              State
	category, dept     string
	received, finished time.Time
	overdue            bool
}

// Statistics computes the municipality's statistics over the last
// StatsMonths months, months counted in its own time zone.
func (s *Service) Statistics(ctx context.Context, tenantID string) (Stats, error) {
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return Stats{}, err
	}
	loc, err := zone(m)
	if err != nil {
		return Stats{}, err
	}
	now := s.now()
	y, mo, _ := now.In(loc).Date()
	since := time.Date(y, mo-StatsMonths+1, 1, 0, 0, 0, 0, loc)
	items, err := s.st.statItems(ctx, tenantID, since, now)
	if err != nil {
		return Stats{}, err
	}
	groups := map[string]map[string][]statItem{"month": {}, "category": {}, "department": {}}
	for _, it := range items {
		groups["month"][it.received.In(loc).Format("2006-01")] = append(groups["month"][it.received.In(loc).Format("2006-01")], it)
		if it.category != "" {
			groups["category"][it.category] = append(groups["category"][it.category], it)
		}
		if it.dept != "" {
			groups["department"][it.dept] = append(groups["department"][it.dept], it)
		}
	}
	st := Stats{Since: since.UTC(), Total: statsRow("", items)}
	st.ByMonth, st.ByCategory, st.ByDepartment = rows(groups["month"]), rows(groups["category"]), rows(groups["department"])
	slices.Reverse(st.ByMonth) // latest month first
	return st, nil
}

func rows(g map[string][]statItem) []StatsRow {
	out := make([]StatsRow, 0, len(g))
	for k, its := range g {
		out = append(out, statsRow(k, its))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func statsRow(key string, items []statItem) StatsRow {
	r := StatsRow{Key: key, Received: len(items)}
	var answer, fix []float64
	for _, it := range items {
		if it.state.Closed() {
			r.Closed++
		}
		days := it.finished.Sub(it.received).Hours() / 24
		switch it.state {
		case Answered:
			answer = append(answer, days)
		case Fixed:
			fix = append(fix, days)
		}
		if it.overdue {
			r.Overdue++
		}
	}
	r.MedianAnswer, r.MedianFix = median(answer), median(fix)
	if r.Received > 0 {
		r.OverdueShare = float64(r.Overdue) / float64(r.Received)
	}
	return r
}

// median of xs, -1 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return -1
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// statItems reads the items received in [since, now]; an item is overdue
// when a clock stopped after its due date or still runs past it.
func (s *store) statItems(ctx context.Context, tenantID string, since, now time.Time) ([]statItem, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT a.regime, a.state, a.category_id, a.department_id, a.received_ms, a.updated_ms,
		EXISTS (SELECT 1 FROM appeals_deadlines d WHERE d.appeal_id = a.id
			AND ((d.closed_ms IS NULL AND d.due_ms < $3) OR d.closed_ms > d.due_ms))
		FROM appeals a WHERE a.tenant_id = $1 AND a.received_ms >= $2 AND a.received_ms <= $3`,
		tenantID, db.Millis(since), db.Millis(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []statItem
	for rows.Next() {
		var it statItem
		var received, updated int64
		if err := rows.Scan(&it.regime, &it.state, &it.category, &it.dept, &received, &updated, &it.overdue); err != nil {
			return nil, err
		}
		it.received, it.finished = db.Time(received), db.Time(updated)
		out = append(out, it)
	}
	return out, rows.Err()
}
