package monitoring

import (
	"strconv"
	"strings"
)

// numbers gives the pages their number formats; views embed it.
type numbers struct{}

// Num shows a figure with up to two decimals and a decimal comma for
// Russian, "—" for none.
func (numbers) Num(v *float64, lang string) string {
	if v == nil {
		return "—"
	}
	s := strconv.FormatFloat(*v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Pct shows a 0–1 share in per cent with one decimal.
func (n numbers) Pct(share float64, lang string) string {
	v := share * 100
	return n.Num(&v, lang)
}

// Days shows a median in days with one decimal, "—" for none (-1).
func (n numbers) Days(v float64, lang string) string {
	if v < 0 {
		return "—"
	}
	x := round(v, 1)
	return n.Num(&x, lang)
}
