package services

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Kind is the type of a form field.
type Kind string

// The kinds of field a form may hold.
const (
	KindText     Kind = "text"
	KindTextarea Kind = "textarea"
	KindNumber   Kind = "number"
	KindDate     Kind = "date"
	KindSelect   Kind = "select"
	KindCheckbox Kind = "checkbox"
	KindFile     Kind = "file"
)

// Check names a checksum a text field's value must pass.
type Check string

// The identifiers muni validates by their checksums.
const (
	CheckSNILS   Check = "snils"
	CheckINN     Check = "inn"      // 10 or 12 digits
	CheckOGRN    Check = "ogrn"     // 13 digits
	CheckOGRNIP  Check = "ogrnip"   // 15 digits
	CheckOGRNAny Check = "ogrn_any" // OGRN or OGRNIP
)

// Option is one choice of a select field.
type Option struct {
	Value string `json:"value"`
	RU    string `json:"ru"`
	EN    string `json:"en"`
}

// Field is one field of an application form, kept as data with its
// catalogue entry.
type Field struct {
	Code     string   `json:"code"`
	Kind     Kind     `json:"kind"`
	LabelRU  string   `json:"label_ru"`
	LabelEN  string   `json:"label_en"`
	HintRU   string   `json:"hint_ru,omitempty"`
	HintEN   string   `json:"hint_en,omitempty"`
	Required bool     `json:"required,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`  // a whole-value regular expression (text)
	Check    Check    `json:"check,omitempty"`    // checksum (text)
	Min      *float64 `json:"min,omitempty"`      // least number, or least length of text
	Max      *float64 `json:"max,omitempty"`      // greatest number, or greatest length of text
	MinDate  string   `json:"min_date,omitempty"` // "2006-01-02", "today", "-18y", "+30d", "-6m"
	MaxDate  string   `json:"max_date,omitempty"`
	Options  []Option `json:"options,omitempty"`   // select
	Accept   []string `json:"accept,omitempty"`    // file: content types; default PDF, JPEG, PNG
	MaxBytes int64    `json:"max_bytes,omitempty"` // file: largest size; default DefaultFileMaxBytes
	Prefill  string   `json:"prefill,omitempty"`   // "name" or "email": filled from the applicant's account
}

// Label is the field's label in lang.
func (f Field) Label(lang string) string {
	return i18n.Pick(lang, f.LabelRU, f.LabelEN)
}

// Hint is the field's hint in lang.
func (f Field) Hint(lang string) string {
	return i18n.Pick(lang, f.HintRU, f.HintEN)
}

// OptionLabel is the label of the option with value v in lang, or v.
func (f Field) OptionLabel(v, lang string) string {
	for _, o := range f.Options {
		if o.Value == v {
			if lang == "en" && o.EN != "" {
				return o.EN
			}
			return o.RU
		}
	}
	return v
}

// Display is a value as people read it: a select's option label, a date
// as dd.mm.yyyy; other values as they are.
func (f Field) Display(v, lang string) string {
	switch f.Kind {
	case KindSelect:
		return f.OptionLabel(v, lang)
	case KindDate:
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return d.Format("02.01.2006")
		}
	}
	return v
}

// Form is an application form: its fields in order.
type Form []Field

// Field returns the field with code.
func (fm Form) Field(code string) (Field, bool) {
	for _, f := range fm {
		if f.Code == code {
			return f, true
		}
	}
	return Field{}, false
}

// Files lists the form's file fields.
func (fm Form) Files() []Field {
	var out []Field
	for _, f := range fm {
		if f.Kind == KindFile {
			out = append(out, f)
		}
	}
	return out
}

// MaxValueLen bounds every stored text value, draft or not.
const MaxValueLen = 4000

var codeRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ParseForm reads a form definition (JSON) and checks that it makes
// sense: codes unique and well formed, known kinds and checks, patterns
// that compile, dates that parse, selects with options.
func ParseForm(data []byte) (Form, error) {
	var fm Form
	if err := json.Unmarshal(data, &fm); err != nil {
		return nil, fmt.Errorf("form: %w", err)
	}
	return fm, fm.Check()
}

// Check reports the first defect of the definition.
func (fm Form) Check() error {
	seen := map[string]bool{}
	for i, f := range fm {
		switch {
		case !codeRe.MatchString(f.Code):
			return fmt.Errorf("form: field %d: bad code %q", i+1, f.Code)
		case seen[f.Code]:
			return fmt.Errorf("form: field %q twice", f.Code)
		case strings.TrimSpace(f.LabelRU) == "":
			return fmt.Errorf("form: field %q has no Russian label", f.Code)
		}
		seen[f.Code] = true
		switch f.Kind {
		case KindText, KindTextarea, KindNumber, KindCheckbox, KindFile:
		case KindDate:
			for _, d := range []string{f.MinDate, f.MaxDate} {
				if _, err := resolveDate(d, time.Now()); d != "" && err != nil {
					return fmt.Errorf("form: field %q: %w", f.Code, err)
				}
			}
		case KindSelect:
			if len(f.Options) == 0 {
				return fmt.Errorf("form: select %q has no options", f.Code)
			}
		default:
			return fmt.Errorf("form: field %q: unknown kind %q", f.Code, f.Kind)
		}
		if f.Pattern != "" {
			if _, err := regexp.Compile(`^(?:` + f.Pattern + `)$`); err != nil {
				return fmt.Errorf("form: field %q: pattern: %w", f.Code, err)
			}
		}
		switch f.Check {
		case "", CheckSNILS, CheckINN, CheckOGRN, CheckOGRNIP, CheckOGRNAny:
		default:
			return fmt.Errorf("form: field %q: unknown check %q", f.Code, f.Check)
		}
	}
	return nil
}

