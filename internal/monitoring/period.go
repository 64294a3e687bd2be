package monitoring

import (
	"fmt"
	"strconv"
	"time"
)

// Period is a reporting period: a year ("2025"), a quarter ("2025-Q2")
// or a month ("2025-03").
type Period struct {
	Year    int
	Quarter int // 1–4, or 0
	Month   int // 1–12, or 0
}

// ParsePeriod reads a period in one of its three spellings.
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("monitoring: period %q: want 2025, 2025-Q2 or 2025-03", s)
	if len(s) < 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1990 || y > 2100 {
		return Period{}, bad
	}
	p := Period{Year: y}
	switch rest := s[4:]; {
	case rest == "":
	case len(rest) == 3 && rest[:2] == "-Q" && rest[2] >= '1' && rest[2] <= '4':
		p.Quarter = int(rest[2] - '0')
	case len(rest) == 3 && rest[0] == '-':
		m, err := strconv.Atoi(rest[1:])
		if err != nil || m < 1 || m > 12 {
			return Period{}, bad
		}
		p.Month = m
	default:
		return Period{}, bad
	}
	return p, nil
}

// String is the period's canonical spelling.
func (p Period) String() string {
	switch {
	case p.Quarter > 0:
		return fmt.Sprintf("%d-Q%d", p.Year, p.Quarter)
	case p.Month > 0:
		return fmt.Sprintf("%d-%02d", p.Year, p.Month)
	}
	return strconv.Itoa(p.Year)
}

// Grain is "year", "quarter" or "month".
func (p Period) Grain() string {
	switch {
	case p.Quarter > 0:
		return "quarter"
	case p.Month > 0:
		return "month"
	}
	return "year"
}

// Range is the period's local start (inclusive) and end (exclusive) in loc.
func (p Period) Range(loc *time.Location) (from, to time.Time) {
	switch {
	case p.Quarter > 0:
		from = time.Date(p.Year, time.Month(3*p.Quarter-2), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 3, 0)
	case p.Month > 0:
		from = time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0)
	}
	from = time.Date(p.Year, 1, 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(1, 0, 0)
}

// Start is the period's first moment in UTC, for charts.
func (p Period) Start() time.Time { f, _ := p.Range(time.UTC); return f }
