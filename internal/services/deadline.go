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
