package metering

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestIngestRejectsBadReadingsAndKeepsGoodOnes runs one batch holding
// every kind of bad reading beside valid ones, late and out of order.
func TestIngestRejectsBadReadingsAndKeepsGoodOnes(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		seed(t, s, muniA, "SN-1")
		seed(t, s, muniB, "SN-B")
		now := c.t
		batch := Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: []Input{
			{Device: "SN-1", Channel: "v", At: now.Add(-time.Hour), Value: 10},                    // 0 ok
			{Device: "SN-1", Channel: "v", At: now.Add(-2 * time.Hour), Value: 9},                 // 1 ok, out of order
			{Device: "SN-1", Channel: "v", At: now.Add(-time.Hour), Value: 11},                    // 2 duplicate in the batch
			{Device: "SN-X", Channel: "v", At: now, Value: 1},                                     // 3 unknown device
			{Device: "SN-1", Channel: "zz", At: now, Value: 1},                                    // 4 unknown channel
			{Device: "SN-1", Channel: "v", At: now.Add(11 * time.Minute), Value: 1},               // 5 future
			{Device: "SN-1", Channel: "v", At: now.Add(9 * time.Minute), Value: 12},               // 6 ok, slightly ahead
			{Device: "SN-1", Channel: "v", At: t0.Add(-time.Second), Value: 1},                    // 7 before installation
			{Device: "SN-1", Channel: "v", At: now, Value: math.NaN()},                            // 8 NaN
			{Device: "SN-1", Channel: "v", At: now, Value: math.Inf(1)},                           // 9 Inf
			{Device: "SN-1", Channel: "v", At: now, Reject: ReasonNotNumeric},                     // 10 parser refused
			{Device: "SN-B", Channel: "v", At: now, Value: 1},                                     // 11 another municipality's device
			{Device: "SN-1", Channel: "q", At: now.Add(-time.Hour), Value: 0.5, Quality: Suspect}, // 12 ok
			{Device: "SN-1", Channel: "v", At: now},                                               // 13 ok (zero is a value)
			{Device: "SN-1", Channel: "v", Value: 1},                                              // 14 no time
		}}
		res, err := s.Ingest(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{3: ReasonUnknownDevice, 4: ReasonUnknownChannel, 5: ReasonFuture, 7: ReasonBeforeInstallation,
			8: ReasonNotFinite, 9: ReasonNotFinite, 10: ReasonNotNumeric, 11: ReasonUnknownDevice, 14: ReasonNoTimestamp}
		got := map[int]string{}
		for _, r := range res.Rejected {
			got[r.Index] = r.Reason
		}
		if len(got) != len(want) {
			t.Errorf("rejected %v, want %v", got, want)
		}
		for i, r := range want {
			if got[i] != r {
				t.Errorf("reading %d: reason %q, want %q", i, got[i], r)
			}
		}
		if res.Stored != 5 || res.Duplicates != 1 || res.Received != 15 {
			t.Errorf("result %+v, want 5 stored, 1 duplicate of 15", res)
		}
		if n := countReadings(t, d); n != 5 {
			t.Errorf("%d readings stored, want 5", n)
		}
		// The first of two readings at one instant wins; a resend is a duplicate.
		var v float64
		var q int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT value, quality FROM metering_readings WHERE ts_ms = $1 AND value > 9.5`, now.Add(-time.Hour).UnixMilli()).Scan(&v, &q); err != nil {
			t.Fatal(err)
		}
		if v != 10 {
			t.Errorf("value %v, want the first of the batch (10)", v)
		}
		again, err := s.Ingest(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if again.Stored != 0 || again.Duplicates != 6 {
			t.Errorf("resent batch: %+v, want nothing stored, 6 duplicates", again)
		}
	})
}

// TestIngestDeviceBatchIsItsOwn: a device may send only its own readings.
func TestIngestDeviceBatchIsItsOwn(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		w := seed(t, s, muniA, "SN-1")
		_, err := s.CreateDevice(ctx, adminOf(muniA), muniA.ID, DeviceInput{Serial: "SN-2"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, DeviceID: w.deviceID, Source: SourceMQTT, Readings: []Input{
			{Channel: "v", At: c.t, Value: 1},
			{Device: "SN-1", Channel: "v", At: c.t.Add(-time.Minute), Value: 1},
			{Device: "SN-2", Channel: "v", At: c.t, Value: 1},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 2 || len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonOtherDevice {
			t.Errorf("result %+v, want 2 stored and SN-2 refused as another device", res)
		}
	})
}

// TestIngestLargeBatch crosses the chunk and COPY thresholds.
func TestIngestLargeBatch(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		seed(t, s, muniA, "SN-1")
		in := make([]Input, 2500)
		for i := range in {
			in[i] = Input{Device: "SN-1", Channel: "v", At: c.t.Add(-time.Duration(i) * time.Minute), Value: float64(i)}
		}
		in[100] = Input{Device: "SN-1", Channel: "v", At: c.t, Value: math.NaN()}
		res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: in})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 2499 || countReadings(t, d) != 2499 {
			t.Errorf("stored %d (%d in the table), want 2499", res.Stored, countReadings(t, d))
		}
		// The rollup job is told, in the same transaction, what to recompute.
		var from, to int64
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT from_ms, to_ms FROM metering_rollup_dirty`).Scan(&from, &to); err != nil ||
			from != c.t.Add(-2499*time.Minute).UnixMilli() || to != c.t.UnixMilli() {
			t.Errorf("rollup mark %d..%d (%v)", from, to, err)
		}
		res, err = s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: in})
		if err != nil || res.Stored != 0 || res.Duplicates != 2499 {
			t.Errorf("again: %+v %v, want all duplicates", res, err)
		}
	})
}

