package engine

import (
	"slices"
	"time"
)

// MeterState is what outage inference needs to know about one meter of
// a zone at the moment of judging.
type MeterState struct {
	ID         string
	LastSeenMs int64 // latest reading
	IntervalMs int64 // its own reporting interval
	// ZeroSinceMs is the start of its trailing run of zero flow (or zero
	// voltage, pressure), 0 when its latest value is not zero.
	ZeroSinceMs int64
}

// OutageRule says when meters going down together mean an outage
// upstream of them; the zero value takes DefaultOutageRule.
type OutageRule struct {
	Share         float64 // share of the zone's meters that must be down (0.5)
	MinMeters     int     // and at least this many (3)
	WindowMs      int64   // all within this window of each other (30 min)
	OfflineFactor float64 // intervals of silence that make a meter down (3)
}

// DefaultOutageRule: half the zone's meters, at least three, down within
// thirty minutes of each other.
var DefaultOutageRule = OutageRule{Share: 0.5, MinMeters: 3, WindowMs: int64(30 * time.Minute / time.Millisecond), OfflineFactor: DefaultOfflineFactor}

// Outage is an inferred interruption in a zone.
type Outage struct {
	Down    []string // the meters that went down together
	Total   int      // meters in the zone
	Share   float64
	SinceMs int64 // the earliest of them
}

// InferOutage decides whether the zone's meters show an outage at nowMs:
// a meter is down when it is offline (silent past its own interval) or
// reads zero, and the down meters are clustered by when they went down;
// the largest cluster within the window must reach the rule's share.
// Meters that died one by one over weeks are faults, not an outage.
func InferOutage(meters []MeterState, nowMs int64, rule OutageRule) (Outage, bool) {
	r := DefaultOutageRule
	if rule.Share > 0 {
		r.Share = rule.Share
	}
	if rule.MinMeters > 0 {
		r.MinMeters = rule.MinMeters
	}
	if rule.WindowMs > 0 {
		r.WindowMs = rule.WindowMs
	}
	if rule.OfflineFactor > 0 {
		r.OfflineFactor = rule.OfflineFactor
	}
	type down struct {
		id    string
		since int64
	}
	var ds []down
	for _, m := range meters {
		since := int64(0)
		if Offline(m.LastSeenMs, nowMs, m.IntervalMs, r.OfflineFactor) {
			since = m.LastSeenMs
		}
		if m.ZeroSinceMs > 0 && (since == 0 || m.ZeroSinceMs < since) {
			since = m.ZeroSinceMs
		}
		if since > 0 {
			ds = append(ds, down{m.ID, since})
		}
	}
	slices.SortFunc(ds, func(a, b down) int { return int(a.since - b.since) })
	bestLo, bestN := 0, 0
	for lo, hi := 0, 0; hi < len(ds); hi++ {
		for ds[hi].since-ds[lo].since > r.WindowMs {
			lo++
		}
		if hi-lo+1 > bestN {
			bestLo, bestN = lo, hi-lo+1
		}
	}
	if len(meters) == 0 || bestN < r.MinMeters || float64(bestN)/float64(len(meters)) < r.Share {
		return Outage{}, false
	}
	o := Outage{Total: len(meters), Share: float64(bestN) / float64(len(meters)), SinceMs: ds[bestLo].since}
	for _, d := range ds[bestLo : bestLo+bestN] {
		o.Down = append(o.Down, d.id)
	}
	return o, true
}
