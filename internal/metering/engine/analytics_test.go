package engine

import (
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestZoneBalance(t *testing.T) {
	tests := []struct {
		name      string
		boundary  []BoundaryFlow
		consumers float64
		losses    float64
		pct       float64
		hasInput  bool
	}{
		{"one inlet", []BoundaryFlow{{"in", 1, 1000}}, 850, 150, 15, true},
		{"inlets and an outlet to a neighbour", []BoundaryFlow{{"a", 1, 600}, {"b", 1, 600}, {"c", -1, 200}}, 900, 100, 10, true},
		{"consumers above input: negative losses (meter error)", []BoundaryFlow{{"a", 1, 100}}, 110, -10, -10, true},
		{"no input", []BoundaryFlow{{"a", -1, 50}}, 0, -50, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ZoneBalance(tt.boundary, tt.consumers)
			if !near(b.Losses, tt.losses) || !near(b.LossPercent, tt.pct) || b.HasInput != tt.hasInput {
				t.Fatalf("got %+v", b)
			}
		})
	}
}

func TestIWABalance(t *testing.T) {
	w := IWABalance(WaterInput{
		SystemInput: 10_000, BilledMetered: 7_000, BilledUnmetered: 500, UnbilledMetered: 100, UnbilledUnmetered: 100,
		ApparentLosses: 300, Days: 30, MainsKm: 20, Connections: 1_000, PrivatePipeKm: 2, PressureM: 40,
	})
	// Authorised 7,700; losses 2,300 = 300 apparent + 2,000 real; NRW 2,500.
	if !near(w.Authorised, 7_700) || !near(w.Losses, 2_300) || !near(w.Real, 2_000) || !near(w.NonRevenue, 2_500) || !near(w.NonRevenuePercent, 25) {
		t.Fatalf("got %+v", w)
	}
	// CARL = 2,000 m³ / 30 d = 66,666.7 l/d; UARL = (360 + 800 + 50)·40 = 48,400 l/d.
	if !near(w.UARL, 48_400) || !w.HasILI || math.Abs(w.ILI-66_666.6667/48_400) > 1e-6 {
		t.Fatalf("ILI: %+v", w)
	}
	if w := IWABalance(WaterInput{SystemInput: 100, BilledMetered: 90, ApparentLosses: 50}); !near(w.Apparent, 10) || !near(w.Real, 0) || w.HasILI {
		t.Fatalf("apparent losses cannot exceed losses: %+v", w)
	}
}

// nightSeries builds 15-minute zone inflow deltas for days nights, with
// a base night flow (units per hour) and a day flow, plus extra from
// leakFrom on.
func nightSeries(loc *time.Location, days int, night, dayFlow, extra float64, leakFromDay int) []Delta {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, loc).UnixMilli()
	var ds []Delta
	for ts := start; ts < start+int64(days)*24*hourMs; ts += ms(15) {
		h := time.UnixMilli(ts).In(loc).Hour()
		rate := dayFlow
		if h >= 1 && h < 4 {
			rate = night
		}
		if int((ts-start)/(24*hourMs)) >= leakFromDay {
			rate += extra
		}
		ds = append(ds, Delta{FromMs: ts, ToMs: ts + ms(15), Value: rate / 4, Quality: Measured})
	}
	return ds
}

func TestNightFlowsAndLeak(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Yekaterinburg")
	ds := nightSeries(loc, 12, 10, 40, 8, 10)
	nights := NightFlows(ds, loc)
	if len(nights) != 12 {
		t.Fatalf("%d nights", len(nights))
	}
	if !near(nights[0].MNF, 10) || !near(nights[11].MNF, 18) {
		t.Fatalf("MNF %v … %v, want 10 … 18", nights[0].MNF, nights[11].MNF)
	}
	if lt := time.UnixMilli(nights[0].DayMs).In(loc); lt.Hour() != 0 || lt.Day() != 1 {
		t.Fatalf("night keyed by %v", lt)
	}
	v := DetectLeak(nights, LeakRule{})
	if !v.Leak || !v.Judged || !near(v.Baseline, 10) || !near(v.Threshold, 12) || v.SinceMs != nights[10].DayMs {
		t.Fatalf("verdict %+v", v)
	}
	// One bad night is not a leak; nor is a rise within 20 %.
	if v := DetectLeak(NightFlows(nightSeries(loc, 12, 10, 40, 8, 11), loc), LeakRule{}); v.Leak {
		t.Fatalf("one night alarmed: %+v", v)
	}
	if v := DetectLeak(NightFlows(nightSeries(loc, 12, 10, 40, 1.5, 10), loc), LeakRule{}); v.Leak {
		t.Fatalf("15 %% rise alarmed: %+v", v)
	}
	if v := DetectLeak(nights[:8], LeakRule{}); v.Judged || v.Leak {
		t.Fatalf("judged without a baseline: %+v", v)
	}
}

