package i18n

import (
	"testing"
	"testing/fstest"
)

func TestPluralsMatchAndMissing(t *testing.T) {
	fs := fstest.MapFS{
		"l/ru.json": {Data: []byte(`{"m": {"one": "{{.Count}} счётчик", "few": "{{.Count}} счётчика", "many": "{{.Count}} счётчиков", "other": "{{.Count}} счётчика"}, "only.ru": "да"}`)},
		"l/en.json": {Data: []byte(`{"m": {"one": "{{.Count}} meter", "other": "{{.Count}} meters"}}`)},
	}
	c := New()
	if err := c.Load(fs, "l"); err != nil {
		t.Fatal(err)
	}
	ru := c.Localizer("ru")
	for n, want := range map[int]string{1: "1 счётчик", 2: "2 счётчика", 5: "5 счётчиков", 21: "21 счётчик", 112: "112 счётчиков"} {
		if got := ru.T("m", "Count", n); got != want {
			t.Errorf("ru %d: %q, want %q", n, got, want)
		}
	}
	if got := c.Localizer("en").T("m", "Count", 1); got != "1 meter" {
		t.Errorf("en: %q", got)
	}
	if got := ru.T("no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
	if m := c.Missing(); len(m) != 1 || m[0] != "en:only.ru" {
		t.Errorf("missing = %v", m)
	}
	for _, tc := range []struct{ choice, accept, want string }{
		{"en", "ru", "en"}, {"", "en-US,en;q=0.9", "en"}, {"", "de-DE", "ru"}, {"fr", "", "ru"}, {"", "ru-RU", "ru"},
	} {
		if got := c.Match(tc.choice, tc.accept); got != tc.want {
			t.Errorf("Match(%q,%q) = %q, want %q", tc.choice, tc.accept, got, tc.want)
		}
	}
}
