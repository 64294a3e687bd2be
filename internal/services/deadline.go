package services

import "time"

// Due is when an application submitted at from must be decided, counted
// in the municipality's zone: a term of working days ends at the end of
// the last working day after the submission's day; a term of calendar
// days that ends on a day off moves to the next working day (Civil Code
// art. 193). It returns the calendar version the count used.
func (s *Service) Due(t Term, from time.Time, loc *time.Location) (time.Time, string) {
	local := from.In(loc)
	var end time.Time
	if t.Working {
		end = s.cal.AddWorkingDays(local, t.Days)
	} else {
		end = local.AddDate(0, 0, t.Days)
		for !s.cal.Working(end) {
			end = end.AddDate(0, 0, 1)
		}
	}
	y, m, d := end.Date()
	at := time.Date(y, m, d, 23, 59, 59, 0, loc)
	return at.UTC(), s.cal.Version(at)
}

// Stopped counts the days a suspension of term t from from to to takes
// off the term, in t's unit (working days for a term of working days,
// every day for one of calendar days), over the municipality's local
// days.
//
// A term is spent a whole day at a time, at the day's end, just as a
// deadline expires at the end of its last day. A day whose end came while
// the term was suspended is not spent: so the day of the request counts
// as stopped (the application was with the applicant when it ended) and
// the day of the answer does not (it was back with the official), and the
// term runs again from the day after the answer. A request answered the
// same day stops nothing. Days off stop nothing in a term of working
// days: a request on Friday answered on Saturday stops one day (Friday),
// one answered on Monday stops one day too.
func (s *Service) Stopped(t Term, from, to time.Time, loc *time.Location) int {
	a, b := from.In(loc), to.In(loc)
	if !b.After(a) {
		return 0
	}
	if t.Working {
		// The working days from a's day up to the day before b's day are
		// those after the day before a, up to and including the day before b.
		return s.cal.WorkingDaysBetween(a.AddDate(0, 0, -1), b.AddDate(0, 0, -1))
	}
	day := func(t time.Time) time.Time { y, m, d := t.Date(); return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	return int(day(b).Sub(day(a)).Hours() / 24)
}

// DueAfter is the deadline of an application submitted at submitted under
// term t once its term has been suspended for stopped days in all: the
// term lengthened by them, counted again from the submission, so a term
// of calendar days still ends on a working day (art. 193) however it was
// suspended.
func (s *Service) DueAfter(t Term, submitted time.Time, stopped int, loc *time.Location) (time.Time, string) {
	t.Days += stopped
	return s.Due(t, submitted, loc)
}

// late reports whether an open application's term has run out at now: it
// is past due, and, when its term is suspended (paused is not zero), the
// deadline had already passed when the suspension began — the days
// before it were the official's; a term suspended in time is never late
// while it waits for the applicant. store.overdue counts the same in SQL.
func late(due, paused, now time.Time) bool {
	if due.IsZero() {
		return false
	}
	if !paused.IsZero() {
		return paused.After(due)
	}
	return now.After(due)
}