func TestNightFlowNeedsAWholeCoveredHour(t *testing.T) {
	loc := time.UTC
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, loc).UnixMilli()
	// Only 45 minutes of data in the night window: no MNF.
	ds := []Delta{{FromMs: day + hourMs, ToMs: day + hourMs + ms(45), Value: 1}}
	if got := NightFlows(ds, loc); len(got) != 0 {
		t.Fatalf("got %+v", got)
	}
	// An hourly delta and a gap: the covered hour counts.
	ds = append(ds, Delta{FromMs: day + 2*hourMs, ToMs: day + 3*hourMs, Value: 7})
	if got := NightFlows(ds, loc); len(got) != 1 || !near(got[0].MNF, 7) {
		t.Fatalf("got %+v", got)
	}
}

func TestModifiedZAndSpikes(t *testing.T) {
	z := ModifiedZ([]float64{1, 2, 3, 4, 100})
	if z[4] < SpikeThreshold || math.Abs(z[2]) > 1e-9 {
		t.Fatalf("z = %v", z)
	}
	// MAD 0: most values equal; the mean absolute deviation takes over.
	z = ModifiedZ([]float64{5, 5, 5, 5, 5, 5, 50})
	if z[6] < SpikeThreshold || z[0] != 0 {
		t.Fatalf("z with MAD 0 = %v", z)
	}
	if z := ModifiedZ([]float64{3, 3, 3}); z[0] != 0 {
		t.Fatalf("flat series z = %v", z)
	}
	var ds []Delta
	for i := range int64(20) {
		v := 1.0 + float64(i%3)*0.1
		if i == 12 {
			v = 30
		}
		ds = append(ds, Delta{FromMs: ms(15 * i), ToMs: ms(15*i + 15), Value: v})
	}
	// A 2-hour delta of 8 is a normal rate (1/15 min), not a spike.
	ds = append(ds, Delta{FromMs: ms(300), ToMs: ms(420), Value: 8})
	sp := Spikes(ds)
	if len(sp) != 1 || sp[0].Value != 30 {
		t.Fatalf("spikes %+v", sp)
	}
}

func TestStuckGapsContinuousFlow(t *testing.T) {
	day := 24 * hourMs
	var ds []Delta
	for i := range int64(10) {
		v := 1.0
		if i >= 2 {
			v = 0
		}
		ds = append(ds, Delta{FromMs: i * day, ToMs: (i + 1) * day, Value: v})
	}
	if since, stuck := Stuck(ds, 7*day); !stuck || since != 2*day {
		t.Fatalf("stuck %v since %d", stuck, since)
	}
	if _, stuck := Stuck(ds[:8], 7*day); stuck {
		t.Fatal("6 zero days called stuck")
	}
	rs := []Reading{{0, 0, Measured}, {ms(15), 0, Measured}, {ms(90), 0, Measured}, {ms(105), 0, Measured}}
	if g := Gaps(rs, ms(15), 0); len(g) != 1 || g[0] != (Gap{ms(15), ms(90)}) {
		t.Fatalf("gaps %+v", g)
	}
	var hours []Bucket
	for i := range int64(30) {
		v := 0.02
		if i == 3 {
			v = 0
		}
		hours = append(hours, Bucket{StartMs: i * hourMs, EndMs: (i + 1) * hourMs, Value: v})
	}
	if !ContinuousFlow(hours, 24) {
		t.Fatal("26 hours of flow not reported")
	}
	if ContinuousFlow(hours[:27], 24) {
		t.Fatal("a zero hour in the window still reported")
	}
	hours[20].StartMs++ // a missing hour breaks the run
	if ContinuousFlow(hours, 24) {
		t.Fatal("a gap counted as flow")
	}
}

