package territory

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// field is one form control; Label, Hint and Error are i18n keys.
type field struct {
	Name         string
	Label        string
	Hint         string
	Type         string // text, email, tel, textarea, select
	InputMode    string
	Value        string
	Error        string
	Autocomplete string
	Required     bool
	MaxLength    int
	Options      []option
}

// option is one choice of a select; Label is an i18n key.
type option struct {
	Value, Label string
}

// form is a form's fields and the message above them.
type form struct {
	Fields []field
	Alert  string // i18n key of the summary shown above a refused form
}

// fill puts posted values into the fields and the messages of err (a
// refused input) next to them. It reports whether err was such a refusal;
// any other error is the caller's to return.
func (f *form) fill(r *http.Request, err error) bool {
	for i := range f.Fields {
		f.Fields[i].Value = r.PostFormValue(f.Fields[i].Name)
	}
	fe, ok := fault.As(err)
	if !ok || !(errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrConflict)) {
		return false
	}
	f.Alert = "territory.form.fix"
	if errors.Is(err, fault.ErrConflict) {
		f.Alert = "territory.form.conflict"
	}
	for i := range f.Fields {
		if key, ok := fe.Fields[f.Fields[i].Name]; ok {
			f.Fields[i].Error = key
		}
	}
	return true
}

// set gives field name a value (for edit forms and defaults).
func (f *form) set(name, value string) {
	for i := range f.Fields {
		if f.Fields[i].Name == name {
			f.Fields[i].Value = value
		}
	}
}

// postedInt reads a whole number; a malformed one becomes -1 so that
// validation refuses it with its own message.
func postedInt(r *http.Request, name string) int64 {
	s := strings.ReplaceAll(strings.TrimSpace(r.PostFormValue(name)), " ", "")
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func nodeForm(kinds []Kind, tz string) form {
	opts := make([]option, 0, len(kinds))
	for _, k := range kinds {
		opts = append(opts, option{Value: string(k), Label: k.Key()})
	}
	f := form{Fields: []field{
		{Name: "kind", Label: "territory.field.kind", Type: "select", Required: true, Options: opts},
		{Name: "oktmo", Label: "territory.field.oktmo", Hint: "territory.field.oktmo_hint", Type: "text", Required: true, MaxLength: 11},
		{Name: "name_ru", Label: "territory.field.name_ru", Type: "text", Required: true, MaxLength: maxName},
		{Name: "name_en", Label: "territory.field.name_en", Type: "text", MaxLength: maxName},
		{Name: "slug", Label: "territory.field.slug", Hint: "territory.field.slug_hint", Type: "text", MaxLength: 60},
		{Name: "time_zone", Label: "territory.field.time_zone", Hint: "territory.field.time_zone_hint", Type: "text", Required: true, Value: tz},
		{Name: "population", Label: "territory.field.population", Type: "text", InputMode: "numeric", MaxLength: 9},
	}}
	return f
}

func departmentForm() form {
	return form{Fields: []field{
		{Name: "name_ru", Label: "territory.department.field.name_ru", Type: "text", Required: true, MaxLength: maxName},
		{Name: "name_en", Label: "territory.department.field.name_en", Type: "text", MaxLength: maxName},
		{Name: "code", Label: "territory.department.field.code", Hint: "territory.department.field.code_hint", Type: "text", Required: true, MaxLength: 32},
		{Name: "email", Label: "territory.department.field.email", Hint: "territory.department.field.email_hint", Type: "email", MaxLength: 254},
		{Name: "phone", Label: "territory.department.field.phone", Hint: "territory.department.field.phone_hint", Type: "tel", MaxLength: 25},
		{Name: "description", Label: "territory.department.field.description", Hint: "territory.department.field.description_hint", Type: "textarea", MaxLength: maxDescription},
		{Name: "description_en", Label: "territory.department.field.description_en", Type: "textarea", MaxLength: maxDescription},
	}}
}

func postedDepartment(r *http.Request) DepartmentInput {
	return DepartmentInput{Code: r.PostFormValue("code"), NameRU: r.PostFormValue("name_ru"), NameEN: r.PostFormValue("name_en"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"), Description: r.PostFormValue("description"),
		DescriptionEN: r.PostFormValue("description_en")}
}
