package engine

import (
	"slices"
	"time"
)

// Bucket is the consumption in one local hour or day [StartMs, EndMs).
type Bucket struct {
	StartMs, EndMs int64
	Value          float64
	Quality        Quality
	// Suspect counts the reverse deltas that touched the bucket and
	// were left out of Value.
	Suspect int
}

// Period names a bucket size.
type Period int

// The bucket sizes rollups keep.
const (
	Hour Period = iota
	Day
)

// BucketStart returns the start of the local hour or day containing ms,
// in Unix milliseconds. Days start at local midnight in loc, so a
// municipality in Asia/Kamchatka (UTC+12) gets its day from 12:00 UTC the
// day before.
func BucketStart(p Period, ms int64, loc *time.Location) int64 {
	t := time.UnixMilli(ms).In(loc)
	if p == Day {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UnixMilli()
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, loc).UnixMilli()
}

// BucketEnd returns the start of the bucket after the one starting at
// start.
func BucketEnd(p Period, start int64, loc *time.Location) int64 {
	t := time.UnixMilli(start).In(loc)
	if p == Day {
		return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc).UnixMilli()
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc).UnixMilli()
}

// Buckets spreads deltas over local hours or days. A delta inside one
// bucket goes there whole; one spanning several (a daily read, or a gap
// between readings) is shared in proportion to time, and the buckets it
// reaches into are marked estimated. Reverse deltas add nothing and are
// counted in Suspect. The result is sorted and holds only touched buckets.
func Buckets(deltas []Delta, p Period, loc *time.Location) []Bucket {
	idx := map[int64]int{}
	var out []Bucket
	get := func(start int64) *Bucket {
		i, ok := idx[start]
		if !ok {
			i = len(out)
			idx[start] = i
			out = append(out, Bucket{StartMs: start, EndMs: BucketEnd(p, start, loc), Quality: Measured})
		}
		return &out[i]
	}
	for _, d := range deltas {
		if d.ToMs <= d.FromMs {
			continue
		}
		for s := BucketStart(p, d.FromMs, loc); s < d.ToMs; {
			b := get(s)
			s = b.EndMs
			if d.Flag == FlagReverse {
				b.Suspect++
				b.Quality = Worse(b.Quality, Suspect)
				continue
			}
			lo, hi := max(b.StartMs, d.FromMs), min(b.EndMs, d.ToMs)
			b.Value += d.Value * float64(hi-lo) / float64(d.ToMs-d.FromMs)
			b.Quality = Worse(b.Quality, d.Quality)
			if lo != d.FromMs || hi != d.ToMs {
				b.Quality = Worse(b.Quality, Estimated)
			}
		}
	}
	slices.SortFunc(out, func(a, b Bucket) int { return int(a.StartMs - b.StartMs) })
	return out
}
