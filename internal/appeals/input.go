package appeals

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// Limits on what a person may send, so one item cannot swamp a page or
// the database. 4,000 characters is Open311's limit for a description.
const (
	MinDescription = 10
	MaxDescription = 4000
	MaxAddress     = 300
	MaxName        = 200
	MaxNote        = 4000
	MaxSLAHours    = 720
	MaxSLADays     = 365
)

// SubmitInput is what a resident sends.
type SubmitInput struct {
	TenantID    string `json:"municipality_id"`
	Regime      Regime `json:"regime"`
	Kind        Kind   `json:"kind"`
	Collective  bool   `json:"collective"`
	CategoryID  string `json:"category_id"`
	Description string `json:"description"`
	Point       *Point `json:"point"`
	Address     string `json:"address"`
	AuthorName  string `json:"author_name"`
	Anonymous   bool   `json:"anonymous"`
	// Photos: up to MaxPhotos JPEG, PNG or WebP files.
	Photos   []PhotoUpload `json:"photos,omitempty"`
	ClientIP string        `json:"-"` // the sender's network address, for the rate limit
	// Answers to the category's extra questions by question code; a
	// multivaluelist takes several values.
	Answers map[string][]string `json:"answers,omitempty"`

	// vouched: an API key scoped to the municipality sent it (an Open311
	// client), which answers for the item as a category's anonymity would.
	vouched bool
}

func (in *SubmitInput) normalize() {
	in.Description = strings.TrimSpace(in.Description)
	in.Address = strings.TrimSpace(in.Address)
	in.AuthorName = strings.TrimSpace(in.AuthorName)
	in.CategoryID = strings.TrimSpace(in.CategoryID)
}

// validate checks the input against itself and its category (nil when
// none was found); it returns a message key per offending field.
func (in SubmitInput) validate(cat *Category) map[string]string {
	bad := map[string]string{}
	switch in.Regime {
	case RegimeAppeal:
		if !slices.Contains(Kinds(), in.Kind) {
			bad["kind"] = "appeals.kind.required"
		}
		if in.Anonymous {
			bad["anonymous"] = "appeals.anonymous.appeal" // art. 7: an appeal names its author
		} else if n := utf8.RuneCountInString(in.AuthorName); n < 2 || n > MaxName {
			bad["author_name"] = "appeals.author_name.invalid"
		}
	case RegimeReport:
		if in.Kind != "" || in.Collective {
			bad["kind"] = "appeals.kind.report"
		}
		if in.Point == nil && in.Address == "" {
			bad["point"] = "appeals.point.required"
		}
		if in.Anonymous && !in.vouched && cat != nil && !cat.AllowAnonymous {
			bad["anonymous"] = "appeals.anonymous.category"
		}
	default:
		bad["regime"] = "appeals.regime.invalid"
	}
	checkCategory(in, cat, bad)
	checkText(in, bad)
	return bad
}

func checkCategory(in SubmitInput, cat *Category, bad map[string]string) {
	switch {
	case in.CategoryID == "" && in.Regime == RegimeReport:
		bad["category_id"] = "appeals.category.required"
	case in.CategoryID == "":
	case cat == nil || !cat.Active || cat.TenantID != in.TenantID || cat.Regime != in.Regime:
		bad["category_id"] = "appeals.category.unknown"
	}
}

func checkText(in SubmitInput, bad map[string]string) {
	if n := utf8.RuneCountInString(in.Description); n < MinDescription {
		bad["description"] = "appeals.description.short"
	} else if n > MaxDescription {
		bad["description"] = "appeals.description.long"
	} else if !printable(in.Description) {
		bad["description"] = "appeals.description.control"
	}
	if utf8.RuneCountInString(in.Address) > MaxAddress {
		bad["address"] = "appeals.address.long"
	}
	if p := in.Point; p != nil && !validPoint(*p) {
		bad["point"] = "appeals.point.range"
	}
}

func validPoint(p Point) bool {
	return !math.IsNaN(p.Lat) && !math.IsNaN(p.Lon) && p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180
}

// printable refuses control characters other than line breaks and tabs.
func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	})
}

// CategoryInput is what an administrator gives to create a category.
type CategoryInput struct {
	Code           string `json:"code"`
	Regime         Regime `json:"regime"`
	NameRU         string `json:"name_ru"`
	NameEN         string `json:"name_en"`
	SLA            SLA    `json:"sla"`
	AllowAnonymous bool   `json:"allow_anonymous"`
	DepartmentID   string `json:"department_id"`
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,39}$`)

func (in *CategoryInput) normalize() {
	in.Code = strings.ToLower(strings.TrimSpace(in.Code))
	in.NameRU, in.NameEN = strings.TrimSpace(in.NameRU), strings.TrimSpace(in.NameEN)
}

func (in CategoryInput) validate() map[string]string {
	bad := map[string]string{}
	if !codePattern.MatchString(in.Code) {
		bad["code"] = "appeals.category.code.invalid"
	}
	if n := utf8.RuneCountInString(in.NameRU); n < 2 || n > MaxName {
		bad["name_ru"] = "appeals.category.name.invalid"
	}
	if utf8.RuneCountInString(in.NameEN) > MaxName {
		bad["name_en"] = "appeals.category.name.invalid"
	}
	switch in.Regime {
	case RegimeReport:
		max := map[Unit]int{Hours: MaxSLAHours, Days: MaxSLADays}[in.SLA.Unit]
		if in.SLA.Amount < 1 || in.SLA.Amount > max {
			bad["sla"] = "appeals.category.sla.invalid"
		}
	case RegimeAppeal:
		if in.SLA != (SLA{}) {
			bad["sla"] = "appeals.category.sla.appeal" // 59-FZ sets an appeal's clocks
		}
		if in.AllowAnonymous {
			bad["allow_anonymous"] = "appeals.anonymous.appeal"
		}
	default:
		bad["regime"] = "appeals.regime.invalid"
	}
	return bad
}

func invalid(typ string, bad map[string]string) error { return fault.Invalid(typ, bad) }

// checkNote checks the free text of a workflow step (an answer, a reason).
func checkNote(field, note string, required bool) map[string]string {
	n := utf8.RuneCountInString(strings.TrimSpace(note))
	switch {
	case required && n == 0:
		return map[string]string{field: "appeals." + field + ".required"}
	case n > MaxNote || !printable(note):
		return map[string]string{field: "appeals." + field + ".invalid"}
	}
	return nil
}
