package i18n

import "testing"

func TestPick(t *testing.T) {
	for _, c := range []struct{ lang, ru, en, want string }{
		{"ru", "Гатчина", "Gatchina", "Гатчина"},
		{"en", "Гатчина", "Gatchina", "Gatchina"},
		{"en", "Гатчина", "", "Гатчина"}, // no English name: the Russian one
		{"", "Гатчина", "Gatchina", "Гатчина"},
	} {
		if got := Pick(c.lang, c.ru, c.en); got != c.want {
			t.Errorf("Pick(%q, %q, %q) = %q, want %q", c.lang, c.ru, c.en, got, c.want)
		}
	}
}
