package appeals

import (
	"errors"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/calendar"
)

func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at parses a local time "2006-01-02 15:04" in loc.
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDue(t *testing.T) {
	clocks := NewClocks(calendar.Russian())
	next := RuleAnswer
	next.OffDay = OffDayNext
	sla := func(n int, u Unit, working bool) Rule {
		return SLA{Amount: n, Unit: u, Working: working}.Rule("Яма")
	}
	for _, tc := range []struct {
		name string
		rule Rule
		zone string
		from string // local time in zone
		want string // local due in zone
	}{
		{"answer on a weekday", RuleAnswer, "Europe/Moscow", "2025-03-03 10:00", "2025-04-02 23:59"},
		{"answer ending on Sunday moves to Friday", RuleAnswer, "Europe/Moscow", "2025-01-10 12:00", "2025-02-07 23:59"},
		{"answer across a short month end", RuleAnswer, "Europe/Moscow", "2025-01-31 09:00", "2025-02-28 23:59"},
		{"answer ending on Victory Day skips the May holidays", RuleAnswer, "Europe/Moscow", "2025-04-09 15:00", "2025-05-07 23:59"},
		{"answer ending on Sunday moves to Monday under Civil Code rule", next, "Europe/Moscow", "2025-01-10 12:00", "2025-02-10 23:59"},
		{"register ending on Saturday at a month end", RuleRegister, "Europe/Moscow", "2025-01-29 10:00", "2025-01-31 23:59"},
		{"redirect across New Year", RuleRedirect, "Europe/Moscow", "2025-12-26 16:00", "2025-12-30 23:59"},
		{"info request ending on a holiday Monday", RuleInfo, "Europe/Moscow", "2026-02-08 11:00", "2026-02-20 23:59"},
		{"SLA calendar days may end on a day off", sla(3, Days, false), "Europe/Moscow", "2025-01-29 10:00", "2025-02-01 23:59"},
		{"SLA working days over the May holidays", sla(5, Days, true), "Europe/Moscow", "2025-04-30 15:00", "2025-05-13 23:59"},
		{"SLA working days reach a worked Saturday", sla(1, Days, true), "Europe/Moscow", "2025-10-31 12:00", "2025-11-01 23:59"},
		{"SLA calendar hours", sla(24, Hours, false), "Europe/Moscow", "2025-01-31 16:00", "2025-02-01 16:00"},
		{"SLA working hours over a weekend", sla(4, Hours, true), "Europe/Moscow", "2025-01-31 16:00", "2025-02-03 11:00"},
		{"SLA working hours before opening", sla(2, Hours, true), "Europe/Moscow", "2025-02-03 07:00", "2025-02-03 11:00"},
		{"SLA working hours after closing", sla(2, Hours, true), "Europe/Moscow", "2025-02-03 19:30", "2025-02-04 11:00"},
		{"SLA working hours over the New Year holidays", sla(3, Hours, true), "Europe/Moscow", "2025-12-30 17:00", "2026-01-12 11:00"},
		{"UTC+2 Kaliningrad", RuleAnswer, "Europe/Kaliningrad", "2025-03-03 22:30", "2025-04-02 23:59"},
		{"UTC+7 Novosibirsk", RuleAnswer, "Asia/Novosibirsk", "2025-03-04 03:30", "2025-04-03 23:59"},
		{"UTC+10 Vladivostok", RuleAnswer, "Asia/Vladivostok", "2025-03-04 06:30", "2025-04-03 23:59"},
		{"UTC+12 Kamchatka", RuleAnswer, "Asia/Kamchatka", "2025-03-04 08:30", "2025-04-03 23:59"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := loadZone(t, tc.zone)
			d := clocks.Due(tc.rule, at(t, loc, tc.from), loc)
			if got := d.At.In(loc).Format("2006-01-02 15:04"); got != tc.want {
				t.Errorf("due %s, want %s", got, tc.want)
			}
			if d.Rule != tc.rule.ID || d.Basis != tc.rule.Basis || d.Clock != tc.rule.Clock || d.Calendar == "" {
				t.Errorf("due lost its rule: %+v", d)
			}
			if d.At.Location() != time.UTC || d.From.Location() != time.UTC {
				t.Errorf("due not stored in UTC: %+v", d)
			}
		})
	}
}

// One instant is a different local day from UTC+2 to UTC+12: the answer
// deadline follows the municipality's own day.
func TestDueSameInstantAcrossZones(t *testing.T) {
	clocks := NewClocks(calendar.Russian())
	instant := time.Date(2025, 3, 3, 20, 30, 0, 0, time.UTC)
	for _, tc := range []struct{ zone, wantUTC string }{
		{"Europe/Kaliningrad", "2025-04-02T21:59:59Z"}, // 22:30 on 3 Mar locally
		{"Europe/Moscow", "2025-04-02T20:59:59Z"},      // 23:30 on 3 Mar
		{"Europe/Samara", "2025-04-03T19:59:59Z"},      // 00:30 on 4 Mar
		{"Asia/Yekaterinburg", "2025-04-03T18:59:59Z"},
		{"Asia/Irkutsk", "2025-04-03T15:59:59Z"},
		{"Asia/Magadan", "2025-04-03T12:59:59Z"},
		{"Asia/Kamchatka", "2025-04-03T11:59:59Z"},
	} {
		d := clocks.Due(RuleAnswer, instant, loadZone(t, tc.zone))
		if got := d.At.Format(time.RFC3339); got != tc.wantUTC {
			t.Errorf("%s: due %s, want %s", tc.zone, got, tc.wantUTC)
		}
	}
}

func TestExtension(t *testing.T) {
	clocks := NewClocks(calendar.Russian())
	msk := loadZone(t, "Europe/Moscow")
	answer := clocks.Due(RuleAnswer, at(t, msk, "2025-01-10 12:00"), msk) // 7 Feb
	for _, tc := range []struct {
		days int
		want string
	}{
		{30, "2025-03-07 23:59"}, // 9 Mar is a Sunday, 8 Mar a Saturday
		{10, "2025-02-17 23:59"},
		{1, "2025-02-07 23:59"}, // 8 Feb is a Saturday: back to the same Friday
	} {
		d, err := clocks.Extension(answer, tc.days, msk)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.At.In(msk).Format("2006-01-02 15:04"); got != tc.want || d.Rule != "fz59.extension" || d.Clock != ClockAnswer {
			t.Errorf("extend %d days: %s %+v, want %s", tc.days, got, d, tc.want)
		}
	}
	for _, days := range []int{0, -1, 31} {
		if _, err := clocks.Extension(answer, days, msk); !errors.Is(err, ErrInvalid) {
			t.Errorf("extend %d days: err %v", days, err)
		}
	}
}

func TestDueBeyondCalendar(t *testing.T) {
	clocks := NewClocks(calendar.Russian())
	msk := loadZone(t, "Europe/Moscow")
	d := clocks.Due(RuleAnswer, at(t, msk, "2028-03-01 10:00"), msk)
	if d.Calendar != "ru-2025-2027.1 (weekends only)" {
		t.Errorf("calendar %q", d.Calendar)
	}
	if got := d.At.In(msk).Format(time.DateOnly); got != "2028-03-31" {
		t.Errorf("due %s", got)
	}
}
