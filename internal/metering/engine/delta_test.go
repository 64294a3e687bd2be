package engine

import (
	"math"
	"testing"
)

func ms(min int64) int64 { return min * 60_000 }

func sum(ds []Delta) float64 {
	var s float64
	for _, d := range ds {
		if d.Flag != FlagReverse {
			s += d.Value
		}
	}
	return s
}

func TestDeltas(t *testing.T) {
	tests := []struct {
		name     string
		readings []Reading
		reg      Register
		want     []float64
		flags    []Flag
	}{
		{"in order", []Reading{{ms(0), 10, Measured}, {ms(15), 12, Measured}, {ms(30), 15, Measured}}, Register{}, []float64{2, 3}, []Flag{"", ""}},
		{"out of order", []Reading{{ms(30), 15, Measured}, {ms(0), 10, Measured}, {ms(15), 12, Measured}}, Register{}, []float64{2, 3}, []Flag{"", ""}},
		{"duplicates", []Reading{{ms(0), 10, Measured}, {ms(15), 12, Measured}, {ms(15), 12, Measured}, {ms(0), 10, Measured}, {ms(30), 15, Measured}}, Register{}, []float64{2, 3}, []Flag{"", ""}},
		{"late duplicate with another value loses to the stored one", []Reading{{ms(0), 10, Measured}, {ms(15), 12, Measured}, {ms(15), 99, Measured}, {ms(30), 15, Measured}}, Register{}, []float64{2, 3}, []Flag{"", ""}},
		{"edited beats suspect at the same instant", []Reading{{ms(0), 10, Measured}, {ms(15), 99, Suspect}, {ms(15), 12, Edited}, {ms(30), 15, Measured}}, Register{}, []float64{2, 3}, []Flag{"", ""}},
		{"rollover at 10^5", []Reading{{ms(0), 99_998, Measured}, {ms(15), 3, Measured}}, Register{Digits: 5}, []float64{5}, []Flag{FlagRollover}},
		{"rollover at 10^4 out of order", []Reading{{ms(15), 2, Measured}, {ms(0), 9_999, Measured}, {ms(30), 7, Measured}}, Register{Digits: 4}, []float64{3, 5}, []Flag{FlagRollover, ""}},
		{"fall not explained by rollover is reverse", []Reading{{ms(0), 500, Measured}, {ms(15), 400, Measured}}, Register{Digits: 5}, []float64{-100}, []Flag{FlagReverse}},
		{"no digits: any fall is reverse", []Reading{{ms(0), 99_998, Measured}, {ms(15), 3, Measured}}, Register{}, []float64{-99_995}, []Flag{FlagReverse}},
		{"multiplier", []Reading{{ms(0), 100, Measured}, {ms(60), 110, Measured}}, Register{Multiplier: 0.01}, []float64{0.1}, []Flag{""}},
		{"rollover with multiplier", []Reading{{ms(0), 999, Measured}, {ms(60), 1, Measured}}, Register{Digits: 3, Multiplier: 10}, []float64{20}, []Flag{FlagRollover}},
		{"missing and NaN skipped", []Reading{{ms(0), 10, Measured}, {ms(15), 0, Missing}, {ms(30), math.NaN(), Measured}, {ms(45), 13, Measured}}, Register{}, []float64{3}, []Flag{""}},
		{"single reading", []Reading{{ms(0), 10, Measured}}, Register{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Deltas(tt.readings, tt.reg)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d deltas %+v, want %d", len(got), got, len(tt.want))
			}
			for i, d := range got {
				if math.Abs(d.Value-tt.want[i]) > 1e-9 || d.Flag != tt.flags[i] {
					t.Errorf("delta %d = %v %q, want %v %q", i, d.Value, d.Flag, tt.want[i], tt.flags[i])
				}
				if d.ToMs <= d.FromMs {
					t.Errorf("delta %d not forward in time: %+v", i, d)
				}
			}
		})
	}
}

func TestDeltaQualityIsTheWorseEnd(t *testing.T) {
	got := Deltas([]Reading{{ms(0), 1, Measured}, {ms(15), 2, Estimated}, {ms(30), 3, Measured}}, Register{})
	if got[0].Quality != Estimated || got[1].Quality != Estimated {
		t.Fatalf("qualities %q %q, want estimated twice", got[0].Quality, got[1].Quality)
	}
}

func TestPointDeltasAcrossMeterSwap(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	// Old meter 1200 → removed at 1250 at minute 60; new meter starts at
	// 3 and reads 10 at minute 120. Consumption = 50 + 7, never negative.
	tenures := []Tenure{
		{FromMs: 0, ToMs: ms(60), Start: f(1200), End: f(1250), Register: Register{Digits: 5},
			Readings: []Reading{{ms(30), 1230, Measured}, {ms(90), 5, Measured} /* a stray reading after removal */}},
		{FromMs: ms(60), Start: f(3), Register: Register{Digits: 5},
			Readings: []Reading{{ms(120), 10, Measured}, {ms(30), 1230, Measured} /* before installation */}},
	}
	got := PointDeltas(tenures)
	if len(ReverseFlows(got)) != 0 {
		t.Fatalf("a meter swap read as reverse flow: %+v", got)
	}
	if s := sum(got); math.Abs(s-57) > 1e-9 {
		t.Fatalf("consumption across the swap = %v, want 57 (%+v)", s, got)
	}
	// Without start/end registers the swap loses only the unknown parts.
	tenures[0].End, tenures[1].Start = nil, nil
	if s := sum(PointDeltas(tenures)); math.Abs(s-30) > 1e-9 {
		t.Fatalf("without registers = %v, want 30", s)
	}
}

func TestIntervalDeltas(t *testing.T) {
	got := IntervalDeltas([]Reading{{ms(30), 2, Measured}, {ms(15), 1, Measured}, {ms(15), 1, Measured}}, ms(15), 1000)
	if len(got) != 2 || got[0].FromMs != 0 || got[0].ToMs != ms(15) || got[0].Value != 1000 || got[1].Value != 2000 {
		t.Fatalf("got %+v", got)
	}
}

func TestRateDeltas(t *testing.T) {
	// 2 m³/h rising to 4 over 30 minutes is 1.5 m³; then a gap of 3 hours
	// is not bridged.
	rs := []Reading{{ms(30), 4, Measured}, {0, 2, Measured}, {ms(30), 4, Measured}, {ms(210), 4, Measured}, {ms(240), 2, Estimated}}
	got := RateDeltas(rs, ms(60))
	if len(got) != 2 || math.Abs(got[0].Value-1.5) > 1e-9 || got[0].ToMs != ms(30) {
		t.Fatalf("got %+v", got)
	}
	if math.Abs(got[1].Value-1.5) > 1e-9 || got[1].FromMs != ms(210) || got[1].Quality != Estimated {
		t.Fatalf("second %+v", got[1])
	}
	if r := RateDeltas([]Reading{{0, -1, Measured}, {ms(60), -1, Measured}}, 0); len(r) != 1 || r[0].Flag != FlagReverse {
		t.Fatalf("negative rate %+v", r)
	}
}
