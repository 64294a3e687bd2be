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

// TestFixedAndTemplatedMessages: fixed texts are served from the plain
// table, messages with actions through go-i18n, and both read the same.
func TestFixedAndTemplatedMessages(t *testing.T) {
	fs := fstest.MapFS{
		"l/ru.json": {Data: []byte(`{"a.fixed": " Главная ", "a.hello": "Здравствуйте, {{.Name}}!", "a.nested": {"leaf": "лист"}}`)},
		"l/en.json": {Data: []byte(`{"a.fixed": "Home", "a.hello": "Hello, {{.Name}}!", "a.nested": {"leaf": "leaf"}}`)},
	}
	c := New()
	if err := c.Load(fs, "l"); err != nil {
		t.Fatal(err)
	}
	ru, en := c.Localizer("ru"), c.Localizer("en")
	for _, tc := range []struct {
		l    *Localizer
		key  string
		args []any
		want string
	}{
		{ru, "a.fixed", nil, "Главная"},
		{en, "a.fixed", nil, "Home"},
		{ru, "a.fixed", []any{"Name", "x"}, "Главная"},
		{ru, "a.hello", []any{"Name", "Анна"}, "Здравствуйте, Анна!"},
		{en, "a.hello", []any{"Name", "Anna"}, "Hello, Anna!"},
		{ru, "a.nested.leaf", nil, "лист"},
	} {
		if got := tc.l.T(tc.key, tc.args...); got != tc.want {
			t.Errorf("%s %s %v = %q, want %q", tc.l.Lang, tc.key, tc.args, got, tc.want)
		}
	}
	if _, ok := c.plain["ru"]["a.hello"]; ok {
		t.Error("a templated message was kept as fixed text")
	}
	if _, ok := c.plain["ru"]["a.fixed"]; !ok {
		t.Error("a fixed message was not kept as fixed text")
	}
	if !c.Has("en", "a.nested.leaf") || len(c.Missing()) != 0 {
		t.Errorf("Has/Missing wrong: %v", c.Missing())
	}
}
