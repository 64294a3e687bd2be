package decisions

import (
	"math"
	"strconv"
	"strings"
)

// ParseJudgement reads a scale value as written in forms: "3" or "1/3".
func ParseJudgement(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	v := 0.0
	if rest, ok := strings.CutPrefix(s, "1/"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || n == 0 {
			return 0, false
		}
		v = 1 / float64(n)
	} else {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, false
		}
		v = float64(n)
	}
	return v, ValidJudgement(v)
}

// ParseRoubles reads an amount in roubles as people type it ("1 200 000",
// "1200000,50", "") into kopecks; empty is zero.
func ParseRoubles(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e13 || math.IsNaN(f) {
		return 0, false
	}
	return int64(math.Round(f * 100)), true
}

// ParseNumber reads a score ("12,5" or "12.5").
func ParseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}

// Roubles writes kopecks as roubles for a form field ("1200000" or
// "1200000,50").
func Roubles(k int64) string {
	s := strconv.FormatInt(k/100, 10)
	if k%100 != 0 {
		s += "," + strconv.FormatInt(100+k%100, 10)[1:]
	}
	return s
}

// RoublesText writes kopecks for reading: "1 200 000 ₽".
func RoublesText(k int64) string {
	s := strconv.FormatInt(k/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	return b.String() + "\u00a0₽"
}
