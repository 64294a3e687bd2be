package appeals

import (
	"slices"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestDeadlineLevel(t *testing.T) {
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	d := Deadline{Due: Due{From: from, At: from.Add(100 * time.Hour)}}
	for _, tc := range []struct {
		hours float64
		want  int
	}{{0, 0}, {49.9, 0}, {50, 50}, {79, 50}, {80, 80}, {99.9, 80}, {100, 100}, {500, 100}} {
		if got := d.Level(from.Add(time.Duration(tc.hours * float64(time.Hour)))); got != tc.want {
			t.Errorf("after %vh of 100h: level %d, want %d", tc.hours, got, tc.want)
		}
	}
	stopped := d
	stopped.ClosedAt = &from
	if stopped.Level(from.Add(200*time.Hour)) != 0 {
		t.Error("a stopped clock escalates")
	}
}

func TestEscalateAnnouncesEachLevelOnce(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := official("system", auth.RolePlatformAdmin, Municipality{Path: "/"}, "")
		a := e.complaint(resident("r1"))
		must[Appeal](t)(e.svc.Register(official("op-a", auth.RoleOperator, muniA, ""), a.ID))
		levels := func() []string {
			rows, err := e.d.Writer().Query(`SELECT clock || ':' || level FROM appeals_escalations ORDER BY clock, level`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
			}
			return out
		}
		sweep := func(after time.Duration, want int) {
			t.Helper()
			n, err := e.svc.Escalate(ctx, start.Add(after))
			if err != nil || n != want {
				t.Fatalf("sweep at +%v: %d announced, %v; want %d", after, n, err, want)
			}
		}
		sweep(24*time.Hour, 0)    // day 1: nothing near its end
		sweep(16*24*time.Hour, 2) // the 7-day redirect clock overdue, the 30-day answer clock past half
		sweep(16*24*time.Hour, 0) // announced once
		sweep(25*24*time.Hour, 1) // the answer clock past 80 %
		if got, want := levels(), []string{"answer:50", "answer:80", "redirect:100"}; !slices.Equal(got, want) {
			t.Errorf("escalations %v, want %v", got, want)
		}
		n := 0
		for _, ev := range e.events() {
			if ev == "appeal.escalated" {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d escalation events, want 3", n)
		}
	})
}
