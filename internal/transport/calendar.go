package transport

import (
	"context"
	"sync"
	"time"
)

// serviceCalendar says on which days each service runs: calendar.txt's
// weekly pattern within its dates, changed by calendar_dates.txt.
type serviceCalendar struct {
	weekly     map[string]weekly
	exceptions map[string]map[string]int // date → service → 1 added, 2 removed
}

type weekly struct {
	days       int // bit 0 Monday … bit 6 Sunday
	start, end string
}

// Active lists the services that run on the service date d (YYYYMMDD).
func (c *serviceCalendar) Active(d time.Time) map[string]bool {
	date := d.Format("20060102")
	bit := 1 << ((int(d.Weekday()) + 6) % 7) // Monday first
	out := map[string]bool{}
	for id, w := range c.weekly {
		if w.days&bit != 0 && w.start <= date && date <= w.end {
			out[id] = true
		}
	}
	for id, ex := range c.exceptions[date] {
		switch ex {
		case 1:
			out[id] = true
		case 2:
			delete(out, id)
		}
	}
	return out
}

// calendars caches each feed's calendar: a version never changes once
// imported, so an entry never goes stale.
type calendars struct{ m sync.Map }

func (s *store) calendar(ctx context.Context, cache *calendars, feedNo int64) (*serviceCalendar, error) {
	if v, ok := cache.m.Load(feedNo); ok {
		return v.(*serviceCalendar), nil
	}
	c := &serviceCalendar{weekly: map[string]weekly{}, exceptions: map[string]map[string]int{}}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT service_id, days, start_date, end_date FROM transport_calendar WHERE feed_id = $1`, feedNo)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var w weekly
		if err := rows.Scan(&id, &w.days, &w.start, &w.end); err != nil {
			rows.Close()
			return nil, err
		}
		c.weekly[id] = w
	}
	rows.Close()
	rows, err = s.db.R(ctx).QueryContext(ctx, `SELECT service_id, date, exception_type FROM transport_calendar_dates WHERE feed_id = $1`, feedNo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, date string
		var ex int
		if err := rows.Scan(&id, &date, &ex); err != nil {
			return nil, err
		}
		if c.exceptions[date] == nil {
			c.exceptions[date] = map[string]int{}
		}
		c.exceptions[date][id] = ex
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cache.m.Store(feedNo, c)
	return c, nil
}

// serviceDayStart is when a GTFS service day begins: noon minus 12 hours
// in the feed's zone, so times stay right on the days clocks change.
func serviceDayStart(d time.Time, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc).Add(-12 * time.Hour)
}
