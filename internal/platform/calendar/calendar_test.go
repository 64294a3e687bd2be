package calendar

import (
	"testing"
	"time"
)

// The official totals of working days for a five-day week: the shipped
// data must reproduce them.
func TestCalendarWorkingDaysPerYear(t *testing.T) {
	cal := Russian()
	for year, want := range map[int]int{2025: 247, 2026: 247} {
		got := 0
		for d := time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
			if cal.Working(d) {
				got++
			}
		}
		if got != want {
			t.Errorf("%d: %d working days, want %d", year, got, want)
		}
	}
}

func TestCalendarDays(t *testing.T) {
	cal := Russian()
	for _, tc := range []struct {
		day     string
		working bool
	}{
		{"2025-01-08", false}, // New Year holidays
		{"2025-01-09", true},
		{"2025-05-02", false}, // moved from a Saturday
		{"2025-11-01", true},  // a Saturday worked
		{"2025-11-02", false}, // a plain Sunday
		{"2025-12-31", false},
		{"2026-02-23", false},
		{"2026-03-09", false},
		{"2026-03-10", true},
		{"2027-05-10", false},
		{"2028-01-03", true}, // beyond the data: weekends only
	} {
		d, _ := time.Parse(time.DateOnly, tc.day)
		if got := cal.Working(d); got != tc.working {
			t.Errorf("%s working = %v, want %v", tc.day, got, tc.working)
		}
	}
}

func TestCalendarVersion(t *testing.T) {
	cal := Russian()
	if v := cal.Version(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); v != "ru-2025-2027.1" {
		t.Errorf("version = %q", v)
	}
	if v := cal.Version(time.Date(2028, 5, 1, 0, 0, 0, 0, time.UTC)); v != "ru-2025-2027.1 (weekends only)" {
		t.Errorf("version outside the data = %q", v)
	}
}

func TestParseCalendarRejects(t *testing.T) {
	for name, data := range map[string]string{
		"no version": "2025-01-01 holiday\n",
		"no days":    "# version: x\n",
		"bad date":   "# version: x\n2025-13-01 holiday\n",
		"bad kind":   "# version: x\n2025-01-01 vacation\n",
		"no kind":    "# version: x\n2025-01-01\n",
	} {
		if _, err := Parse([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A term of working days started just before the New Year skips the
// holidays of 1–10 January 2027 (provisional data) and 31 December.
func TestAddWorkingDaysNewYear(t *testing.T) {
	cal := Russian()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-29", 1, "2026-12-30"},
		{"2026-12-29", 5, "2027-01-14"},
		{"2025-12-26", 3, "2026-01-12"},
		{"2026-01-09", 1, "2026-01-12"},
		{"2026-11-02", 2, "2026-11-05"}, // 4 Nov, Unity Day, is off
		{"2026-06-10", 0, "2026-06-10"},
	} {
		from, _ := time.Parse(time.DateOnly, tc.from)
		got := cal.AddWorkingDays(from, tc.n).Format(time.DateOnly)
		if got != tc.want {
			t.Errorf("%s + %d working days = %s, want %s", tc.from, tc.n, got, tc.want)
		}
		if tc.n > 0 {
			to, _ := time.Parse(time.DateOnly, tc.want)
			if back := cal.WorkingDaysBetween(from, to); back != tc.n {
				t.Errorf("working days between %s and %s = %d, want %d", tc.from, tc.want, back, tc.n)
			}
		}
	}
}
