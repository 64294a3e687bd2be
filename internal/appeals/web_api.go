package appeals

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/web"
)

// StepInput is the body of a workflow step through the API; each step
// reads the fields it needs.
type StepInput struct {
	DepartmentID string `json:"department_id"` // assign
	AssigneeID   string `json:"assignee_id"`   // assign
	Days         int    `json:"days"`          // extend
	Reason       string `json:"reason"`        // extend, reopen, no_answer (the art. 11 reason)
	Answer       string `json:"answer"`        // answer; the note of fix, close_not_fixed, return, redirect, no_answer
	RedirectTo   string `json:"redirect_to"`   // redirect
	Body         string `json:"body"`          // info_request: the body asked
	Subject      string `json:"subject"`       // info_request: what is asked
	Result       string `json:"result"`        // info_received
}

// apiStep runs one workflow step posted as JSON and returns the item.
func (h *handler) apiStep(w http.ResponseWriter, r *http.Request) error {
	var in StepInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	var a Appeal
	var err error
	switch Action(r.PathValue("action")) {
	case ActRegister:
		a, err = h.svc.Register(ctx, id)
	case ActAssign:
		a, err = h.svc.Assign(ctx, id, AssignInput{DepartmentID: in.DepartmentID, AssigneeID: in.AssigneeID})
	case ActStart:
		a, err = h.svc.Start(ctx, id)
	case ActExtend:
		a, err = h.svc.Extend(ctx, id, in.Days, in.Reason)
	case ActAnswer:
		a, err = h.svc.Answer(ctx, id, in.Answer)
	case ActFix:
		a, err = h.svc.Fix(ctx, id, in.Answer)
	case ActCloseNotFixed:
		a, err = h.svc.CloseNotFixed(ctx, id, in.Answer)
	case ActRedirect:
		a, err = h.svc.Redirect(ctx, id, in.RedirectTo, in.Answer)
	case ActReturn:
		a, err = h.svc.Return(ctx, id, in.Answer)
	case ActNoAnswer:
		a, err = h.svc.NoAnswer(ctx, id, in.Reason, in.Answer)
	case ActReopen:
		a, err = h.svc.Reopen(ctx, id, in.Reason)
	case ActRoute:
		a, err = h.svc.Route(ctx, id, in.DepartmentID)
	case ActInfoRequest:
		a, err = h.svc.RequestInfo(ctx, id, in.Body, in.Subject)
	case ActInfoReceived:
		a, err = h.svc.ReceiveInfo(ctx, id, in.Result)
	default:
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}
