package metering

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// dma is a district metered area: one inlet and four buildings, each
// with a 15-minute register.
type dma struct {
	inlet     int64
	consumers []int64
	reg       map[int64]float64 // register values
	last      map[int64]time.Time
}

func seedDMA(t *testing.T, s *Service, m Municipality) *dma {
	t.Helper()
	ctx := context.Background()
	a := adminOf(m)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.CreateNetwork(ctx, a, m.ID, NetworkInput{Code: "W", Resource: "water", Name: "Водопровод"})
	must(err)
	_, err = s.CreateZone(ctx, a, m.ID, ZoneInput{Code: "DMA1", Network: "W", Kind: ZoneDMA, Name: "Северный"})
	must(err)
	z := &dma{reg: map[int64]float64{}, last: map[int64]time.Time{}}
	add := func(code, object string, sign int) int64 {
		role := RoleBoundary
		if sign == 0 {
			role = RoleConsumer
			lat, lon := 58.7+float64(len(z.consumers))*0.001, 29.8
			_, err := s.CreateObject(ctx, a, m.ID, ObjectInput{Code: object, Kind: ObjectBuilding, Name: "Дом " + object, Address: "ул. Мира, " + object, Lat: &lat, Lon: &lon})
			must(err)
		}
		_, err := s.CreatePoint(ctx, a, m.ID, PointInput{Code: code, Network: "W", Object: object, Name: code, Role: role})
		must(err)
		must(s.SetZonePoint(ctx, a, m.ID, ZonePointInput{Zone: "DMA1", Point: code, Sign: sign}))
		_, err = s.CreateDevice(ctx, a, m.ID, DeviceInput{Serial: "S-" + code, Interval: 15 * time.Minute})
		must(err)
		_, err = s.Install(ctx, a, m.ID, InstallationInput{Device: "S-" + code, Point: code, From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
		must(err)
		ch, err := s.CreateChannel(ctx, a, m.ID, ChannelInput{Device: "S-" + code, Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative"})
		must(err)
		return ch
	}
	z.inlet = add("IN", "", 1)
	for _, b := range []string{"1", "2", "3", "4"} {
		z.consumers = append(z.consumers, add("P"+b, b, 0))
	}
	return z
}

// run advances the registers in 15-minute steps over (from, to]: each
// building uses 0.02 m³/h at night (00–05) and 0.2 by day; the inlet
// carries them plus background leakage of 0.1 m³/h and leak extra.
// Buildings in silent send nothing.
func (z *dma) run(t *testing.T, s *Service, from, to time.Time, loc *time.Location, leak float64, silent map[int64]bool) {
	t.Helper()
	var rows []Reading
	for ts := from.Add(15 * time.Minute); !ts.After(to); ts = ts.Add(15 * time.Minute) {
		rate := 0.2
		if h := ts.Add(-time.Minute).In(loc).Hour(); h < 5 {
			rate = 0.02
		}
		inflow := 0.1 + leak
		for _, c := range z.consumers {
			z.reg[c] += rate / 4
			inflow += rate
			if !silent[c] {
				rows = append(rows, Reading{ChannelID: c, At: ts, Value: z.reg[c], Received: ts})
			}
		}
		z.reg[z.inlet] += inflow / 4
		rows = append(rows, Reading{ChannelID: z.inlet, At: ts, Value: z.reg[z.inlet], Received: ts})
	}
	storeReadings(t, s, rows)
	rollupAll(t, s)
}

func TestDetectLeakAndOutageWithNoticeAndLedger(t *testing.T) {
	testdb.Run(t, watchSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w, s, c := newWatch(t, d)
		msk, _ := time.LoadLocation(muniA.TimeZone)
		z := seedDMA(t, s, muniA)
		start := time.Date(2026, 11, 18, 0, 0, 0, 0, msk)
		leakFrom := time.Date(2026, 11, 28, 0, 0, 0, 0, msk)
		now := time.Date(2026, 11, 30, 6, 0, 0, 0, msk)
		z.run(t, s, start, leakFrom, msk, 0, nil)
		c.t = leakFrom
		if rep, err := w.Detect(ctx, muniA.ID); err != nil || rep.Raised != 0 {
			t.Fatalf("before the leak: %+v %v", rep, err)
		}
		z.run(t, s, leakFrom, now, msk, 0.5, nil)
		c.t = now
		rep, err := w.Detect(ctx, muniA.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The leak raises the night-flow alarm; it also shows as the zone's
		// losses (48 %) and a spike on the inlet's day.
		alarms, _ := w.Alarms(ctx, operatorOf(muniA), muniA.ID, true, 0)
		kinds := map[AlarmKind]string{}
		for _, a := range alarms {
			kinds[a.Kind] = a.TargetName
		}
		if rep.Raised != 3 || kinds[AlarmNightFlow] != "Северный" || kinds[AlarmZoneLoss] != "Северный" || kinds[AlarmSpike] != "IN / S-IN" {
			t.Fatalf("after two leaking nights: %+v %v", rep, kinds)
		}

		// Three of four buildings fall silent at 06:00: an outage.
		silent := map[int64]bool{z.consumers[0]: true, z.consumers[1]: true, z.consumers[2]: true}
		z.run(t, s, now, now.Add(3*time.Hour), msk, 0.5, silent)
		c.t = now.Add(3 * time.Hour)
		rep, err = w.Detect(ctx, muniA.ID)
		if err != nil || rep.OutagesOpened != 1 {
			t.Fatalf("outage not opened: %+v %v", rep, err)
		}
		alarms, _ = w.Alarms(ctx, operatorOf(muniA), muniA.ID, true, 0)
		count := map[AlarmKind]int{}
		for _, a := range alarms {
			count[a.Kind]++
		}
		if count[AlarmOutage] != 1 || count[AlarmOffline] != 0 {
			t.Fatalf("alarms during the outage: %v (offline devices an outage explains must not alarm)", count)
		}
		notices, err := w.Outages(ctx, muniA.ID, now, now.Add(4*time.Hour))
		if err != nil || len(notices) != 1 {
			t.Fatalf("public notices %+v %v", notices, err)
		}
		n := notices[0]
		if n.Planned || n.Service != ServiceColdWater || !n.Starts.Equal(now) || len(n.Addresses) != 4 || len(n.Objects) != 4 || n.Ended != nil {
			t.Fatalf("notice %+v", n)
		}
		// Detecting again changes nothing.
		if rep, err := w.Detect(ctx, muniA.ID); err != nil || rep.OutagesOpened != 0 {
			t.Fatalf("second run: %+v %v", rep, err)
		}
		if again, _ := w.Alarms(ctx, operatorOf(muniA), muniA.ID, true, 0); len(again) != len(alarms) {
			t.Fatalf("second run changed the open alarms: %d → %d", len(alarms), len(again))
		}

		// Water is back at 10:30: the notice and the interruptions end then.
		back := now.Add(4*time.Hour + 30*time.Minute)
		z.run(t, s, now.Add(3*time.Hour), back.Add(-15*time.Minute), msk, 0.5, silent)
		z.run(t, s, back.Add(-15*time.Minute), back.Add(90*time.Minute), msk, 0.5, nil)
		c.t = back.Add(90 * time.Minute)
		if rep, err := w.Detect(ctx, muniA.ID); err != nil || rep.OutagesEnd != 1 {
			t.Fatalf("outage not ended: %+v %v", rep, err)
		}
		notices, _ = w.Outages(ctx, muniA.ID, now, now.Add(24*time.Hour))
		if len(notices) != 1 || notices[0].Ended == nil || !notices[0].Ended.Equal(back) {
			t.Fatalf("ended notice %+v", notices)
		}
		ledger, err := w.Ledger(ctx, operatorOf(muniA), muniA.ID, "1", now)
		if err != nil || len(ledger) != 1 {
			t.Fatalf("ledger %+v %v", ledger, err)
		}
		l := ledger[0]
		if l.Service != ServiceColdWater || len(l.Interruptions) != 1 || math.Abs(l.Assessment.TotalHours-4.5) > 1e-9 ||
			!l.Assessment.OverSingle || math.Abs(l.Assessment.ReductionPercent-0.075) > 1e-9 || l.Basis == "" {
			t.Fatalf("ledger line %+v", l)
		}
		if _, err := w.Ledger(ctx, operatorOf(muniB), muniA.ID, "1", now); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("another municipality read the ledger: %v", err)
		}
		var events []string
		rows, err := d.R(ctx).QueryContext(ctx, `SELECT type FROM event_outbox WHERE payload LIKE '%"kind":"outage"%' ORDER BY created_ms, id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e string
			rows.Scan(&e)
			events = append(events, e)
		}
		if len(events) != 2 || events[0] != EventAlarmRaised || events[1] != EventAlarmCleared {
			t.Fatalf("outage events %v: want raised, cleared", events)
		}
	})
}

func TestPlannedOutage(t *testing.T) {
	testdb.Run(t, watchSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w, s, c := newWatch(t, d)
		seedDMA(t, s, muniA)
		op := operatorOf(muniA)
		starts := c.t.Add(24 * time.Hour)
		bad := PlannedInput{Service: "steam", Starts: starts, Ends: starts.Add(-time.Hour)}
		_, err := w.PlanOutage(ctx, op, muniA.ID, bad)
		var fe *fault.Error
		if !errors.As(err, &fe) || !errors.Is(err, fault.ErrInvalid) || len(fe.Fields) < 4 {
			t.Fatalf("bad input: %v", err)
		}
		if _, err := w.PlanOutage(ctx, op, muniA.ID, PlannedInput{Service: ServiceHotWater, Zone: "NOPE", Reason: "Ремонт", Starts: starts, Ends: starts.Add(time.Hour)}); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("unknown zone: %v", err)
		}
		if _, err := w.PlanOutage(ctx, operatorOf(muniB), muniA.ID, PlannedInput{}); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("another municipality planned works: %v", err)
		}
		in := PlannedInput{Service: ServiceHotWater, Zone: "DMA1", Objects: []string{"1"}, Reason: "Промывка сетей", Starts: starts, Ends: starts.Add(6 * time.Hour)}
		id, err := w.PlanOutage(ctx, op, muniA.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		list, err := w.Outages(ctx, muniA.ID, starts, starts.Add(time.Hour))
		if err != nil || len(list) != 1 || !list[0].Planned || len(list[0].Addresses) != 4 || list[0].Reason != "Промывка сетей" {
			t.Fatalf("planned notice %+v %v", list, err)
		}
		if list, _ := w.Outages(ctx, muniA.ID, starts.Add(7*time.Hour), starts.Add(8*time.Hour)); len(list) != 0 {
			t.Fatalf("a finished planned outage still listed: %+v", list)
		}
		if err := w.EndOutage(ctx, op, muniA.ID, id, starts.Add(5*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := w.EndOutage(ctx, op, muniA.ID, id, starts.Add(5*time.Hour)); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("ended twice: %v", err)
		}
		c.t = starts.Add(48 * time.Hour)
		ledger, err := w.Ledger(ctx, op, muniA.ID, "2", starts)
		if err != nil || len(ledger) != 1 || ledger[0].Service != ServiceHotWater || ledger[0].Assessment.TotalHours != 5 ||
			ledger[0].Assessment.ExcessHours != 1 || math.Abs(ledger[0].Assessment.ReductionPercent-0.1) > 1e-9 {
			t.Fatalf("ledger %+v %v", ledger, err)
		}
	})
}
