package metering

import (
	"context"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestSimulatedLeakAndOutageAreDetected runs the simulator through the
// ingest pipeline, rolls up, and runs the detectors: every leaking zone
// raises a night-flow alarm, the outage zone an outage with its public
// notice and ledger rows, and the stuck meter a stuck alarm.
func TestSimulatedLeakAndOutageAreDetected(t *testing.T) {
	testdb.Run(t, watchSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w, s, c := newWatch(t, d)
		msk, _ := time.LoadLocation(muniA.TimeZone)
		to := time.Date(2026, 11, 25, 8, 0, 0, 0, msk)
		o := SimOptions{MunicipalityID: muniA.ID, Points: 12, ZoneSize: 6, From: to.AddDate(0, 0, -12), To: to,
			Leak: 1, LeakFrom: to.Add(-56 * time.Hour), Stuck: 0.1, Outage: "SIM-Z002", Seed: 3}
		world, err := s.SimRegistry(ctx, adminOf(muniA), o)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := s.SimRegistry(ctx, adminOf(muniA), o); err != nil || len(again.Zones) != 2 {
			t.Fatalf("second registry run: %v %v", again, err)
		}
		c.t = to
		stats, err := Simulate(o, world, msk, func(batch []Input) error {
			res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceImport, Readings: batch})
			if err == nil && len(res.Rejected) > 0 {
				t.Fatalf("rejected %+v", res.Rejected[0])
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(stats.Leaking) != 2 || stats.Readings < 12*96*11 {
			t.Fatalf("stats %+v", stats)
		}
		rollupAll(t, s)
		// The meters were installed at the registers Simulate starts from,
		// so every day before the leak loses a few per cent, the first too.
		days, err := s.ZoneDays(ctx, operatorOf(muniA), muniA.ID, "SIM-Z001", o.From.AddDate(0, 0, -2), o.LeakFrom.AddDate(0, 0, -1))
		if err != nil || len(days) < 9 {
			t.Fatalf("zone days %d %v", len(days), err)
		}
		for _, day := range days {
			if b := day.Balance; b.In != 0 && (b.LossPercent < 1 || b.LossPercent > 12) {
				t.Errorf("zone 1 on %v before the leak: %+v", day.Day, b)
			}
		}
		if _, err := w.Detect(ctx, muniA.ID); err != nil {
			t.Fatal(err)
		}
		alarms, err := w.Alarms(ctx, operatorOf(muniA), muniA.ID, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[AlarmKind][]string{}
		for _, a := range alarms {
			kinds[a.Kind] = append(kinds[a.Kind], a.TargetName)
		}
		if len(kinds[AlarmNightFlow]) != 2 || len(kinds[AlarmOutage]) != 1 || kinds[AlarmOutage][0] != "Симулируемая зона 2" {
			t.Fatalf("alarms %v", kinds)
		}
		if len(stats.Stuck) > 0 && len(kinds[AlarmStuck]) != 0 {
			t.Fatalf("a meter stuck for 56 hours alarmed before 7 days: %v", kinds[AlarmStuck])
		}
		notices, err := w.Outages(ctx, muniA.ID, to.Add(-time.Hour), to)
		if err != nil || len(notices) != 1 || len(notices[0].Addresses) != 6 || notices[0].Planned {
			t.Fatalf("notices %+v %v", notices, err)
		}
		ledger, err := w.Ledger(ctx, operatorOf(muniA), muniA.ID, "SIM-B00007", to)
		if err != nil || len(ledger) != 1 || len(ledger[0].Interruptions) != 1 || ledger[0].Interruptions[0].To != nil {
			t.Fatalf("ledger %+v %v", ledger, err)
		}
	})
}
