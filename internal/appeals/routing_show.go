package appeals

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/web"
)

// extrasOf fills the detail page's answers, triage and information
// requests.
func (h *handler) extrasOf(ctx context.Context, p *showPage) error {
	var err error
	if p.Answers, err = h.svc.AnswerViews(ctx, p.Appeal, web.Lang(ctx)); err != nil {
		return err
	}
	if p.Triage, err = h.svc.TriageOf(ctx, p.Appeal.ID); err != nil {
		return err
	}
	p.Info, err = h.svc.st.infoRequests(ctx, p.Appeal.ID) // the page's reader may read the item
	return err
}

// extraFields are the forms of the triage and information request steps.
func (p showPage) extraFields(act Action, lang string) []stepField {
	id := func(name string) string { return string(act) + "-" + name }
	switch act {
	case ActRoute:
		f := stepField{ID: id("department"), Name: "department_id", Label: "appeals.field.department", Kind: "select", Required: true}
		for _, d := range p.Departments {
			f.Options = append(f.Options, option{Value: d.ID, Label: d.Title(lang)})
		}
		return []stepField{f}
	case ActInfoRequest:
		return []stepField{
			{ID: id("body"), Name: "body", Label: "appeals.field.info_body", Kind: "text", Required: true, Max: MaxName, Complete: "organization"},
			{ID: id("subject"), Name: "subject", Label: "appeals.field.info_subject", Hint: "appeals.field.info_subject.hint", Kind: "textarea",
				Required: true, Max: MaxNote},
		}
	case ActInfoReceived:
		return []stepField{{ID: id("result"), Name: "result", Label: "appeals.field.info_result", Kind: "textarea", Max: MaxNote}}
	}
	return nil
}
