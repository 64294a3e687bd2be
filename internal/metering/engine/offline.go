package engine

import "slices"

// DefaultOfflineFactor is how many of its own reporting intervals a
// device may miss before it counts as offline.
const DefaultOfflineFactor = 3

// ReportingInterval estimates a device's reporting interval from its
// reading times: the median spacing of distinct timestamps, 0 with fewer
// than two.
func ReportingInterval(ts []int64) int64 {
	s := slices.Clone(ts)
	slices.Sort(s)
	s = slices.Compact(s)
	if len(s) < 2 {
		return 0
	}
	gaps := make([]float64, len(s)-1)
	for i := 1; i < len(s); i++ {
		gaps[i-1] = float64(s[i] - s[i-1])
	}
	return int64(Median(gaps))
}

// Offline reports whether a device last seen at lastSeenMs is offline
// at nowMs: silent for more than factor × its own interval. Judging by
// the device's own interval, not one global timeout, keeps a daily
// meter from alarming every hour and a 15-minute one from hiding for 10.
func Offline(lastSeenMs, nowMs, intervalMs int64, factor float64) bool {
	if intervalMs <= 0 {
		return false
	}
	if factor <= 0 {
		factor = DefaultOfflineFactor
	}
	return float64(nowMs-lastSeenMs) > factor*float64(intervalMs)
}
