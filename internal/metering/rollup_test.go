package metering

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// storeReadings writes readings the way ingest does: the rows and their
// rollup marks in one transaction.
func storeReadings(t *testing.T, s *Service, rows []Reading) {
	t.Helper()
	ctx := context.Background()
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := insertRows(ctx, s.db.Q(ctx), rows); err != nil {
			return err
		}
		return markRollup(ctx, s.db.Q(ctx), rows)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func rollupAll(t *testing.T, s *Service) {
	t.Helper()
	for {
		n, err := s.RollupPending(context.Background(), 500)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// dailyOf returns a channel's daily rows keyed by local date.
func dailyOf(t *testing.T, s *Service, ch int64, loc *time.Location) map[string]float64 {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT day_ms, value FROM metering_daily WHERE channel_id = $1`, ch)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var ms int64
		var v float64
		if err := rows.Scan(&ms, &v); err != nil {
			t.Fatal(err)
		}
		lt := time.UnixMilli(ms).In(loc)
		if lt.Hour() != 0 || lt.Minute() != 0 {
			t.Fatalf("daily bucket %v does not start at local midnight", lt)
		}
		out[lt.Format("2006-01-02")] = math.Round(v*1e6) / 1e6
	}
	return out
}

func sameDays(t *testing.T, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("days %v, want %v", got, want)
	}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-6 {
			t.Fatalf("days %v, want %v", got, want)
		}
	}
}

func TestRollupByLocalDayIncrementally(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		w := seed(t, s, muniA, "SN-1")
		msk, _ := time.LoadLocation("Europe/Moscow")
		// A register at 0.01 m³ per quarter hour from local midnight of
		// 2 November for two days; sent as two batches, the second first.
		start := time.Date(2026, 11, 2, 0, 0, 0, 0, msk)
		var rows []Reading
		for i := 0; i <= 2*96; i++ {
			rows = append(rows, Reading{ChannelID: w.channel, At: start.Add(time.Duration(i) * 15 * time.Minute), Value: 100 + 0.01*float64(i), Source: SourceHTTP, Received: t0})
		}
		// The installation's start register (0 at t0, 03:00 local on
		// 1 November) opens the series: until the earlier batch arrives,
		// the jump to 100.96 is spread over the 45 hours before 3 November.
		storeReadings(t, s, rows[96:])
		rollupAll(t, s)
		sameDays(t, dailyOf(t, s, w.channel, msk), map[string]float64{"2026-11-01": 100.96 * 21 / 45, "2026-11-02": 100.96 * 24 / 45, "2026-11-03": 0.96})
		storeReadings(t, s, rows[:97])
		rollupAll(t, s)
		sameDays(t, dailyOf(t, s, w.channel, msk), map[string]float64{"2026-11-01": 100, "2026-11-02": 0.96, "2026-11-03": 0.96})

		var total float64
		if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT SUM(value) FROM metering_hourly WHERE channel_id = $1`, w.channel).Scan(&total); err != nil {
			t.Fatal(err)
		}
		if math.Abs(total-101.92) > 1e-6 {
			t.Fatalf("hourly total %v, want 101.92 (100 since installation + 1.92)", total)
		}

		// A late reading in a gap and a duplicate change nothing they should not.
		storeReadings(t, s, []Reading{rows[50], {ChannelID: w.channel, At: start.Add(-time.Hour), Value: 99.5, Received: t0}})
		rollupAll(t, s)
		sameDays(t, dailyOf(t, s, w.channel, msk), map[string]float64{"2026-11-01": 100, "2026-11-02": 0.96, "2026-11-03": 0.96})
		var last float64
		if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT value FROM metering_hourly WHERE channel_id = $1 AND start_ms = $2`,
			w.channel, start.Add(-time.Hour).UnixMilli()).Scan(&last); err != nil || math.Abs(last-0.5) > 1e-6 {
			t.Fatalf("hour before midnight = %v %v, want 0.5", last, err)
		}
		var dirty int
		if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM metering_rollup_dirty`).Scan(&dirty); err != nil || dirty != 0 {
			t.Fatalf("dirty marks left: %d %v", dirty, err)
		}
	})
}

