package territory

import (
	"regexp"
	"strings"
)

// translit follows the Russian passport transliteration (2013) with the
// common "y" for й, which gives readable URLs such as "luga" or
// "leningradskaya-oblast".
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}

// Transliterate spells Russian text in Latin letters, keeping case of the
// first letter of each word; other characters pass through.
func Transliterate(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		lower := []rune(strings.ToLower(string(r)))[0]
		t, ok := translit[lower]
		if !ok {
			b.WriteRune(r)
			upper = r == ' ' || r == '-' || r == '(' || r == '«' || r == '"'
			continue
		}
		if upper && lower != r && t != "" {
			t = strings.ToUpper(t[:1]) + t[1:]
		}
		b.WriteString(t)
		upper = false
	}
	return b.String()
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify turns a name into a URL slug: transliterated, lower case, words
// joined by hyphens, at most 60 characters.
func Slugify(name string) string {
	s := nonSlug.ReplaceAllString(strings.ToLower(Transliterate(name)), "-")
	s = strings.Trim(s, "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

var slugRule = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckSlug returns the i18n key of what is wrong with a slug, or "".
func CheckSlug(s string) string {
	if len(s) < 2 || len(s) > 60 || !slugRule.MatchString(s) {
		return "territory.slug.format"
	}
	return ""
}
