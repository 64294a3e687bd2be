// Package i18n holds muni's message catalogs: Russian first, English
// complete. Each domain embeds locales/ru.json and locales/en.json; keys are
// namespaced by domain ("identity.login.title").
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages muni speaks, the default first.
var Languages = []string{"ru", "en"}

// Catalog is the union of every domain's messages.
//
// Most messages are fixed text; they are kept as plain strings. Only the
// messages with plural forms or template actions ({{.Name}}) go into the
// go-i18n bundle, which builds a template for each message it holds: with
// every message there, the catalogs took 7.7 MB of heap for 0.4 MB of text.
type Catalog struct {
	memo    sync.Map                     // lang + "\x00" + key -> string, for bundle messages asked without arguments
	plain   map[string]map[string]string // lang -> key -> fixed text
	bundle  *goi18n.Bundle
	keys    map[string]map[string]bool // lang -> keys
	matcher language.Matcher
}

// New returns an empty catalog with Russian as the default language.
func New() *Catalog {
	b := goi18n.NewBundle(language.Russian)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.MustParse(l)
	}
	return &Catalog{bundle: b, plain: map[string]map[string]string{}, keys: map[string]map[string]bool{}, matcher: language.NewMatcher(tags)}
}

// Load reads dir/<lang>.json for every language from fsys.
func (c *Catalog) Load(fsys fs.FS, dir string) error {
	for _, lang := range Languages {
		p := path.Join(dir, lang+".json")
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("i18n: %w", err)
		}
		mf, err := goi18n.ParseMessageFileBytes(data, p, nil)
		if err != nil {
			return fmt.Errorf("i18n: %s: %w", p, err)
		}
		if c.keys[lang] == nil {
			c.keys[lang] = map[string]bool{}
			c.plain[lang] = map[string]string{}
		}
		var templated []*goi18n.Message
		for _, m := range mf.Messages {
			c.keys[lang][m.ID] = true
			if fixed(m) {
				c.plain[lang][m.ID] = strings.TrimSpace(m.Other)
				continue
			}
			delete(c.plain[lang], m.ID)
			templated = append(templated, m)
		}
		if err := c.bundle.AddMessages(mf.Tag, templated...); err != nil {
			return fmt.Errorf("i18n: %s: %w", p, err)
		}
	}
	return nil
}

// fixed reports whether m is one text with nothing to fill in.
func fixed(m *goi18n.Message) bool {
	return m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" &&
		m.LeftDelim == "" && m.RightDelim == "" && !strings.Contains(m.Other, "{{")
}

// Missing lists keys present in one language and absent in another, as
// "lang:key"; a test keeps it empty.
func (c *Catalog) Missing() []string {
	all := map[string]bool{}
	for _, ks := range c.keys {
		for k := range ks {
			all[k] = true
		}
	}
	var out []string
	for _, lang := range Languages {
		for k := range all {
			if !c.keys[lang][k] {
				out = append(out, lang+":"+k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool { return c.keys[lang][key] }

// Match picks a supported language: the explicit choice when supported,
// else the best match of the Accept-Language header, else Russian.
func (c *Catalog) Match(choice, acceptLanguage string) string {
	for _, l := range Languages {
		if choice == l {
			return l
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	if len(tags) == 0 {
		return Languages[0]
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

// Localizer translates for one language.
type Localizer struct {
	Lang  string
	l     *goi18n.Localizer
	plain map[string]string
	memo  *sync.Map
}

// Localizer returns a translator for lang.
func (c *Catalog) Localizer(lang string) *Localizer {
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(c.bundle, lang), plain: c.plain[lang], memo: &c.memo}
}

// T translates key. args are name/value pairs for the template
// ("Count", 3, "Name", "Луга"); a "Count" argument selects the plural form.
// An unknown key comes back as itself so a missing string is visible, and
// the catalog test catches it.
func (l *Localizer) T(key string, args ...any) string {
	if s, ok := l.plain[key]; ok {
		return s
	}
	// go-i18n resolves a message through its template machinery; remember
	// what a message without arguments comes to.
	if len(args) == 0 {
		mk := l.Lang + "\x00" + key
		if s, ok := l.memo.Load(mk); ok {
			return s.(string)
		}
		s := l.localize(&goi18n.LocalizeConfig{MessageID: key}, key)
		l.memo.Store(mk, s)
		return s
	}
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(args) > 0 {
		data := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			name := fmt.Sprint(args[i])
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	return l.localize(cfg, key)
}

func (l *Localizer) localize(cfg *goi18n.LocalizeConfig, key string) string {
	s, err := l.l.Localize(cfg)
	if err != nil || s == "" {
		return key
	}
	return strings.TrimSpace(s)
}

// Pick is a name or text kept in Russian, ru, with an optional English
// version, en, as lang shows it: English when asked for and present,
// Russian otherwise.
func Pick(lang, ru, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return ru
}
