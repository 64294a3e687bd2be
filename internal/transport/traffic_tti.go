package transport

import (
	"math"
	"sort"
	"time"
)

// The measures a traffic detector reports per lane.
const (
	MeasureIntensity = "intensity" // vehicles per hour over the interval
	MeasureOccupancy = "occupancy" // share of the interval a vehicle was over the loop, %
	MeasureSpeed     = "speed"     // mean speed of the interval's vehicles, km/h
)

// DetectorReading is one reading of a detector's lane: the metering
// point the detector is installed on, the lane, the measure, its time
// and value.
type DetectorReading struct {
	Point   string
	Lane    string
	Measure string
	At      time.Time
	Value   float64
}

// Congestion levels by travel-time index.
const (
	LevelFree     = "free"     // TTI < 1.3: at least ~77% of the free-flow speed
	LevelModerate = "moderate" // 1.3 ≤ TTI < 1.6
	LevelHeavy    = "heavy"    // 1.6 ≤ TTI < 2
	LevelJammed   = "jammed"   // TTI ≥ 2: half the free-flow speed or less
)

// MaxTTI caps the index: a lane standing still (speed 0 with vehicles on
// the detector) counts as moving at a tenth of the free-flow speed.
const MaxTTI = 10.0

// standstillOccupancy is the occupancy (%) above which a lane reporting
// zero speed and no flow is taken as standing traffic, not an empty road.
const standstillOccupancy = 30.0

// Level names the congestion of a travel-time index; "" when there is no
// observation.
func Level(tti float64) string {
	switch {
	case tti <= 0 || math.IsNaN(tti):
		return ""
	case tti < 1.3:
		return LevelFree
	case tti < 1.6:
		return LevelModerate
	case tti < 2:
		return LevelHeavy
	}
	return LevelJammed
}

// Levels lists the levels from free to jammed.
func Levels() []string { return []string{LevelFree, LevelModerate, LevelHeavy, LevelJammed} }

// Bucket is a segment's traffic over one interval (an hour).
type Bucket struct {
	Start time.Time
	// Observed is false when no lane gave a usable speed: a gap, not
	// free flow.
	Observed bool
	// Speed is the space-mean speed over the lanes in km/h.
	Speed float64
	// Flow is the segment's intensity, the sum of the lanes' mean
	// intensities, veh/h (0 when the detectors do not count).
	Flow float64
	// Occupancy is the mean of the lanes' occupancies, %.
	Occupancy float64
	// TTI is free-flow speed over observed speed (= observed travel time
	// over free-flow travel time), at least 1 and at most MaxTTI.
	TTI float64
	// Lanes is how many lanes gave a speed, of LanesKnown seen over the
	// whole period: fewer is a partial observation.
	Lanes, LanesKnown int
	Standstill        bool // a lane stood still
}

// Level is the bucket's congestion level.
func (b Bucket) Level() string {
	if !b.Observed {
		return ""
	}
	return Level(b.TTI)
}

// Partial reports whether some lanes were missing from the observation.
func (b Bucket) Partial() bool { return b.Observed && b.Lanes < b.LanesKnown }

// TravelTime is the time to drive length metres at the bucket's speed.
func (b Bucket) TravelTime(lengthM float64) time.Duration {
	if !b.Observed || b.Speed <= 0 {
		return 0
	}
	return time.Duration(math.Round(lengthM * 3.6 / b.Speed * float64(time.Second)))
}

// TravelMinutes is TravelTime in minutes.
func (b Bucket) TravelMinutes(lengthM float64) float64 { return b.TravelTime(lengthM).Minutes() }

// laneKey is a lane of a detector.
type laneKey struct{ point, lane string }

// laneAcc sums one lane's readings over a bucket.
type laneAcc struct {
	invSpeed          float64 // Σ 1/v over moving readings
	moving            int
	zeroSpeed         int
	flow, occ         float64
	flows, occs       int
	flowSeen, occSeen bool
}