// resolveDate reads an absolute date or one relative to now's day:
// "today", "+30d", "-18y", "+6m".
func resolveDate(s string, now time.Time) (time.Time, error) {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if s == "today" {
		return today, nil
	}
	if len(s) >= 3 && (s[0] == '+' || s[0] == '-') {
		n, err := strconv.Atoi(s[1 : len(s)-1])
		if err != nil {
			return time.Time{}, fmt.Errorf("bad relative date %q", s)
		}
		if s[0] == '-' {
			n = -n
		}
		switch s[len(s)-1] {
		case 'd':
			return today.AddDate(0, 0, n), nil
		case 'm':
			return today.AddDate(0, n, 0), nil
		case 'y':
			return today.AddDate(n, 0, 0), nil
		}
		return time.Time{}, fmt.Errorf("bad relative date %q", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q", s)
	}
	return t, nil
}

// Values are an application's field values by code; a checkbox is "on"
// or absent, a file field holds the stored file's name.
type Values map[string]string

// Clean keeps only the form's non-file fields, trimmed and bounded, and
// reports the codes it dropped (unknown fields), for the audit entry.
func (fm Form) Clean(in map[string]string) (Values, []string) {
	out := Values{}
	var dropped []string
	for k, v := range in {
		f, ok := fm.Field(k)
		if !ok || f.Kind == KindFile {
			dropped = append(dropped, k)
			continue
		}
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) > MaxValueLen {
			v = string([]rune(v)[:MaxValueLen])
		}
		if f.Kind == KindCheckbox {
			if v == "" || v == "off" || v == "false" {
				continue
			}
			v = "on"
		}
		if v != "" {
			out[k] = v
		}
	}
	return out, dropped
}

// Validate checks values (files are present by name in values) against
// the form on the local day of now, and returns one message key per
// offending field; an empty map means the application may be submitted.
func (fm Form) Validate(v Values, now time.Time) map[string]string {
	errs := map[string]string{}
	for _, f := range fm {
		val := strings.TrimSpace(v[f.Code])
		if val == "" {
			if f.Required {
				errs[f.Code] = "services.field.required"
				if f.Kind == KindCheckbox {
					errs[f.Code] = "services.field.must_tick"
				}
			}
			continue
		}
		if key := f.check(val, now); key != "" {
			errs[f.Code] = key
		}
	}
	return errs
}

// check validates one non-empty value.
func (f Field) check(val string, now time.Time) string {
	switch f.Kind {
	case KindText, KindTextarea:
		n := float64(utf8.RuneCountInString(val))
		if f.Min != nil && n < *f.Min {
			return "services.field.too_short"
		}
		if f.Max != nil && n > *f.Max {
			return "services.field.too_long"
		}
		if f.Pattern != "" && !regexp.MustCompile(`^(?:`+f.Pattern+`)$`).MatchString(val) {
			return "services.field.pattern"
		}
		return checksum(f.Check, val)
	case KindNumber:
		x, err := strconv.ParseFloat(strings.ReplaceAll(val, ",", "."), 64)
		if err != nil {
			return "services.field.number"
		}
		if f.Min != nil && x < *f.Min {
			return "services.field.too_small"
		}
		if f.Max != nil && x > *f.Max {
			return "services.field.too_big"
		}
	case KindDate:
		d, err := time.Parse(time.DateOnly, val)
		if err != nil {
			return "services.field.date"
		}
		if f.MinDate != "" {
			if lo, err := resolveDate(f.MinDate, now); err == nil && d.Before(lo) {
				return "services.field.date_early"
			}
		}
		if f.MaxDate != "" {
			if hi, err := resolveDate(f.MaxDate, now); err == nil && d.After(hi) {
				return "services.field.date_late"
			}
		}
	case KindSelect:
		for _, o := range f.Options {
			if o.Value == val {
				return ""
			}
		}
		return "services.field.option"
	}
	return ""
}

// checksum validates an identifier and names the message of a failure.
func checksum(c Check, val string) string {
	ok := true
	switch c {
	case CheckSNILS:
		ok = ValidSNILS(val)
	case CheckINN:
		ok = ValidINN(val)
	case CheckOGRN:
		ok = ValidOGRN(val)
	case CheckOGRNIP:
		ok = ValidOGRNIP(val)
	case CheckOGRNAny:
		ok = ValidOGRN(val) || ValidOGRNIP(val)
	}
	if !ok {
		return "services.field." + string(c)
	}
	return ""
}
