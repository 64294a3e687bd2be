package metering

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var watchSets = []db.Migrations{audit.Migrations, events.Migrations, Migrations}

func newWatch(t *testing.T, d *db.DB) (*Watch, *Service, *clock) {
	t.Helper()
	s, c := newService(t, d)
	return NewWatch(s, events.NewOutbox(d), Rules{}), s, c
}

// outboxTypes lists the event types in the outbox, oldest first.
func outboxTypes(t *testing.T, d *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := d.R(ctx).QueryContext(ctx, `SELECT type FROM event_outbox ORDER BY created_ms, id`)
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

func TestAlarmLifecycleAndDeduplication(t *testing.T) {
	testdb.Run(t, watchSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w, _, c := newWatch(t, d)
		cond := Condition{TenantID: muniA.ID, Kind: AlarmNightFlow, TargetType: "zone", TargetID: "z1", TargetName: "DMA-1",
			Severity: SeverityWarning, Since: c.t.Add(-48 * time.Hour), Detail: map[string]any{"excess": 4.2}}
		a1, raised, err := w.raise(ctx, cond)
		if err != nil || !raised {
			t.Fatalf("raise: %v %v", raised, err)
		}
		c.t = c.t.Add(time.Hour)
		cond.Severity = SeverityCritical
		a2, raised, err := w.raise(ctx, cond)
		if err != nil || raised || a2.ID != a1.ID || a2.Severity != SeverityCritical {
			t.Fatalf("second raise of the same condition: raised %v, %+v, %v", raised, a2, err)
		}
		cond.Severity = SeverityInfo // severity never falls while open
		if a3, _, _ := w.raise(ctx, cond); a3.Severity != SeverityCritical {
			t.Fatalf("severity fell to %s", a3.Severity)
		}
		// Another target or another municipality is another alarm.
		other := cond
		other.TargetID = "z2"
		if _, raised, _ := w.raise(ctx, other); !raised {
			t.Fatal("another zone's alarm was merged")
		}
		list, err := w.Alarms(ctx, operatorOf(muniA), muniA.ID, true, 0)
		if err != nil || len(list) != 2 {
			t.Fatalf("open alarms %d %v", len(list), err)
		}
		if _, err := w.Alarms(ctx, operatorOf(muniB), muniA.ID, true, 0); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("another municipality's operator: %v", err)
		}
		if err := w.Acknowledge(ctx, operatorOf(muniB), muniB.ID, a1.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("acknowledge through another municipality: %v", err)
		}
		if err := w.Acknowledge(ctx, operatorOf(muniA), muniA.ID, a1.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.Acknowledge(ctx, operatorOf(muniA), muniA.ID, a1.ID); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("second acknowledgement: %v", err)
		}
		got, _ := w.Alarm(ctx, operatorOf(muniA), muniA.ID, a1.ID)
		if got.Status != AlarmAcknowledged || got.AckedBy != operatorOf(muniA).ID || got.Acknowledged == nil {
			t.Fatalf("after acknowledgement %+v", got)
		}
		// The detector no longer finds it: cleared, and a new one may follow.
		if ok, err := w.resolve(ctx, muniA.ID, AlarmNightFlow, "z1"); !ok || err != nil {
			t.Fatalf("resolve %v %v", ok, err)
		}
		if ok, _ := w.resolve(ctx, muniA.ID, AlarmNightFlow, "z1"); ok {
			t.Fatal("resolved twice")
		}
		if err := w.Clear(ctx, operatorOf(muniA), muniA.ID, a1.ID); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("clearing a cleared alarm: %v", err)
		}
		if a4, raised, _ := w.raise(ctx, cond); !raised || a4.ID == a1.ID {
			t.Fatal("a condition found again after clearing did not raise a new alarm")
		}
		want := []string{EventAlarmRaised, EventAlarmRaised, EventAlarmCleared, EventAlarmRaised}
		if got := outboxTypes(t, d); len(got) != len(want) {
			t.Fatalf("events %v, want %v", got, want)
		}
		var audited int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'metering.alarm.%'`).Scan(&audited); err != nil || audited != 5 {
			t.Fatalf("audited %d alarm changes (%v), want 5", audited, err)
		}
	})
}