// Congestion computes a segment's buckets of step from start, n of them,
// from its detectors' readings (any order; readings outside the buckets
// are ignored). freeKmh is the segment's free-flow speed.
//
// Per lane and bucket, the speed is the harmonic mean of the lane's
// interval speeds (space-mean speed), the intensity and occupancy their
// arithmetic means. Over the lanes, the speed is the flow-weighted
// harmonic mean Σq / Σ(q/v) when every lane with a speed also counted
// vehicles, else the plain harmonic mean. A zero speed is a standstill
// when the lane had vehicles (intensity > 0) or a high occupancy; it then
// counts as MaxTTI. A zero speed on an empty lane (no flow, low or no
// occupancy) and negative or non-finite values are no observation.
func Congestion(readings []DetectorReading, freeKmh float64, start time.Time, step time.Duration, n int) []Bucket {
	out := make([]Bucket, n)
	if n <= 0 || step <= 0 || freeKmh <= 0 {
		return out
	}
	accs := make([]map[laneKey]*laneAcc, n)
	known := map[laneKey]bool{}
	for _, r := range readings {
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) || r.Value < 0 || r.At.Before(start) {
			continue
		}
		i := int(r.At.Sub(start) / step)
		if i >= n {
			continue
		}
		k := laneKey{r.Point, r.Lane}
		if accs[i] == nil {
			accs[i] = map[laneKey]*laneAcc{}
		}
		a := accs[i][k]
		if a == nil {
			a = &laneAcc{}
			accs[i][k] = a
		}
		switch r.Measure {
		case MeasureSpeed:
			known[k] = true
			if r.Value > 0 {
				a.invSpeed += 1 / r.Value
				a.moving++
			} else {
				a.zeroSpeed++
			}
		case MeasureIntensity:
			a.flow += r.Value
			a.flows++
		case MeasureOccupancy:
			a.occ += r.Value
			a.occs++
		}
	}
	floor := freeKmh / MaxTTI // the speed a standing lane counts at
	for i := range out {
		b := Bucket{Start: start.Add(time.Duration(i) * step), LanesKnown: len(known)}
		var speeds, flows []float64
		var occSum float64
		occN := 0
		allFlow := true
		for _, k := range sortedLanes(accs[i]) {
			a := accs[i][k]
			q, occ := 0.0, 0.0
			if a.flows > 0 {
				q = a.flow / float64(a.flows)
				b.Flow += q
			}
			if a.occs > 0 {
				occ = a.occ / float64(a.occs)
				occSum += occ
				occN++
			}
			var v float64
			switch {
			case a.moving > 0 && a.zeroSpeed == 0:
				v = float64(a.moving) / a.invSpeed
			case a.moving > 0: // some intervals stood still
				v = float64(a.moving+a.zeroSpeed) / (a.invSpeed + float64(a.zeroSpeed)/floor)
				b.Standstill = true
			case a.zeroSpeed > 0 && (q > 0 || occ >= standstillOccupancy):
				v = floor
				b.Standstill = true
			default:
				continue // no speed, or an empty lane: nothing observed
			}
			speeds = append(speeds, v)
			flows = append(flows, q)
			if q <= 0 {
				allFlow = false
			}
		}
		if occN > 0 {
			b.Occupancy = occSum / float64(occN)
		}
		if len(speeds) > 0 {
			var w, wv float64
			for j, v := range speeds {
				wj := 1.0
				if allFlow {
					wj = flows[j]
				}
				w += wj
				wv += wj / v
			}
			b.Observed, b.Lanes, b.Speed = true, len(speeds), w/wv
			b.TTI = math.Min(MaxTTI, math.Max(1, freeKmh/b.Speed))
		}
		out[i] = b
	}
	return out
}

func sortedLanes(m map[laneKey]*laneAcc) []laneKey {
	ks := make([]laneKey, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].point != ks[j].point {
			return ks[i].point < ks[j].point
		}
		return ks[i].lane < ks[j].lane
	})
	return ks
}

// DaySummary is a day of a segment from its hourly buckets.
type DaySummary struct {
	Day time.Time
	// TTI is the day's index: the hourly indices weighted by their flow
	// (vehicle-kilometres, the length being the same), or their plain
	// mean when an observed hour has no count of vehicles.
	TTI float64
	// PeakTTI is the worst hour's index, starting at PeakHour.
	PeakTTI  float64
	PeakHour time.Time
	// Observed is the number of hours with an observation.
	Observed int
	// Congested is the number of hours at heavy or jammed.
	Congested int
}

// Level is the day's congestion level.
func (d DaySummary) Level() string { return Level(d.TTI) }

// Summarize folds hourly buckets (of one day) into a day's summary.
func Summarize(day time.Time, hours []Bucket) DaySummary {
	d := DaySummary{Day: day}
	var w, wt, sum float64
	allFlow := true
	for _, b := range hours {
		if !b.Observed {
			continue
		}
		d.Observed++
		allFlow = allFlow && b.Flow > 0
		sum += b.TTI
		w += b.Flow
		wt += b.Flow * b.TTI
		if b.TTI > d.PeakTTI {
			d.PeakTTI, d.PeakHour = b.TTI, b.Start
		}
		if l := b.Level(); l == LevelHeavy || l == LevelJammed {
			d.Congested++
		}
	}
	switch {
	case d.Observed == 0:
	case allFlow && w > 0:
		d.TTI = wt / w
	default:
		d.TTI = sum / float64(d.Observed)
	}
	return d
}

// badges name the CSS badge of each level.
var badges = map[string]string{LevelFree: "ok", LevelModerate: "warn", LevelHeavy: "bad", LevelJammed: "bad"}

// Badge is the CSS class of the bucket's level badge.
func (b Bucket) Badge() string { return badges[b.Level()] }

// Badge is the CSS class of the day's level badge.
func (d DaySummary) Badge() string { return badges[d.Level()] }
