package monitoring

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Better says which direction of an indicator is an improvement.
type Better string

// The directions.
const (
	Higher Better = "higher"
	Lower  Better = "lower"
	None   Better = "none" // informational: no ranking by it
)

// Source says where an indicator's values come from.
type Source string

// The sources: typed in (or imported from CSV) by an official, or
// computed from the platform's own data.
const (
	Manual   Source = "manual"
	Imported Source = "imported"
	Computed Source = "computed"
)

// Indicator is one entry of the registry.
type Indicator struct {
	Code    string `json:"code"`
	Set     string `json:"set"`     // "607" or "platform"
	Section string `json:"section"` // the report form's section
	NameRU  string `json:"name_ru"`
	NameEN  string `json:"name_en"`
	UnitRU  string `json:"unit_ru"`
	UnitEN  string `json:"unit_en"`
	Better  Better `json:"better"`
	Source  Source `json:"source"` // Manual or Computed
}

// Name is the indicator's name in lang.
func (i Indicator) Name(lang string) string {
	return i18n.Pick(lang, i.NameRU, i.NameEN)
}

// Unit is the indicator's unit in lang.
func (i Indicator) Unit(lang string) string {
	return i18n.Pick(lang, i.UnitRU, i.UnitEN)
}

// Catalog is the registry of indicators, in the order of its source file.
type Catalog struct {
	list []Indicator
	by   map[string]int
}

// DefaultCatalog reads the embedded registry (data/indicators.csv).
func DefaultCatalog() (*Catalog, error) { return ParseCatalog(bytes.NewReader(indicatorsCSV)) }

// ParseCatalog reads a registry: semicolon-separated rows of code, set,
// section, name_ru, name_en, unit_ru, unit_en, better, source; lines
// starting with # are comments.
func ParseCatalog(r io.Reader) (*Catalog, error) {
	cr := csv.NewReader(r)
	cr.Comma, cr.Comment, cr.FieldsPerRecord = ';', '#', 9
	c := &Catalog{by: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return nil, fmt.Errorf("monitoring: catalog: %w", err)
		}
		in := Indicator{Code: rec[0], Set: rec[1], Section: rec[2], NameRU: rec[3], NameEN: rec[4], UnitRU: rec[5], UnitEN: rec[6],
			Better: Better(rec[7]), Source: Source(rec[8])}
		if err := in.check(); err != nil {
			return nil, err
		}
		if _, dup := c.by[in.Code]; dup {
			return nil, fmt.Errorf("monitoring: catalog: %s twice", in.Code)
		}
		c.by[in.Code] = len(c.list)
		c.list = append(c.list, in)
	}
}

func (i Indicator) check() error {
	switch {
	case i.Code == "" || strings.ContainsAny(i.Code, " /?#"):
		return fmt.Errorf("monitoring: catalog: bad code %q", i.Code)
	case i.NameRU == "" || i.NameEN == "":
		return fmt.Errorf("monitoring: catalog: %s has no name", i.Code)
	case i.Better != Higher && i.Better != Lower && i.Better != None:
		return fmt.Errorf("monitoring: catalog: %s: better %q", i.Code, i.Better)
	case i.Source != Manual && i.Source != Computed:
		return fmt.Errorf("monitoring: catalog: %s: source %q", i.Code, i.Source)
	}
	return nil
}

// All lists every indicator.
func (c *Catalog) All() []Indicator { return c.list }

// Set lists the indicators of one set.
func (c *Catalog) Set(set string) []Indicator {
	var out []Indicator
	for _, i := range c.list {
		if i.Set == set {
			out = append(out, i)
		}
	}
	return out
}

// Indicator finds one by code.
func (c *Catalog) Indicator(code string) (Indicator, bool) {
	n, ok := c.by[code]
	if !ok {
		return Indicator{}, false
	}
	return c.list[n], true
}
