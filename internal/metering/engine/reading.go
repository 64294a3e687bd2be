package engine

import "slices"

// Quality is the validation flag every reading and bucket carries
// (VEE: validation, estimation, editing).
type Quality string

// The quality flags, from best to worst as Worse ranks them.
const (
	Measured  Quality = "measured"
	Estimated Quality = "estimated"
	Edited    Quality = "edited"
	Suspect   Quality = "suspect"
	Missing   Quality = "missing"
)

var qualityRank = map[Quality]int{Measured: 0, Edited: 1, Estimated: 2, Suspect: 3, Missing: 4}

// Valid reports whether q is one of the known flags.
func (q Quality) Valid() bool { _, ok := qualityRank[q]; return ok }

// Worse returns the worse of two flags, so a bucket is only as good as
// its worst contribution. An unknown or empty flag counts as measured.
func Worse(a, b Quality) Quality {
	if a == "" {
		return b
	}
	if qualityRank[b] > qualityRank[a] {
		return b
	}
	return a
}

// Reading is one stored value of one channel.
type Reading struct {
	TS      int64 // Unix milliseconds, UTC
	Value   float64
	Quality Quality
}

// sortDedup returns the readings ordered by time with one reading per
// timestamp. Of two readings at the same instant the better quality wins
// (an edited value replaces a suspect one); of equal quality the first
// one stored wins, which is how ingest treats a resent duplicate.
func sortDedup(in []Reading) []Reading {
	rs := slices.Clone(in)
	slices.SortStableFunc(rs, func(a, b Reading) int {
		switch {
		case a.TS < b.TS:
			return -1
		case a.TS > b.TS:
			return 1
		}
		return qualityRank[a.Quality] - qualityRank[b.Quality]
	})
	return slices.CompactFunc(rs, func(a, b Reading) bool { return a.TS == b.TS })
}
