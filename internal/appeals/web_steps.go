package appeals

// stepForm is the form of one workflow step on the detail page, built in
// Go so the template renders every step the same way.
type stepForm struct {
	Action Action
	Open   bool // holds the errors of the last attempt
	Fields []stepField
}

// stepField is one labelled input of a step form.
type stepField struct {
	ID, Name   string
	Label      string // i18n key
	Hint       string // i18n key, optional
	Kind       string // "textarea", "text", "number" or "select"
	Value      string
	Error      string // i18n key
	Options    []option
	Required   bool
	Max        int
	Complete   string // autocomplete token
	Multiline  bool
	NumberMin  int
	NumberMax  int
	Translated bool // option labels are i18n keys
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// stepForms builds the forms of the steps the page offers; the failed
// one keeps what was entered and its messages.
func (p showPage) stepForms(lang string) []stepForm {
	var out []stepForm
	for _, act := range p.Steps {
		sf := stepForm{Action: act, Open: act == p.Failed}
		sf.Fields = p.fieldsOf(act, lang)
		if sf.Open {
			for i := range sf.Fields {
				f := &sf.Fields[i]
				f.Error = p.Errors[f.Name]
				if v, ok := p.Values[f.Name]; ok && f.Kind != "select" {
					f.Value = v
				}
			}
		}
		out = append(out, sf)
	}
	return out
}

func (p showPage) fieldsOf(act Action, lang string) []stepField {
	id := func(name string) string { return string(act) + "-" + name }
	note := func(label string, required bool) stepField {
		return stepField{ID: id("answer"), Name: "answer", Label: label, Kind: "textarea", Required: required, Max: MaxNote}
	}
	switch act {
	case ActAssign:
		f := stepField{ID: id("department"), Name: "department_id", Label: "appeals.field.department", Kind: "select", Required: true}
		for _, d := range p.Departments {
			f.Options = append(f.Options, option{Value: d.ID, Label: d.Title(lang), Selected: d.ID == p.Appeal.DepartmentID})
		}
		return []stepField{f, p.assigneeField(id("assignee"))}
	case ActExtend:
		return []stepField{
			{ID: id("days"), Name: "days", Label: "appeals.field.days", Hint: "appeals.field.days.hint", Kind: "number",
				Value: "30", NumberMin: 1, NumberMax: MaxExtensionDays, Required: true},
			{ID: id("reason"), Name: "reason", Label: "appeals.field.extend_reason", Kind: "textarea", Required: true, Max: MaxNote},
		}
	case ActAnswer:
		return []stepField{note("appeals.field.answer", true)}
	case ActFix:
		return []stepField{note("appeals.field.note_author", false)}
	case ActCloseNotFixed, ActReturn:
		return []stepField{note("appeals.field.note_author", true)}
	case ActRedirect:
		return []stepField{{ID: id("to"), Name: "redirect_to", Label: "appeals.field.redirect_to", Kind: "text", Required: true,
			Max: MaxName, Complete: "organization"}, note("appeals.field.note_author", false)}
	case ActNoAnswer:
		f := stepField{ID: id("reason"), Name: "reason", Label: "appeals.field.reason", Kind: "select", Required: true, Translated: true}
		for _, r := range p.Reasons {
			f.Options = append(f.Options, option{Value: r, Label: "appeals.reason." + r})
		}
		return []stepField{f, note("appeals.field.note_author", false)}
	case ActReopen:
		return []stepField{{ID: id("reason"), Name: "reason", Label: "appeals.field.reopen_reason", Kind: "textarea", Required: true, Max: MaxNote}}
	case ActRoute, ActInfoRequest, ActInfoReceived:
		return p.extraFields(act, lang)
	}
	return nil
}
