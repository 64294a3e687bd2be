package appeals

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// The word lists of the obscene-language detector, data/obscene.txt.
//
//go:embed data/obscene.txt
var obsceneList string

// Obscenity finds obscene (mat) and abusive words in Russian and English
// text, seeing through the usual evasions: Latin and digit look-alikes
// ("xyй", "cyka", "3аебал"), separators ("х.у.й", "п-и-з-д-а", "х у й"),
// repeated letters ("хуууй"), transliteration ("nahuy") — without
// flagging ordinary words that hold the same letters ("страхование",
// "оскорблять", "употреблять", "себе", "мудрый").
type Obscenity struct {
	stems  *regexp.Regexp // at a word's start (with prefixes, or bare)
	any    *regexp.Regexp // anywhere in the Cyrillic reading
	latin  *regexp.Regexp // anywhere in the Latin reading
	words  map[string]bool
	except map[string]bool
}

var (
	obscenityOnce sync.Once
	obscenity     *Obscenity
)

// DefaultObscenity is the detector over the package's word lists.
func DefaultObscenity() *Obscenity {
	obscenityOnce.Do(func() {
		var err error
		if obscenity, err = ParseObscenity(obsceneList); err != nil {
			panic(err) // the embedded list is tested
		}
	})
	return obscenity
}

// ParseObscenity builds a detector from a word list in the format of
// data/obscene.txt.
func ParseObscenity(list string) (*Obscenity, error) {
	var prefixes, stems, bare, any, latin []string
	o := &Obscenity{words: map[string]bool{}, except: map[string]bool{}}
	for n, line := range strings.Split(list, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, val, ok := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		if !ok || val == "" {
			return nil, fmt.Errorf("obscene list line %d: want \"kind: value\"", n+1)
		}
		switch kind {
		case "prefix":
			prefixes = append(prefixes, strings.Fields(val)...)
		case "stem":
			stems = append(stems, val)
		case "bare":
			bare = append(bare, val)
		case "any":
			any = append(any, val)
		case "latin":
			latin = append(latin, val)
		case "word":
			for _, w := range strings.Fields(val) {
				o.words[squeeze(w)] = true
			}
		case "except":
			for _, w := range strings.Fields(val) {
				o.except[strings.ToLower(w)] = true
			}
		default:
			return nil, fmt.Errorf("obscene list line %d: unknown kind %q", n+1, kind)
		}
	}
	group := func(res []string) string { return "(?:(?:" + strings.Join(res, ")|(?:") + "))" }
	start := []string{}
	if len(stems) > 0 {
		start = append(start, "^(?:"+strings.Join(prefixes, "|")+"){0,2}"+group(stems))
	}
	if len(bare) > 0 {
		start = append(start, "^"+group(bare))
	}
	var err error
	compile := func(res []string) *regexp.Regexp {
		if len(res) == 0 || err != nil {
			return nil
		}
		var re *regexp.Regexp
		re, err = regexp.Compile(group(res))
		return re
	}
	o.stems, o.any, o.latin = compile(start), compile(any), compile(latin)
	if err != nil {
		return nil, fmt.Errorf("obscene list: %w", err)
	}
	return o, nil
}

// Match returns the first obscene or abusive word of text as written, ""
// when there is none.
func (o *Obscenity) Match(text string) string {
	chunks := strings.Fields(text)
	single := []string{} // a run of chunks of one letter each: "х у й"
	flush := func() string {
		defer func() { single = single[:0] }()
		if len(single) >= 2 && o.word(strings.Join(single, "")) {
			return strings.Join(single, " ")
		}
		return ""
	}
	for _, c := range chunks {
		if letters(c) == 1 {
			single = append(single, c)
			continue
		}
		if w := flush(); w != "" {
			return w
		}
		// The chunk as a whole, separators dropped ("х.у.й"), and each
		// of its parts ("дом,хуй").
		if o.word(c) {
			return c
		}
		for _, part := range strings.FieldsFunc(c, func(r rune) bool { return !letterLike(r) }) {
			if o.word(part) {
				return c
			}
		}
	}
	return flush()
}

