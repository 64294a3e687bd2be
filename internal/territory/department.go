package territory

import (
	"regexp"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Department is a structural unit of a municipal administration.
type Department struct {
	ID            string    `json:"id"`
	MuniID        string    `json:"municipality_id"`
	Code          string    `json:"code"` // short, stable, unique within the municipality
	NameRU        string    `json:"name_ru"`
	NameEN        string    `json:"name_en"`
	Email         string    `json:"email,omitempty"`
	Phone         string    `json:"phone,omitempty"`
	Description   string    `json:"description,omitempty"`
	DescriptionEN string    `json:"description_en,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Name is the department's name in lang, Russian when English is missing.
func (d Department) Name(lang string) string {
	return i18n.Pick(lang, d.NameRU, d.NameEN)
}

// About is what the department does, in lang (Russian when English is missing).
func (d Department) About(lang string) string {
	return i18n.Pick(lang, d.Description, d.DescriptionEN)
}

// DepartmentInput creates a department.
type DepartmentInput struct {
	Code          string `json:"code"`
	NameRU        string `json:"name_ru"`
	NameEN        string `json:"name_en"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	Description   string `json:"description"`
	DescriptionEN string `json:"description_en"`
}

// DepartmentPatch changes the fields it sets.
type DepartmentPatch struct {
	Code          *string `json:"code"`
	NameRU        *string `json:"name_ru"`
	NameEN        *string `json:"name_en"`
	Email         *string `json:"email"`
	Phone         *string `json:"phone"`
	Description   *string `json:"description"`
	DescriptionEN *string `json:"description_en"`
}

// apply returns d with the patch's fields set.
func (p DepartmentPatch) apply(d DepartmentInput) DepartmentInput {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&d.Code, p.Code)
	set(&d.NameRU, p.NameRU)
	set(&d.NameEN, p.NameEN)
	set(&d.Email, p.Email)
	set(&d.Phone, p.Phone)
	set(&d.Description, p.Description)
	set(&d.DescriptionEN, p.DescriptionEN)
	return d
}

// Input is the department's current fields as an input, to patch.
func (d Department) Input() DepartmentInput {
	return DepartmentInput{Code: d.Code, NameRU: d.NameRU, NameEN: d.NameEN, Email: d.Email, Phone: d.Phone,
		Description: d.Description, DescriptionEN: d.DescriptionEN}
}

var codeRule = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

const maxDescription = 2000

func (in *DepartmentInput) normalize() {
	for _, s := range []*string{&in.Code, &in.NameRU, &in.NameEN, &in.Email, &in.Phone, &in.Description, &in.DescriptionEN} {
		*s = strings.TrimSpace(*s)
	}
	in.Code = strings.ToLower(in.Code)
}

// validate returns one message key per offending field.
func (in *DepartmentInput) validate() map[string]string {
	bad := map[string]string{}
	if !codeRule.MatchString(in.Code) {
		bad["code"] = "territory.department.code.invalid"
	}
	checkText(bad, "name_ru", in.NameRU, maxName, true)
	checkText(bad, "name_en", in.NameEN, maxName, false)
	if in.Email != "" && !validEmail(in.Email) {
		bad["email"] = "territory.email.invalid"
	}
	if in.Phone != "" && !phoneRule.MatchString(in.Phone) {
		bad["phone"] = "territory.phone.invalid"
	}
	checkDescription(bad, "description", in.Description)
	checkDescription(bad, "description_en", in.DescriptionEN)
	return bad
}

func checkDescription(bad map[string]string, field, v string) {
	if len([]rune(v)) > maxDescription {
		bad[field] = "territory.field.too_long"
	} else if strings.ContainsFunc(v, isControl) {
		bad[field] = "territory.field.control"
	}
}
