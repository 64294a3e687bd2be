package engine

import "math"

// Register describes the arithmetic of a cumulative register.
type Register struct {
	// Digits is the number of integer digits the register shows; it
	// wraps to zero at 10^Digits. Zero means it never wraps.
	Digits int
	// Multiplier converts register units into the channel's unit (a
	// pulse weight or a current-transformer ratio). Zero means 1.
	Multiplier float64
}

func (r Register) multiplier() float64 {
	if r.Multiplier == 0 {
		return 1
	}
	return r.Multiplier
}

// span is the register's modulus, or 0 when it never wraps.
func (r Register) span() float64 {
	if r.Digits <= 0 || r.Digits > 15 {
		return 0
	}
	return math.Pow10(r.Digits)
}

// Flag says how a Delta was obtained.
type Flag string

// The delta flags. Reverse deltas are kept for validation but carry no
// consumption into buckets.
const (
	FlagNormal   Flag = ""
	FlagRollover Flag = "rollover"
	FlagReverse  Flag = "reverse"
)

// Delta is the consumption between two instants, already multiplied
// into the channel's unit: the register moved by Value over [FromMs, ToMs).
type Delta struct {
	FromMs, ToMs int64
	Value        float64
	Quality      Quality
	Flag         Flag
}

// Deltas turns a cumulative register's readings into consumption
// between consecutive readings. The readings may arrive in any order and
// repeat: they are sorted and one is kept per timestamp. A fall of the
// register is a rollover when wrapping at 10^Digits explains it with a
// forward move of less than half the register; otherwise it is reverse
// flow, kept with FlagReverse so that validation can see it. Missing
// readings are skipped; a delta's quality is the worse of its two ends.
func Deltas(readings []Reading, reg Register) []Delta {
	rs := sortDedup(readings)
	out := make([]Delta, 0, len(rs))
	var prev *Reading
	for i := range rs {
		r := &rs[i]
		if r.Quality == Missing || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			continue
		}
		if prev != nil {
			out = append(out, delta(*prev, *r, reg))
		}
		prev = r
	}
	return out
}

func delta(a, b Reading, reg Register) Delta {
	d := Delta{FromMs: a.TS, ToMs: b.TS, Quality: Worse(Worse(Measured, a.Quality), b.Quality)}
	diff := b.Value - a.Value
	if diff < 0 {
		if span := reg.span(); span > 0 && a.Value < span && diff+span < span/2 {
			diff += span
			d.Flag = FlagRollover
		} else {
			d.Flag = FlagReverse
		}
	}
	d.Value = diff * reg.multiplier()
	return d
}

// Tenure is one device's time on a metering point: its installation
// window [FromMs, ToMs) (ToMs 0 while installed), the register readings
// taken when it was installed and removed, and the readings of its
// cumulative channel.
type Tenure struct {
	FromMs, ToMs int64
	Start, End   *float64
	Register     Register
	Readings     []Reading
}

// PointDeltas is the consumption of a metering point across meter
// replacements. Each tenure contributes the deltas of its own readings
// inside its window, opened by its start register at FromMs and closed by
// its end register at ToMs when they were recorded; no delta ever spans
// two devices, so a new meter starting at zero is not a reverse flow.
func PointDeltas(tenures []Tenure) []Delta {
	var out []Delta
	for _, t := range tenures {
		rs := make([]Reading, 0, len(t.Readings)+2)
		if t.Start != nil {
			rs = append(rs, Reading{TS: t.FromMs, Value: *t.Start, Quality: Measured})
		}
		for _, r := range t.Readings {
			if r.TS >= t.FromMs && (t.ToMs == 0 || r.TS < t.ToMs) {
				rs = append(rs, r)
			}
		}
		if t.End != nil && t.ToMs != 0 {
			rs = append(rs, Reading{TS: t.ToMs, Value: *t.End, Quality: Measured})
		}
		out = append(out, Deltas(rs, t.Register)...)
	}
	return out
}

// IntervalDeltas turns the readings of an interval channel (each value
// is the consumption over the interval ending at its timestamp) into
// deltas. Duplicates are dropped as in Deltas.
func IntervalDeltas(readings []Reading, intervalMs int64, multiplier float64) []Delta {
	if multiplier == 0 {
		multiplier = 1
	}
	rs := sortDedup(readings)
	out := make([]Delta, 0, len(rs))
	for _, r := range rs {
		if r.Quality == Missing || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			continue
		}
		d := Delta{FromMs: r.TS - intervalMs, ToMs: r.TS, Value: r.Value * multiplier, Quality: Worse(Measured, r.Quality)}
		if d.Value < 0 {
			d.Flag = FlagReverse
		}
		out = append(out, d)
	}
	return out
}

// RateDeltas integrates an instantaneous rate channel (a flow in units
// per hour, a power in kW) into consumption between consecutive
// readings by the trapezoid rule, for meters that report only a rate.
// Readings further apart than maxGapMs are not bridged: the time between
// them is unknown, not zero. Negative rates are kept as reverse deltas.
func RateDeltas(readings []Reading, maxGapMs int64) []Delta {
	rs := sortDedup(readings)
	out := make([]Delta, 0, len(rs))
	var prev *Reading
	for i := range rs {
		r := &rs[i]
		if r.Quality == Missing || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			continue
		}
		if prev != nil && (maxGapMs <= 0 || r.TS-prev.TS <= maxGapMs) {
			hours := float64(r.TS-prev.TS) / float64(hourMs)
			d := Delta{FromMs: prev.TS, ToMs: r.TS, Value: (prev.Value + r.Value) / 2 * hours, Quality: Worse(Worse(Measured, prev.Quality), r.Quality)}
			if d.Value < 0 {
				d.Flag = FlagReverse
			}
			out = append(out, d)
		}
		prev = r
	}
	return out
}