// word reports whether one written word is obscene in any of its
// readings.
func (o *Obscenity) word(w string) bool {
	raw := strings.ToLower(strings.Map(func(r rune) rune {
		if letterLike(r) {
			return r
		}
		return -1
	}, w))
	if raw == "" || o.except[raw] || !hasLetter(raw) {
		return false
	}
	for _, form := range []string{squeeze(mapRunes(raw, shapeCyr)), squeeze(soundCyr(raw))} {
		if o.except[form] {
			return false
		}
		if o.words[form] || (o.stems != nil && o.stems.MatchString(form)) || (o.any != nil && o.any.MatchString(form)) {
			return true
		}
	}
	lat := squeeze(mapRunes(raw, shapeLat))
	return o.latin != nil && !o.except[lat] && o.latin.MatchString(lat)
}

func letterLike(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '$'
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// letters counts the letter-like characters of a chunk.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if letterLike(r) {
			n++
		}
	}
	return n
}

// squeeze makes every run of one letter a single letter, with ё as е.
func squeeze(s string) string {
	var b strings.Builder
	var last rune = -1
	for _, r := range strings.ToLower(s) {
		if r == 'ё' {
			r = 'е'
		}
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

func mapRunes(s string, m map[rune]rune) string {
	return strings.Map(func(r rune) rune {
		if c, ok := m[r]; ok {
			return c
		}
		return r
	}, s)
}

// shapeCyr reads Latin letters and digits as the Cyrillic letters they
// look like.
var shapeCyr = map[rune]rune{'a': 'а', 'b': 'в', 'c': 'с', 'e': 'е', 'h': 'н', 'k': 'к', 'm': 'м', 'n': 'п', 'o': 'о',
	'p': 'р', 'r': 'г', 't': 'т', 'u': 'и', 'x': 'х', 'y': 'у', '0': 'о', '3': 'з', '4': 'ч', '6': 'б', '@': 'а'}

// shapeLat reads Cyrillic letters and digits as the Latin letters they
// look like.
var shapeLat = map[rune]rune{'а': 'a', 'в': 'b', 'с': 'c', 'е': 'e', 'ё': 'e', 'н': 'h', 'к': 'k', 'м': 'm', 'о': 'o',
	'р': 'p', 'т': 't', 'у': 'y', 'х': 'x', 'и': 'u', '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '$': 's', '@': 'a'}

// soundLat reads single Latin letters by their sound (transliteration).
var soundLat = map[rune]rune{'a': 'а', 'b': 'б', 'c': 'с', 'd': 'д', 'e': 'е', 'f': 'ф', 'g': 'г', 'h': 'х', 'i': 'и',
	'j': 'й', 'k': 'к', 'l': 'л', 'm': 'м', 'n': 'н', 'o': 'о', 'p': 'п', 'q': 'к', 'r': 'р', 's': 'с', 't': 'т', 'u': 'у',
	'v': 'в', 'w': 'в', 'x': 'х', 'z': 'з', '0': 'о', '3': 'з', '4': 'ч', '6': 'б', '@': 'а'}

// soundCyr transliterates the Latin letters of s into Cyrillic by sound:
// "blyad" -> "бляд", "nahuy" -> "нахуй", "pizdets" -> "пиздец".
func soundCyr(s string) string {
	digraphs := []struct{ lat, cyr string }{{"sch", "щ"}, {"sh", "ш"}, {"ch", "ч"}, {"zh", "ж"}, {"kh", "х"}, {"ts", "ц"},
		{"ya", "я"}, {"ja", "я"}, {"yu", "ю"}, {"ju", "ю"}, {"yo", "е"}, {"jo", "е"}, {"ye", "е"}}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		rest := string(rs[i:])
		matched := false
		for _, d := range digraphs {
			if strings.HasPrefix(rest, d.lat) {
				b.WriteString(d.cyr)
				i += len([]rune(d.lat))
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		r := rs[i]
		switch {
		case r == 'y' && i > 0 && strings.ContainsRune("aeiouаеиоуыэюя", rs[i-1]):
			b.WriteRune('й')
		case r == 'y':
			b.WriteRune('ы')
		default:
			if c, ok := soundLat[r]; ok {
				r = c
			}
			b.WriteRune(r)
		}
		i++
	}
	return b.String()
}