// TestIngestMarksEveryChannel writes a batch over more channels than one
// rollup-mark statement carries (PostgreSQL: COPY and pipelined marks)
// and finds every channel marked for the rollups, and a cold channel
// cache resolved for the whole batch.
func TestIngestMarksEveryChannel(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		const n = 2*markChunk + 50
		var points, devs, inst, chans strings.Builder
		points.WriteString("code,network,name,role\n")
		devs.WriteString("serial\n")
		inst.WriteString("device,point,from\n")
		chans.WriteString("device,name,quantity,unit,kind\n")
		for i := range n {
			fmt.Fprintf(&points, "P%d,W,p,consumer\n", i)
			fmt.Fprintf(&devs, "D%d\n", i)
			fmt.Fprintf(&inst, "D%d,P%d,2026-01-01\n", i, i)
			fmt.Fprintf(&chans, "D%d,v,volume,m3,cumulative\n", i)
		}
		for _, f := range [][2]string{{"networks", "code,resource,name\nW,water,w\n"}, {"points", points.String()}, {"devices", devs.String()}, {"installations", inst.String()}, {"channels", chans.String()}} {
			if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f[0], strings.NewReader(f[1])); err != nil {
				t.Fatal(err)
			}
		}
		in := make([]Input, 0, n+1)
		for i := range n {
			in = append(in, Input{Device: fmt.Sprintf("D%d", i), Channel: "v", At: c.t.Add(-time.Hour), Value: float64(i)})
		}
		in = append(in, Input{Device: "D0", Channel: "nope", At: c.t, Value: 1})
		res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: in})
		if err != nil || res.Stored != n || len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonUnknownChannel {
			t.Fatalf("%+v %v", res, err)
		}
		var marked int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_rollup_dirty`).Scan(&marked); err != nil || marked != n {
			t.Fatalf("%d channels marked (%v), want %d", marked, err, n)
		}
		// Half of them again with a new reading each: the old ones are
		// duplicates, the new ones stored (PostgreSQL: COPY fails on the
		// key and the batch goes through the merge instead).
		again := make([]Input, 0, n)
		for i := range n / 2 {
			again = append(again, in[i], Input{Device: fmt.Sprintf("D%d", i), Channel: "v", At: c.t.Add(-30 * time.Minute), Value: float64(i) + 1})
		}
		res, err = s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: again})
		if err != nil || res.Stored != n/2 || res.Duplicates != n/2 || countReadings(t, d) != n+n/2 {
			t.Fatalf("again: %+v %v, %d readings", res, err, countReadings(t, d))
		}
	})
}
