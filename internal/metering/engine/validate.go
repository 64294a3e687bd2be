package engine

import (
	"math"
	"slices"
)

// SpikeThreshold is the modified z-score above which Iglewicz and
// Hoaglin call a value an outlier.
const SpikeThreshold = 3.5

// ModifiedZ returns the modified z-scores of xs: 0.6745·(x − median)/MAD.
// When more than half the values are equal (MAD = 0) it falls back to the
// mean absolute deviation, 1.253314·meanAD, and when that is zero as well
// every score is zero: a flat series has no outliers.
func ModifiedZ(xs []float64) []float64 {
	z := make([]float64, len(xs))
	if len(xs) == 0 {
		return z
	}
	med := Median(xs)
	scale := MAD(xs) / 0.6745
	if scale == 0 {
		var sum float64
		for _, x := range xs {
			sum += math.Abs(x - med)
		}
		scale = 1.253314 * sum / float64(len(xs))
	}
	if scale == 0 {
		return z
	}
	for i, x := range xs {
		z[i] = (x - med) / scale
	}
	return z
}

// Spikes returns the deltas whose consumption rate (value per hour, so
// that uneven intervals compare) has a modified z-score above
// SpikeThreshold. Only upward spikes are returned; reverse deltas are
// left to ReverseFlows.
func Spikes(deltas []Delta) []Delta {
	var ds []Delta
	var rates []float64
	for _, d := range deltas {
		if d.Flag == FlagReverse || d.ToMs <= d.FromMs {
			continue
		}
		ds = append(ds, d)
		rates = append(rates, d.Value*float64(hourMs)/float64(d.ToMs-d.FromMs))
	}
	var out []Delta
	for i, z := range ModifiedZ(rates) {
		if z > SpikeThreshold {
			out = append(out, ds[i])
		}
	}
	return out
}

// ReverseFlows returns the deltas where the register went backwards
// without a rollover or a meter replacement to explain it.
func ReverseFlows(deltas []Delta) []Delta {
	var out []Delta
	for _, d := range deltas {
		if d.Flag == FlagReverse {
			out = append(out, d)
		}
	}
	return out
}

// Stuck reports whether the register has not moved for at least minMs
// up to its latest reading, and since when. Callers pass the deltas of a
// meter whose zone shows flow, or use a long minMs (7 days) alone.
func Stuck(deltas []Delta, minMs int64) (since int64, stuck bool) {
	if len(deltas) == 0 {
		return 0, false
	}
	ds := slices.Clone(deltas)
	slices.SortFunc(ds, func(a, b Delta) int { return int(a.FromMs - b.FromMs) })
	end := ds[len(ds)-1].ToMs
	since = end
	for i := len(ds) - 1; i >= 0 && ds[i].Value == 0 && ds[i].Flag != FlagReverse; i-- {
		since = ds[i].FromMs
	}
	return since, end-since >= minMs
}

// Gap is a stretch [FromMs, ToMs) with no readings.
type Gap struct{ FromMs, ToMs int64 }

// Gaps returns the stretches between consecutive readings longer than
// factor × the expected interval (factor below 1 counts as 1.5).
func Gaps(readings []Reading, intervalMs int64, factor float64) []Gap {
	if factor < 1 {
		factor = 1.5
	}
	rs := sortDedup(readings)
	var out []Gap
	limit := int64(float64(intervalMs) * factor)
	for i := 1; i < len(rs); i++ {
		if rs[i].TS-rs[i-1].TS > limit {
			out = append(out, Gap{FromMs: rs[i-1].TS, ToMs: rs[i].TS})
		}
	}
	return out
}

// ContinuousFlow reports a customer-side leak: the latest windowHours
// consecutive hourly buckets (24 by default) all show consumption, with
// no zero-flow hour among them. A household meter normally rests at
// night; one that never does is leaking after the meter. Missing hours
// break the window, so a gap never counts as flow.
func ContinuousFlow(hourly []Bucket, windowHours int) bool {
	if windowHours <= 0 {
		windowHours = 24
	}
	if len(hourly) < windowHours {
		return false
	}
	last := hourly[len(hourly)-windowHours:]
	for i, b := range last {
		if b.Value <= 0 || (i > 0 && last[i-1].EndMs != b.StartMs) {
			return false
		}
	}
	return true
}