func TestOffline(t *testing.T) {
	if got := ReportingInterval([]int64{ms(30), 0, ms(15), ms(15), ms(45), ms(120)}); got != ms(15) {
		t.Fatalf("interval %d", got)
	}
	tests := []struct {
		last, now, interval int64
		want                bool
	}{
		{0, ms(44), ms(15), false},
		{0, ms(46), ms(15), true},
		{0, 2 * 24 * hourMs, 24 * hourMs, false}, // a daily meter two days quiet is fine
		{0, ms(1000), 0, false},                  // unknown interval: never guessed offline
	}
	for _, tt := range tests {
		if got := Offline(tt.last, tt.now, tt.interval, 0); got != tt.want {
			t.Errorf("Offline(%+v) = %v", tt, got)
		}
	}
}

func TestInferOutage(t *testing.T) {
	now := 10 * hourMs
	iv := ms(15)
	up := func(id string) MeterState { return MeterState{ID: id, LastSeenMs: now - ms(5), IntervalMs: iv} }
	silent := func(id string, at int64) MeterState { return MeterState{ID: id, LastSeenMs: at, IntervalMs: iv} }
	zero := func(id string, at int64) MeterState {
		return MeterState{ID: id, LastSeenMs: now - ms(5), IntervalMs: iv, ZeroSinceMs: at}
	}
	tests := []struct {
		name   string
		meters []MeterState
		want   bool
		since  int64
		down   int
	}{
		{"all up", []MeterState{up("a"), up("b"), up("c"), up("d")}, false, 0, 0},
		{"three of four silent together", []MeterState{silent("a", 8*hourMs), silent("b", 8*hourMs+ms(10)), zero("c", 8*hourMs+ms(20)), up("d")}, true, 8 * hourMs, 3},
		{"silent one by one over hours", []MeterState{silent("a", 2*hourMs), silent("b", 5*hourMs), silent("c", 8*hourMs), up("d")}, false, 0, 0},
		{"two of two is below the minimum", []MeterState{silent("a", 8*hourMs), silent("b", 8*hourMs)}, false, 0, 0},
		{"three of seven is below half", []MeterState{silent("a", 8*hourMs), silent("b", 8*hourMs), silent("c", 8*hourMs), up("d"), up("e"), up("f"), up("g")}, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := InferOutage(tt.meters, now, OutageRule{})
			if ok != tt.want || o.SinceMs != tt.since || len(o.Down) != tt.down {
				t.Fatalf("got %v %+v", ok, o)
			}
		})
	}
}

func TestAssessInterruptions(t *testing.T) {
	hotWater := Limit{Service: "hot_water", MaxSingleHours: 4, MaxMonthHours: 8, ReductionPerHour: 0.1}
	heating := Limit{Service: "heating", MaxSingleHours: 16, MaxMonthHours: 24, ReductionPerHour: 0.15}
	h := func(from, to float64) Span { return Span{int64(from * float64(hourMs)), int64(to * float64(hourMs))} }
	tests := []struct {
		name      string
		spans     []Span
		limit     Limit
		excess    float64
		reduction float64
		single    bool
		month     bool
	}{
		{"within limits", []Span{h(0, 3), h(10, 13)}, hotWater, 0, 0, false, false},
		{"one too long", []Span{h(0, 6)}, hotWater, 2, 0.2, true, false},
		{"month total over", []Span{h(0, 4), h(10, 14), h(20, 23)}, hotWater, 3, 0.3, false, true},
		{"both: the larger excess, not the sum", []Span{h(0, 7), h(10, 14)}, hotWater, 3, 0.3, true, true},
		{"heating 30 hours", []Span{h(0, 30)}, heating, 14, 2.1, true, true},
		{"capped at the whole charge", []Span{h(0, 800)}, heating, 784, 100, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Assess(tt.spans, tt.limit)
			if !near(a.ExcessHours, tt.excess) || !near(a.ReductionPercent, tt.reduction) || a.OverSingle != tt.single || a.OverMonth != tt.month {
				t.Fatalf("got %+v", a)
			}
		})
	}
	// An open span (ToMs 0) runs until now.
	clipped := ClipSpans([]Span{h(-5, 2), {FromMs: 3 * hourMs}}, 0, 10*hourMs, 6*hourMs)
	if len(clipped) != 2 || clipped[0] != h(0, 2) || clipped[1] != h(3, 6) {
		t.Fatalf("clipped %+v", clipped)
	}
}
