package services

import (
	"regexp"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Term is a service's regulated deadline: N working or calendar days
// from the day after submission. Suspends says the regulation stops the
// term while the applicant is asked for a missing document
// (приостановление срока) and lengthens it by the days stopped; a
// regulation that does not provide for it keeps the term running.
type Term struct {
	Days     int  `json:"days"`
	Working  bool `json:"working"`
	Suspends bool `json:"suspends"`
}

// Reason is one ground for refusal, as the service's regulation lists it.
type Reason struct {
	Code string `json:"code"`
	RU   string `json:"ru"`
	EN   string `json:"en"`
}

// Text is the reason in lang.
func (r Reason) Text(lang string) string {
	return i18n.Pick(lang, r.RU, r.EN)
}

// Entry is one service of a municipality's catalogue (реестр
// муниципальных услуг).
type Entry struct {
	ID               string    `json:"id"`
	TenantID         string    `json:"municipality_id"`
	Code             string    `json:"code"`
	NameRU           string    `json:"name_ru"`
	NameEN           string    `json:"name_en"`
	DescriptionRU    string    `json:"description_ru"`
	DescriptionEN    string    `json:"description_en"`
	DepartmentID     string    `json:"department_id"`
	LegalBasis       string    `json:"legal_basis"`
	Term             Term      `json:"term"`
	FeeKopecks       int64     `json:"fee_kopecks"`
	DocumentsRU      []string  `json:"documents_ru"`
	DocumentsEN      []string  `json:"documents_en"`
	ResultRU         string    `json:"result_ru"` // the kind of result: "разрешение", "справка", …
	ResultEN         string    `json:"result_en"`
	Extraterritorial bool      `json:"extraterritorial"`
	Active           bool      `json:"active"`
	Form             Form      `json:"form"`
	Reasons          []Reason  `json:"refusal_reasons"`
	Updated          time.Time `json:"updated_at"`
}

// Name is the service's name in lang.
func (e Entry) Name(lang string) string {
	return i18n.Pick(lang, e.NameRU, e.NameEN)
}

// Description is the service's description in lang.
func (e Entry) Description(lang string) string {
	return i18n.Pick(lang, e.DescriptionRU, e.DescriptionEN)
}

// Documents are the required documents in lang.
func (e Entry) Documents(lang string) []string {
	if lang == "en" && len(e.DocumentsEN) > 0 {
		return e.DocumentsEN
	}
	return e.DocumentsRU
}

// Result is the kind of result in lang.
func (e Entry) Result(lang string) string {
	return i18n.Pick(lang, e.ResultRU, e.ResultEN)
}

// Fee is the fee in roubles, for display.
func (e Entry) Fee() float64 { return float64(e.FeeKopecks) / 100 }

// Reason returns the refusal reason with code.
func (e Entry) Reason(code string) (Reason, bool) {
	for _, r := range e.Reasons {
		if r.Code == code {
			return r, true
		}
	}
	return Reason{}, false
}

// Matches reports whether the entry matches a search query: every word of
// it, case-insensitive, found in its code, names, description, result or
// legal basis. A word of five letters or more is matched by its stem (the
// last two letters dropped), so "детский сад" finds "детские сады".
func (e Entry) Matches(q string) bool {
	hay := strings.ToLower(strings.Join([]string{e.Code, e.NameRU, e.NameEN, e.DescriptionRU, e.DescriptionEN, e.LegalBasis, e.ResultRU, e.ResultEN}, " "))
	hay = strings.ReplaceAll(hay, "ё", "е")
	for _, w := range strings.Fields(strings.ReplaceAll(strings.ToLower(q), "ё", "е")) {
		if r := []rune(w); len(r) >= 5 {
			w = string(r[:len(r)-2])
		}
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

var serviceCodeRe = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// check validates an entry an administrator writes and returns one
// message key per offending field.
func (e Entry) check() map[string]string {
	errs := map[string]string{}
	if !serviceCodeRe.MatchString(e.Code) {
		errs["code"] = "services.admin.code_invalid"
	}
	if n := len([]rune(strings.TrimSpace(e.NameRU))); n < 3 || n > 300 {
		errs["name_ru"] = "services.admin.name_invalid"
	}
	if e.Term.Days < 1 || e.Term.Days > 365 {
		errs["term_days"] = "services.admin.term_invalid"
	}
	if e.FeeKopecks < 0 {
		errs["fee"] = "services.admin.fee_invalid"
	}
	if strings.TrimSpace(e.LegalBasis) == "" {
		errs["legal_basis"] = "services.admin.basis_required"
	}
	if err := e.Form.Check(); err != nil {
		errs["form"] = "services.admin.form_invalid"
	}
	seen := map[string]bool{}
	for _, r := range e.Reasons {
		if r.Code == "" || strings.TrimSpace(r.RU) == "" || seen[r.Code] {
			errs["reasons"] = "services.admin.reasons_invalid"
		}
		seen[r.Code] = true
	}
	return errs
}