func TestRollupRolloverAndMeterSwap(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		a := adminOf(muniB)
		ekb, _ := time.LoadLocation("Asia/Yekaterinburg")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.CreateNetwork(ctx, a, muniB.ID, NetworkInput{Code: "W", Resource: "water", Name: "Вода"})
		must(err)
		_, err = s.CreatePoint(ctx, a, muniB.ID, PointInput{Code: "P", Network: "W", Name: "Ввод", Role: RoleConsumer})
		must(err)
		day := time.Date(2026, 11, 10, 0, 0, 0, 0, ekb)
		swap := day.Add(12 * time.Hour)
		end := 9.0
		var chans []int64
		for i, serial := range []string{"OLD", "NEW"} {
			_, err = s.CreateDevice(ctx, a, muniB.ID, DeviceInput{Serial: serial})
			must(err)
			in := InstallationInput{Device: serial, Point: "P", From: day.Add(-24 * time.Hour)}
			if i == 0 {
				in.To, in.StartRegister, in.EndRegister = &swap, 99_990, &end
			} else {
				in.From, in.StartRegister = swap, 2
			}
			_, err = s.Install(ctx, a, muniB.ID, in)
			must(err)
			ch, err := s.CreateChannel(ctx, a, muniB.ID, ChannelInput{Device: serial, Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative", Digits: 5})
			must(err)
			chans = append(chans, ch)
		}
		// The old meter (99,990 when installed a day earlier) rolls over at
		// 10^5 in the morning and is removed at noon reading 9; the new one
		// starts at 2 and reads 6 at 18:00.
		storeReadings(t, s, []Reading{
			{ChannelID: chans[0], At: day, Value: 99_998, Received: t0},
			{ChannelID: chans[0], At: day.Add(6 * time.Hour), Value: 4, Received: t0},
			{ChannelID: chans[0], At: day.Add(9 * time.Hour), Value: 6, Received: t0},
			{ChannelID: chans[1], At: day.Add(18 * time.Hour), Value: 6, Received: t0},
		})
		rollupAll(t, s)
		sameDays(t, dailyOf(t, s, chans[0], ekb), map[string]float64{"2026-11-09": 8, "2026-11-10": 11})
		sameDays(t, dailyOf(t, s, chans[1], ekb), map[string]float64{"2026-11-10": 4})
		var suspect int
		must(d.R(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(suspect), 0) FROM metering_hourly`).Scan(&suspect))
		if suspect != 0 {
			t.Fatalf("a swap read as reverse flow: %d suspect hours", suspect)
		}
		// A late reading inside the old meter's life changes no day's total.
		storeReadings(t, s, []Reading{{ChannelID: chans[0], At: day.Add(-12 * time.Hour), Value: 99_995, Received: t0}})
		rollupAll(t, s)
		sameDays(t, dailyOf(t, s, chans[0], ekb), map[string]float64{"2026-11-09": 8, "2026-11-10": 11})
	})
}

func TestZoneDailyBalanceAndPurge(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		a := adminOf(muniA)
		msk, _ := time.LoadLocation("Europe/Moscow")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.CreateNetwork(ctx, a, muniA.ID, NetworkInput{Code: "W", Resource: "water", Name: "Вода"})
		must(err)
		_, err = s.CreateZone(ctx, a, muniA.ID, ZoneInput{Code: "Z", Network: "W", Kind: ZoneDMA, Name: "DMA"})
		must(err)
		day := time.Date(2026, 11, 5, 0, 0, 0, 0, msk)
		chans := map[string]int64{}
		for code, sign := range map[string]int{"IN": 1, "OUT": -1, "C1": 0, "C2": 0} {
			role := RoleBoundary
			if sign == 0 {
				role = RoleConsumer
			}
			_, err = s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: code, Network: "W", Name: code, Role: role})
			must(err)
			must(s.SetZonePoint(ctx, a, muniA.ID, ZonePointInput{Zone: "Z", Point: code, Sign: sign}))
			_, err = s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "D" + code})
			must(err)
			_, err = s.Install(ctx, a, muniA.ID, InstallationInput{Device: "D" + code, Point: code, From: day.Add(-48 * time.Hour)})
			must(err)
			chans[code], err = s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: "D" + code, Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative"})
			must(err)
			_, err = s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: "D" + code, Name: "q", Quantity: "flow", Unit: "m3/h", Kind: "instantaneous"})
			must(err)
		}
		per := map[string]float64{"IN": 100, "OUT": 20, "C1": 50, "C2": 22}
		var rows []Reading
		for code, v := range per {
			for i := range 3 {
				rows = append(rows, Reading{ChannelID: chans[code], At: day.Add(time.Duration(i) * 24 * time.Hour), Value: v * float64(i), Received: t0})
			}
		}
		storeReadings(t, s, rows)
		rollupAll(t, s)
		zb, err := s.ZoneDays(ctx, operatorOf(muniA), muniA.ID, "Z", day, day.Add(48*time.Hour))
		must(err)
		if len(zb) != 2 {
			t.Fatalf("zone days %+v", zb)
		}
		b := zb[0].Balance
		if b.In != 100 || b.Out != 20 || b.Consumers != 72 || math.Abs(b.Losses-8) > 1e-9 || math.Abs(b.LossPercent-10) > 1e-9 {
			t.Fatalf("balance %+v", b)
		}
		if _, err := s.ZoneDays(ctx, operatorOf(muniB), muniA.ID, "Z", day, day.Add(48*time.Hour)); err == nil {
			t.Fatal("another municipality's operator read the zone")
		}

		// Purging raw readings keeps the rollups and each channel's last
		// reading before the cut; a late reading after it still rolls up.
		n, err := s.PurgeRaw(ctx, day.Add(36*time.Hour))
		must(err)
		if n != 4 || countReadings(t, d) != 8 {
			t.Fatalf("purged %d, left %d", n, countReadings(t, d))
		}
		sameDays(t, dailyOf(t, s, chans["IN"], msk), map[string]float64{"2026-11-03": 0, "2026-11-04": 0, "2026-11-05": 100, "2026-11-06": 100})
		storeReadings(t, s, []Reading{{ChannelID: chans["IN"], At: day.Add(60 * time.Hour), Value: 230, Received: t0}})
		rollupAll(t, s)
		sameDays(t, dailyOf(t, s, chans["IN"], msk), map[string]float64{"2026-11-03": 0, "2026-11-04": 0, "2026-11-05": 100, "2026-11-06": 100, "2026-11-07": 30})
	})
}

func TestRollupSkipsMarksOfChannelsThatAreGone(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		if err := markRollup(ctx, d.Q(ctx), []Reading{{ChannelID: 999, At: t0}}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.RollupPending(ctx, 10); n != 1 || err != nil {
			t.Fatalf("RollupPending = %d, %v", n, err)
		}
		if n, err := s.RollupPending(ctx, 10); n != 0 || err != nil {
			t.Fatalf("the mark stayed: %d, %v", n, err)
		}
	})
}

// RunRollups with a retention purges raw readings older than it (keeping
// each channel's last one before the cut) and leaves the rollups alone.
func TestRunRollupsPurgesRawReadingsPastRetention(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d) // now is t0 + 30 days
		msk, _ := time.LoadLocation("Europe/Moscow")
		w := seed(t, s, muniA, "SN-KEEP")
		var rows []Reading
		for i := range 30 {
			rows = append(rows, Reading{ChannelID: w.channel, At: t0.Add(time.Duration(i) * 24 * time.Hour), Value: float64(10 * i), Received: t0})
		}
		storeReadings(t, s, rows)
		rollupAll(t, s)
		before := dailyOf(t, s, w.channel, msk)
		if len(before) < 29 {
			t.Fatalf("daily rollups %v", before)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.RunRollups(ctx, 20*time.Millisecond, 10*24*time.Hour); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for countReadings(t, d) != 11 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		// 20 readings before the cut at t0+20d; the last of them stays.
		if n := countReadings(t, d); n != 11 {
			t.Fatalf("%d raw readings left, want 11", n)
		}
		after := dailyOf(t, s, w.channel, msk)
		if len(after) != len(before) {
			t.Fatalf("rollups changed: %v -> %v", before, after)
		}
		for k, v := range before {
			if after[k] != v {
				t.Fatalf("rollup %s: %v -> %v", k, v, after[k])
			}
		}
	})
}
