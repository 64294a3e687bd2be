// Package calendar is the Russian production calendar (производственный
// календарь) as data, and the working-day arithmetic every domain that runs
// legal clocks (appeals, municipal services) counts its deadlines with.
package calendar

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"
)

//go:embed data/calendar-ru.txt
var calendarRU []byte

// Calendar is a production calendar: which days are working days. It is
// data (data/calendar-ru.txt), not code, because the Government moves
// days off every year. Outside the years it covers only Saturdays and
// Sundays are days off, and Version says so.
type Calendar struct {
	version  string
	first    int // first year covered
	last     int // last year covered
	holidays map[civilDate]bool
	workdays map[civilDate]bool
}

// civilDate is a local calendar day, independent of any time zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate { y, m, d := t.Date(); return civilDate{y, m, d} }

// Russian returns the shipped Russian production calendar.
func Russian() *Calendar {
	c, err := Parse(calendarRU)
	if err != nil {
		panic(fmt.Sprintf("calendar: shipped data: %v", err)) // a build defect, caught by the tests
	}
	return c
}

// Parse reads a calendar file: "# version: X" names it, and each
// other non-comment line is "YYYY-MM-DD holiday|workday [comment]".
func Parse(data []byte) (*Calendar, error) {
	c := &Calendar{holidays: map[civilDate]bool{}, workdays: map[civilDate]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "# version:"); ok {
			c.version = strings.TrimSpace(v)
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if err := c.addLine(line); err != nil {
			return nil, fmt.Errorf("calendar line %d: %w", n, err)
		}
	}
	if c.version == "" || c.first == 0 {
		return nil, fmt.Errorf("calendar: no version or no days")
	}
	return c, sc.Err()
}

func (c *Calendar) addLine(line string) error {
	f := strings.Fields(line)
	if len(f) < 2 {
		return fmt.Errorf("want a date and a kind: %q", line)
	}
	t, err := time.Parse(time.DateOnly, f[0])
	if err != nil {
		return err
	}
	d := dateOf(t)
	switch f[1] {
	case "holiday":
		c.holidays[d] = true
	case "workday":
		c.workdays[d] = true
	default:
		return fmt.Errorf("unknown kind %q", f[1])
	}
	if c.first == 0 || d.y < c.first {
		c.first = d.y
	}
	if d.y > c.last {
		c.last = d.y
	}
	return nil
}

// Version names the calendar data a deadline was computed with; for a
// day outside the covered years it says only weekends were counted.
func (c *Calendar) Version(t time.Time) string {
	if y := t.Year(); y < c.first || y > c.last {
		return c.version + " (weekends only)"
	}
	return c.version
}

// Working reports whether the local day of t is a working day.
func (c *Calendar) Working(t time.Time) bool {
	d := dateOf(t)
	if c.workdays[d] {
		return true
	}
	if c.holidays[d] {
		return false
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the n-th working day after t's local day, at t's
// time of day: the day a term of n working days, started on t, ends.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if c.Working(t) {
			n--
		}
	}
	return t
}

// WorkingDaysBetween counts the working days after from's local day up to
// and including to's local day (0 when to is not after from).
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	n := 0
	end := dateOf(to)
	for d := from.AddDate(0, 0, 1); !after(dateOf(d), end); d = d.AddDate(0, 0, 1) {
		if c.Working(d) {
			n++
		}
	}
	return n
}

func after(a, b civilDate) bool {
	if a.y != b.y {
		return a.y > b.y
	}
	if a.m != b.m {
		return a.m > b.m
	}
	return a.d > b.d
}
