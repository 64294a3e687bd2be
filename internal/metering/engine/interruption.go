package engine

import "math"

// Limit is the permitted interruption of one utility service and the
// charge reduction past it, kept as data (Government Decree 354,
// Appendix 1) rather than constants.
type Limit struct {
	Service          string
	MaxSingleHours   float64 // one interruption at a time; 0 = no such limit
	MaxMonthHours    float64 // all interruptions in a month; 0 = no such limit
	ReductionPerHour float64 // percent of the month's charge per hour over
}

// Span is one interruption [FromMs, ToMs).
type Span struct{ FromMs, ToMs int64 }

// Hours returns the span's length in hours.
func (s Span) Hours() float64 { return float64(s.ToMs-s.FromMs) / float64(hourMs) }

// Assessment is a building's month of one service against its limit.
type Assessment struct {
	Events           int
	TotalHours       float64
	LongestHours     float64
	OverSingle       bool // some interruption was longer than allowed at a time
	OverMonth        bool // all together were longer than allowed in a month
	ExcessHours      float64
	ReductionPercent float64
}

// Assess checks the interruptions of one month against the limit. The
// hours over the limit are the larger of the month's excess over its
// total allowance and the sum of each interruption's excess over the
// single allowance — the same hour is never charged twice — and each
// costs ReductionPerHour percent of the charge, up to all of it. Spans
// must already be clipped to the month (ClipSpans).
func Assess(spans []Span, l Limit) Assessment {
	var a Assessment
	var single float64
	for _, s := range spans {
		h := s.Hours()
		if h <= 0 {
			continue
		}
		a.Events++
		a.TotalHours += h
		a.LongestHours = max(a.LongestHours, h)
		if l.MaxSingleHours > 0 && h > l.MaxSingleHours {
			a.OverSingle = true
			single += h - l.MaxSingleHours
		}
	}
	var month float64
	if l.MaxMonthHours > 0 && a.TotalHours > l.MaxMonthHours {
		a.OverMonth = true
		month = a.TotalHours - l.MaxMonthHours
	}
	a.ExcessHours = max(single, month)
	a.ReductionPercent = math.Min(100, a.ExcessHours*l.ReductionPerHour)
	return a
}

// ClipSpans returns the parts of spans inside [fromMs, toMs); an open
// span (ToMs 0) runs until nowMs.
func ClipSpans(spans []Span, fromMs, toMs, nowMs int64) []Span {
	var out []Span
	for _, s := range spans {
		if s.ToMs == 0 {
			s.ToMs = nowMs
		}
		lo, hi := max(s.FromMs, fromMs), min(s.ToMs, toMs)
		if lo < hi {
			out = append(out, Span{lo, hi})
		}
	}
	return out
}
