package services

import (
	"testing"
	"time"
)

// msk is the zone the tests' municipalities count deadlines in.
var msk = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a moment of Moscow time: "2006-01-02 15:04".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, msk)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStoppedDays: the days a suspension takes off a term, over the 2026–27
// production calendar (31 Dec 2026 and 1–8 Jan 2027 are days off). The day
// of the request counts as stopped, the day of the answer does not.
func TestStoppedDays(t *testing.T) {
	svc := New(Deps{})
	working, calendar := Term{Days: 10, Working: true}, Term{Days: 30}
	for _, c := range []struct {
		name     string
		term     Term
		from, to string
		want     int
	}{
		{"answered the same day", working, "2027-01-11 09:00", "2027-01-11 17:00", 0},
		{"answered the next working day", working, "2027-01-11 17:00", "2027-01-12 09:00", 1},
		{"Friday to Saturday: Friday ended while waiting", working, "2027-01-15 16:00", "2027-01-16 11:00", 1},
		{"Friday to Monday: the weekend stops nothing", working, "2027-01-15 16:00", "2027-01-18 10:00", 1},
		{"Friday to Tuesday", working, "2027-01-15 16:00", "2027-01-19 10:00", 2},
		{"asked on a Saturday, answered on Monday", working, "2027-01-16 12:00", "2027-01-18 10:00", 0},
		{"over the New Year holidays: only 30 Dec", working, "2026-12-30 15:00", "2027-01-11 09:00", 1},
		{"29 Dec to 12 Jan: 29, 30 Dec and 11 Jan", working, "2026-12-29 12:00", "2027-01-12 10:00", 3},
		{"an answer before the request stops nothing", working, "2027-01-12 10:00", "2027-01-11 10:00", 0},
		{"calendar days: same day", calendar, "2026-12-20 09:00", "2026-12-20 18:00", 0},
		{"calendar days: over the holidays every day counts", calendar, "2026-12-30 15:00", "2027-01-11 09:00", 12},
		{"calendar days: late evening to early morning", calendar, "2026-12-20 23:30", "2026-12-21 00:30", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := svc.Stopped(c.term, at(t, c.from), at(t, c.to), msk); got != c.want {
				t.Errorf("Stopped(%s → %s) = %d, want %d", c.from, c.to, got, c.want)
			}
		})
	}
}

// TestDueAfterSuspension: the deadline once a suspension ended, counted
// again from the submission over the lengthened term.
func TestDueAfterSuspension(t *testing.T) {
	svc := New(Deps{})
	ten := Term{Days: 10, Working: true, Suspends: true}
	// Submitted Friday 25 Dec 2026: ten working days are 28–30 Dec and
	// 11–15, 18–19 Jan, so the deadline is Tuesday 19 January 2027.
	submitted := at(t, "2026-12-25 10:00")
	due, _ := svc.Due(ten, submitted, msk)
	if got := due.In(msk).Format("2006-01-02 15:04:05"); got != "2027-01-19 23:59:59" {
		t.Fatalf("due %s", got)
	}
	for _, c := range []struct {
		name     string
		term     Term
		from, to string
		want     string
	}{
		// 30 Dec stopped, 31 Dec–10 Jan were days off anyway: one day more.
		{"over the New Year holidays", ten, "2026-12-30 15:00", "2027-01-11 09:00", "2027-01-20"},
		// 29, 30 Dec and 11 Jan stopped: Friday 22 January.
		{"three working days over the holidays", ten, "2026-12-29 12:00", "2027-01-12 10:00", "2027-01-22"},
		// Friday 15 Jan stopped, the weekend stops nothing: 20 January.
		{"over a weekend", ten, "2027-01-15 16:00", "2027-01-18 10:00", "2027-01-20"},
		{"answered the same day", ten, "2027-01-12 09:00", "2027-01-12 16:00", "2027-01-19"},
		// Asked on the last day (19 Jan), answered on Saturday 23: 19–22
		// Jan stopped, so the four working days come back after the
		// weekend and the answer is not already late on Monday.
		{"asked on the last day, answered on Saturday", ten, "2027-01-19 11:00", "2027-01-23 10:00", "2027-01-25"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := svc.Stopped(c.term, at(t, c.from), at(t, c.to), msk)
			got, cal := svc.DueAfter(c.term, submitted, n, msk)
			if d := got.In(msk).Format("2006-01-02 15:04:05"); d != c.want+" 23:59:59" {
				t.Errorf("%d days stopped: due %s, want %s", n, d, c.want)
			}
			if cal == "" {
				t.Error("no calendar version")
			}
		})
	}
	// A term of 30 calendar days from 10 Dec 2026 ends on Saturday 9 Jan,
	// moved to Monday 11 Jan. Two days stopped end it on 11 Jan still (the
	// lengthened term ends on Monday 11 itself), five on Thursday 14.
	thirty := Term{Days: 30, Suspends: true}
	from := at(t, "2026-12-10 10:00")
	for days, want := range map[int]string{0: "2027-01-11", 2: "2027-01-11", 5: "2027-01-14"} {
		got, _ := svc.DueAfter(thirty, from, days, msk)
		if d := got.In(msk).Format("2006-01-02"); d != want {
			t.Errorf("30 calendar days + %d stopped: %s, want %s", days, d, want)
		}
	}
}

// TestLate: an application whose term is suspended is late only when its
// deadline had passed before the request.
func TestLate(t *testing.T) {
	due := at(t, "2027-01-19 23:59")
	for _, c := range []struct {
		name        string
		paused, now string
		want        bool
	}{
		{"running, before the deadline", "", "2027-01-19 12:00", false},
		{"running, after the deadline", "", "2027-01-20 09:00", true},
		{"suspended in time, long after the deadline", "2027-01-18 10:00", "2027-02-20 09:00", false},
		{"suspended on the last day", "2027-01-19 17:00", "2027-01-25 09:00", false},
		{"suspended after the deadline", "2027-01-21 10:00", "2027-01-22 09:00", true},
	} {
		var paused time.Time
		if c.paused != "" {
			paused = at(t, c.paused)
		}
		if got := late(due, paused, at(t, c.now)); got != c.want {
			t.Errorf("%s: late = %v", c.name, got)
		}
	}
	if late(time.Time{}, time.Time{}, at(t, "2030-01-01 00:00")) {
		t.Error("an application without a deadline is late")
	}
}

// TestDueIfResumed: what the pages show while the term is suspended.
func TestDueIfResumed(t *testing.T) {
	svc := New(Deps{})
	app := Application{Term: Term{Days: 10, Working: true, Suspends: true}, Submitted: at(t, "2026-12-25 10:00"),
		Paused: at(t, "2027-01-12 10:00"),
		Pauses: []Pause{{Seq: 1, From: at(t, "2026-12-30 15:00"), To: at(t, "2027-01-11 09:00"), Days: 1},
			{Seq: 2, From: at(t, "2027-01-12 10:00")}}}
	// One day stopped before, and 12–14 Jan now: 10 + 4 working days.
	got, ok := svc.DueIfResumed(app, at(t, "2027-01-15 09:00"), msk)
	if d := got.In(msk).Format("2006-01-02"); !ok || d != "2027-01-25" {
		t.Errorf("due if resumed: %s %v", d, ok)
	}
	app.Paused = time.Time{}
	if _, ok := svc.DueIfResumed(app, at(t, "2027-01-15 09:00"), msk); ok {
		t.Error("a running term has a deadline if resumed")
	}
}
