package participation

import (
	"slices"
	"strings"
	"unicode"
)

// stemLen is how many leading letters of a word stand for it, enough to
// tell Russian words apart while folding their endings: "дорога",
// "дороги" and "дорогу" are all "дорог".
const stemLen = 5

// stopWords are words too common in proposals to say anything.
var stopWords = map[string]bool{"для": true, "над": true, "под": true, "при": true, "или": true, "что": true,
	"это": true, "как": true, "the": true, "and": true, "for": true, "with": true, "нужно": true, "надо": true}

// words are a text's lower-case words of letters and digits, ё as е.
func words(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stems are the distinct stems of a title's words of three letters or
// more, stop words left out, sorted.
func stems(title string) []string {
	var out []string
	for _, w := range words(title) {
		r := []rune(w)
		if len(r) < 3 || stopWords[w] {
			continue
		}
		if len(r) > stemLen {
			r = r[:stemLen]
		}
		out = append(out, string(r))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// trigrams are the distinct three-letter pieces of a text's words, each
// word padded with spaces the way PostgreSQL's pg_trgm does.
func trigrams(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words(s) {
		r := []rune("  " + w + " ")
		for i := 0; i+3 <= len(r); i++ {
			out[string(r[i:i+3])] = true
		}
	}
	return out
}

// Similarity is the Jaccard index of two titles' trigram sets, 0 (nothing
// shared) to 1 (the same words).
func Similarity(a, b string) float64 {
	ta, tb := trigrams(a), trigrams(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	shared := 0
	for g := range ta {
		if tb[g] {
			shared++
		}
	}
	return float64(shared) / float64(len(ta)+len(tb)-shared)
}
