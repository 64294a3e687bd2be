package appeals

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// o311UpdateParams are the POST servicerequestupdates parameters of
// FixMyStreet's extension muni knows. The contact fields are accepted and
// not kept: the step is the API key's.
var o311UpdateParams = map[string]bool{"api_key": true, "jurisdiction_id": true, "service_request_id": true,
	"update_id": true, "update_id_ext": true, "updated_datetime": true, "status": true, "description": true,
	"media_url": true, "email": true, "first_name": true, "last_name": true, "title": true, "account_id": true,
	"phone": true, "service_code": true}

// updateStep is the workflow action a posted status asks for, from the
// report's current state; "" when the status names no step muni takes
// this way (ACTION_SCHEDULED needs a department, which the extension
// cannot name).
func updateStep(status string, from State) Action {
	switch strings.ToUpper(strings.TrimSpace(status)) {
	case "OPEN":
		if from == Received {
			return ActRegister
		}
		return ActReopen
	case "IN_PROGRESS", "INVESTIGATING":
		return ActStart
	case "FIXED":
		return ActFix
	case "CLOSED", "NO_FURTHER_ACTION", "NOT_COUNCILS_RESPONSIBILITY", "DUPLICATE", "INTERNAL_REFERRAL":
		return ActCloseNotFixed
	}
	return ""
}

// takeStep runs act on report id with note, through the service, which
// authorizes it, checks the workflow, and writes the history step, the
// audit entry and the event in one transaction.
func (h *open311) takeStep(ctx context.Context, id string, act Action, note string) (Appeal, error) {
	switch act {
	case ActRegister:
		return h.svc.Register(ctx, id)
	case ActStart:
		return h.svc.Start(ctx, id)
	case ActFix:
		return h.svc.Fix(ctx, id, note)
	case ActCloseNotFixed:
		return h.svc.CloseNotFixed(ctx, id, note)
	}
	return h.svc.Reopen(ctx, id, note)
}

// postUpdate serves POST servicerequestupdates.{fmt}: another 311 system,
// holding an API key scoped to the municipality, moves one of its issue
// reports on by one step the workflow allows. The answer names the new
// history step as the feed does: [{"update_id": "<request>-<seq>"}].
func (h *open311) postUpdate(w http.ResponseWriter, r *http.Request, format string, who *auth.Actor) error {
	if bad := unknownParams(r, o311UpdateParams); len(bad) > 0 {
		return h.fail(w, r, format, http.StatusBadRequest, bad...)
	}
	m, ok, err := h.jurisdiction(w, r, format)
	if !ok {
		return err
	}
	id := strings.TrimSpace(r.PostFormValue("service_request_id"))
	if id == "" {
		return h.fail(w, r, format, http.StatusBadRequest, "appeals.open311.request_id_required")
	}
	ctx := auth.With(r.Context(), who)
	a, err := h.svc.st.appeal(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && (a.TenantID != m.ID || a.Regime != RegimeReport)) {
		return h.fail(w, r, format, http.StatusNotFound, "appeals.open311.request_unknown")
	}
	if err != nil {
		return err
	}
	status := r.PostFormValue("status")
	act := updateStep(status, a.State)
	if act == "" {
		return h.fail(w, r, format, http.StatusBadRequest, "appeals.open311.update_status|"+status)
	}
	a, err = h.takeStep(ctx, id, act, r.PostFormValue("description"))
	if err != nil {
		return h.stepFailed(w, r, format, status, err)
	}
	return writeO311(w, format, http.StatusOK, "service_request_updates",
		[]o311UpdateID{{UpdateID: a.ID + "-" + strconv.Itoa(len(a.History))}})
}

// stepFailed answers a refused step in Open311's format; errors that are
// not the client's go to the platform.
func (h *open311) stepFailed(w http.ResponseWriter, r *http.Request, format, status string, err error) error {
	fe, _ := fault.As(err)
	switch {
	case fe != nil && len(fe.Fields) > 0:
		keys := make([]string, 0, len(fe.Fields))
		for _, k := range fe.Fields {
			keys = append(keys, k)
		}
		return h.fail(w, r, format, http.StatusBadRequest, keys...)
	case errors.Is(err, fault.ErrNotFound):
		return h.fail(w, r, format, http.StatusNotFound, "appeals.open311.request_unknown")
	case errors.Is(err, fault.ErrForbidden):
		return h.fail(w, r, format, http.StatusForbidden, "appeals.open311.update_forbidden")
	case errors.Is(err, fault.ErrConflict):
		return h.fail(w, r, format, http.StatusConflict, "appeals.open311.update_transition|"+status)
	}
	return err
}

// unknownParams lists, as error keys, the posted parameters outside known.
func unknownParams(r *http.Request, known map[string]bool) []string {
	var bad []string
	for k := range r.PostForm {
		if !known[k] && !(known["attribute[]"] && isAttribute(k)) {
			bad = append(bad, "appeals.open311.attribute_unknown|"+k)
		}
	}
	return bad
}
