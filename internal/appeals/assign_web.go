package appeals

import "context"

// assigneeField is the assign form's picker of officials; the item's
// current assignee is preselected, "—" (nobody) first.
func (p showPage) assigneeField(id string) stepField {
	f := stepField{ID: id, Name: "assignee_id", Label: "appeals.field.assignee", Kind: "select",
		Options: []option{{Value: "", Label: "—"}}}
	for _, a := range p.Assignees {
		f.Options = append(f.Options, option{Value: a.ID, Label: a.Name, Selected: a.ID == p.Appeal.AssigneeID})
	}
	return f
}

// queuePeople fills the queue's bulk picker and the assignees' names.
func (h *handler) queuePeople(ctx context.Context, p *queuePage) error {
	var err error
	if p.Assignees, err = h.svc.QueueAssignees(ctx); err != nil {
		return err
	}
	p.People, err = h.svc.assigneeNames(ctx, p.Items)
	return err
}
