package engine

import (
	"math"
	"slices"
	"time"
)

// NightFlow is the minimum night flow (MNF) of one local night: the
// lowest rolling one-hour mean flow between 00:00 and 04:00, in the
// channel's unit per hour.
type NightFlow struct {
	DayMs int64 // local midnight that starts the night
	MNF   float64
}

const hourMs = int64(time.Hour / time.Millisecond)

// NightFlows computes the MNF of every night the deltas (a zone's net
// inflow, or one meter's consumption) cover. A one-hour window counts
// only when the deltas cover all of it, so a night with a gap is judged
// on its covered hours, and a night with no whole covered hour is left
// out rather than reported as zero flow. Reverse deltas are ignored.
func NightFlows(deltas []Delta, loc *time.Location) []NightFlow {
	byNight := map[int64][]Delta{}
	for _, d := range deltas {
		if d.Flag == FlagReverse || d.ToMs <= d.FromMs {
			continue
		}
		for day := BucketStart(Day, d.FromMs, loc); day < d.ToMs; day = BucketEnd(Day, day, loc) {
			lo, hi := max(d.FromMs, day), min(d.ToMs, nightEnd(day, loc))
			if lo < hi {
				byNight[day] = append(byNight[day], d)
			}
		}
	}
	out := make([]NightFlow, 0, len(byNight))
	for day, ds := range byNight {
		if mnf, ok := minHourlyMean(ds, day, nightEnd(day, loc)); ok {
			out = append(out, NightFlow{DayMs: day, MNF: mnf})
		}
	}
	slices.SortFunc(out, func(a, b NightFlow) int { return int(a.DayMs - b.DayMs) })
	return out
}

func nightEnd(day int64, loc *time.Location) int64 {
	t := time.UnixMilli(day).In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 4, 0, 0, 0, loc).UnixMilli()
}

// minHourlyMean tries every window [s, s+1h) inside [from, to) that
// starts where a delta starts (or at from) and returns the lowest volume
// among the fully covered ones.
func minHourlyMean(ds []Delta, from, to int64) (float64, bool) {
	starts := []int64{from}
	for _, d := range ds {
		if d.FromMs > from {
			starts = append(starts, d.FromMs)
		}
	}
	best, ok := math.Inf(1), false
	for _, s := range starts {
		e := s + hourMs
		if e > to {
			continue
		}
		var vol float64
		var covered int64
		for _, d := range ds {
			lo, hi := max(d.FromMs, s), min(d.ToMs, e)
			if lo < hi {
				covered += hi - lo
				vol += d.Value * float64(hi-lo) / float64(d.ToMs-d.FromMs)
			}
		}
		if covered >= hourMs && vol < best {
			best, ok = vol, true
		}
	}
	return best, ok
}

// LeakRule holds the minimum-night-flow thresholds; the zero value is
// replaced by the defaults of DefaultLeakRule.
type LeakRule struct {
	BaselineNights int     // nights in the rolling baseline (7)
	Percentile     float64 // baseline quantile of their MNFs (0.2, as UKWIR)
	MADFactor      float64 // rise needed in MADs (3)
	MinRise        float64 // and at least this share of the baseline (0.2)
	Nights         int     // consecutive nights above the threshold (2)
}

// DefaultLeakRule is the burst rule: MNF above the 20th percentile of
// the previous 7 nights by max(3·MAD, 20 %) on 2 nights in a row.
var DefaultLeakRule = LeakRule{BaselineNights: 7, Percentile: 0.2, MADFactor: 3, MinRise: 0.2, Nights: 2}

func (r LeakRule) withDefaults() LeakRule {
	d := DefaultLeakRule
	if r.BaselineNights > 0 {
		d.BaselineNights = r.BaselineNights
	}
	if r.Percentile > 0 {
		d.Percentile = r.Percentile
	}
	if r.MADFactor > 0 {
		d.MADFactor = r.MADFactor
	}
	if r.MinRise > 0 {
		d.MinRise = r.MinRise
	}
	if r.Nights > 0 {
		d.Nights = r.Nights
	}
	return d
}

// LeakVerdict is the result of DetectLeak on the latest nights.
type LeakVerdict struct {
	Leak      bool
	Baseline  float64 // baseline MNF
	Threshold float64 // MNF above which a night counts
	Latest    float64 // the latest night's MNF
	Excess    float64 // Latest − Baseline
	SinceMs   int64   // first night of the run above the threshold
	Judged    bool    // false when there were not enough nights
}

// DetectLeak judges the latest Nights nights against a baseline taken
// from the BaselineNights nights before them. The nights must be
// consecutive calendar nights as NightFlows returns them; missing nights
// simply shorten the history.
func DetectLeak(nights []NightFlow, rule LeakRule) LeakVerdict {
	r := rule.withDefaults()
	var v LeakVerdict
	n := len(nights)
	if n < r.BaselineNights+r.Nights {
		return v
	}
	base := make([]float64, 0, r.BaselineNights)
	for _, nf := range nights[n-r.Nights-r.BaselineNights : n-r.Nights] {
		base = append(base, nf.MNF)
	}
	v.Judged = true
	v.Baseline = Percentile(base, r.Percentile)
	v.Threshold = v.Baseline + max(r.MADFactor*MAD(base), r.MinRise*math.Abs(v.Baseline))
	v.Latest = nights[n-1].MNF
	v.Excess = v.Latest - v.Baseline
	v.Leak = true
	for _, nf := range nights[n-r.Nights:] {
		if nf.MNF <= v.Threshold {
			v.Leak = false
		}
	}
	if v.Leak {
		v.SinceMs = nights[n-r.Nights].DayMs
	}
	return v
}
