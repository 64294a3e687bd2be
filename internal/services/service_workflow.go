package services

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// errNotResident refuses a service that is not extraterritorial to a
// resident of another municipality.
var errNotResident = &fault.Error{Kind: fault.ErrForbidden, Type: "not-resident", Key: "services.error.not_resident"}

// pick is a name in the request's language.
func pick(ru, en string, ctx context.Context) string {
	if web.Lang(ctx) == "en" && en != "" {
		return en
	}
	return ru
}

// MaxNoteLen bounds an official's note and a resident's comment.
const MaxNoteLen = 2000

// own loads an application the signed-in actor applied for, with its
// catalogue entry.
func (s *Service) own(ctx context.Context, id string) (*auth.Actor, Application, Entry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, Application{}, Entry{}, err
	}
	r, err := s.st.app(ctx, id)
	if err != nil {
		return nil, Application{}, Entry{}, wrap("application", err)
	}
	if !isApplicant(a, r.Application) {
		if canRead(a, r.Application) {
			return nil, Application{}, Entry{}, ErrForbidden
		}
		return nil, Application{}, Entry{}, ErrNotFound
	}
	e, err := s.st.entry(ctx, r.ServiceID)
	return a, r.Application, e, wrap("entry", err)
}

// cleanUploads checks each upload against its file field: it returns the
// files that pass and, when any does not, each refused field's message.
func cleanUploads(fm Form, ups []Upload) ([]File, map[string]string) {
	var out []File
	var bad map[string]string
	refuse := func(field, key string) {
		if bad == nil {
			bad = map[string]string{}
		}
		bad[field] = key
	}
	for _, u := range ups {
		f, ok := fm.Field(u.Field)
		if !ok || f.Kind != KindFile {
			refuse(u.Field, "services.file.unexpected")
			continue
		}
		file, key := checkUpload(f, u)
		if key != "" {
			refuse(u.Field, key)
			continue
		}
		out = append(out, file)
	}
	return out, bad
}

// SaveDraft stores what the applicant has typed so far (and any files
// sent with it) in a draft: fields sent replace the stored ones, an empty
// one clears it. Values are not yet required to be complete,
// but files must be of an accepted type and size, or nothing is saved.
func (s *Service) SaveDraft(ctx context.Context, id string, values map[string]string, ups []Upload) (Application, error) {
	_, app, e, err := s.own(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if app.State != StateDraft {
		return Application{}, conflict("services.error.not_draft")
	}
	files, bad := cleanUploads(e.Form, ups)
	if bad != nil {
		return Application{}, invalid("file-refused", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		changed, err := s.saveValues(ctx, &app, e, values, files)
		if err != nil || len(changed) == 0 {
			return err
		}
		// The audit names the fields and files changed, never their values.
		return s.record(ctx, audit.Entry{Action: "services.application.save", ObjectType: "service_application",
			ObjectID: app.ID, TenantID: app.TenantID, Detail: map[string]any{"fields": changed}}, "", nil)
	})
	if err != nil {
		return Application{}, wrap("save draft", err)
	}
	return s.Application(ctx, id)
}

// saveValues writes the cleaned values and files into app (a draft) and
// returns the codes of the fields it changed, sorted. A draft save is no
// workflow step: it writes no history step (the submission records what
// was sent).
func (s *Service) saveValues(ctx context.Context, app *Application, e Entry, values map[string]string, files []File) ([]string, error) {
	// Fields sent replace (or, sent empty, clear) what is stored; fields
	// not sent keep their values. A file field's value is its stored
	// file's name, changed only by an upload.
	cleaned, _ := e.Form.Clean(values)
	vals := Values{}
	for k, v := range app.Values {
		vals[k] = v
	}
	for k := range values {
		if f, ok := e.Form.Field(k); ok && f.Kind != KindFile {
			if v := cleaned[k]; v != "" {
				vals[k] = v
			} else {
				delete(vals, k)
			}
		}
	}
	now := s.now()
	for _, f := range files {
		if err := s.st.putFile(ctx, app.ID, f, now); err != nil {
			return nil, err
		}
		vals[f.Field] = f.Name
	}
	var changed []string
	for _, f := range e.Form {
		if vals[f.Code] != app.Values[f.Code] || slices.ContainsFunc(files, func(x File) bool { return x.Field == f.Code }) {
			changed = append(changed, f.Code)
		}
	}
	from := app.State
	app.Values, app.Updated = vals, now
	return changed, s.st.updateApp(ctx, *app, from)
}

// Submit saves the last values and files and sends the application: every
// field must then be valid. The number and the regulated deadline are
// given in the same transaction; a refusal leaves the draft as it was.
func (s *Service) Submit(ctx context.Context, id string, values map[string]string, ups []Upload) (Application, error) {
	a, app, e, err := s.own(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if app.State != StateDraft {
		return Application{}, conflict("services.error.not_draft")
	}
	if !e.Active {
		return Application{}, conflict("services.error.inactive")
	}
	files, bad := cleanUploads(e.Form, ups) // refused files are reported with the fields' messages
	m, err := s.municipality(ctx, app.TenantID)
	if err != nil {
		return Application{}, err
	}
	loc := zone(m)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		changed, err := s.saveValues(ctx, &app, e, values, files)
		if err != nil {
			return err
		}
		errs := e.Form.Validate(app.Values, s.now().In(loc))
		for k, v := range bad {
			errs[k] = v
		}
		if len(errs) > 0 {
			return invalid("application-invalid", errs)
		}
		now := s.now()
		local := now.In(loc)
		n, err := s.st.nextNumber(ctx, m.ID, local.Year())
		if err != nil {
			return err
		}
		app.Number = fmt.Sprintf("МУ-%d-%06d", local.Year(), n)
		app.Submitted, app.Term = now, e.Term
		app.Due, app.Calendar = s.Due(e.Term, now, loc)
		return s.step(ctx, a, &app, ActSubmit, "", map[string]any{"number": app.Number, "due": app.Due.Format(time.RFC3339),
			"calendar": app.Calendar, "term_days": e.Term.Days, "term_working": e.Term.Working,
			"term_suspends": e.Term.Suspends, "fields": changed})
	})
	if err != nil {
		return Application{}, wrap("submit", err)
	}
	return s.Application(ctx, id)
}

// step moves app by act, suspending or resuming its term, writing the
// row, the history step, the audit entry and the event; ctx carries the
// transaction.
func (s *Service) step(ctx context.Context, a *auth.Actor, app *Application, act Action, note string, detail map[string]any) error {
	to, ok := Next(app.State, act)
	if !ok {
		return conflict("services.error.step_not_allowed")
	}
	from := app.State
	now := s.now()
	clock, err := s.clock(ctx, app, act, note, now)
	if err != nil {
		return err
	}
	app.State, app.Updated = to, now
	if err := s.st.updateApp(ctx, *app, from); err != nil {
		return err
	}
	if err := s.st.insertStep(ctx, app.ID, Step{At: now, ActorID: a.ID, Action: act, State: to, Note: note}); err != nil {
		return err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	for k, v := range clock {
		detail[k] = v
	}
	detail["from"], detail["to"] = string(from), string(to)
	return s.record(ctx, audit.Entry{Action: "services.application." + string(act), ObjectType: "service_application",
		ObjectID: app.ID, TenantID: app.TenantID, Detail: detail}, eventType(act),
		event{ID: app.ID, TenantID: app.TenantID, ServiceID: app.ServiceID, ServiceCode: app.ServiceCode,
			ApplicantID: app.ApplicantID, State: to, Action: act})
}

// Decision is an official's step on an application: the action, a note
// (what document is missing; the text of a decision) and, for a refusal,
// the code of one of the service's refusal reasons.
type Decision struct {
	Action Action
	Note   string
	Reason string
}

// Act takes an official's step: accept, request a missing document,
// approve or refuse with a reason.
func (s *Service) Act(ctx context.Context, id string, d Decision) (Application, error) {
	a, err := actor(ctx)
	if err != nil {
		return Application{}, err
	}
	r, err := s.st.app(ctx, id)
	if err != nil {
		return Application{}, wrap("act", err)
	}
	app := r.Application
	if !canStaff(a, app.TenantPath, app.DepartmentID, auth.RoleOperator) {
		if canRead(a, app) {
			return Application{}, ErrForbidden
		}
		return Application{}, ErrNotFound
	}
	e, err := s.st.entry(ctx, app.ServiceID)
	if err != nil {
		return Application{}, wrap("act", err)
	}
	note := strings.TrimSpace(d.Note)
	if len([]rune(note)) > MaxNoteLen {
		return Application{}, invalid("note-too-long", map[string]string{"note": "services.act.note_too_long"})
	}
	detail := map[string]any{}
	switch d.Action {
	case ActAccept:
	case ActRequest:
		if note == "" {
			return Application{}, invalid("request-empty", map[string]string{"note": "services.act.request_required"})
		}
		app.Request = note
	case ActApprove:
		app.Decided, app.Note = s.now(), note
	case ActRefuse:
		reason, ok := e.Reason(d.Reason)
		if !ok {
			return Application{}, invalid("reason-required", map[string]string{"reason": "services.act.reason_required"})
		}
		app.Decided, app.RefusalCode, app.Note = s.now(), reason.Code, note
		detail["reason"] = reason.Code
	default:
		return Application{}, invalid("unknown-action", map[string]string{"action": "services.act.unknown"})
	}
	if _, ok := Next(app.State, d.Action); !ok {
		return Application{}, conflict("services.error.step_not_allowed")
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		return s.step(ctx, a, &app, d.Action, note, detail)
	})
	if err != nil {
		return Application{}, wrap("act", err)
	}
	return s.Application(ctx, id)
}

// Provide is the applicant's answer to a request for a missing document:
// the files (at least one) go with the application, which returns to the
// official.
func (s *Service) Provide(ctx context.Context, id string, ups []Upload, comment string) (Application, error) {
	a, app, e, err := s.own(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if app.State != StateAwaiting {
		return Application{}, conflict("services.error.nothing_requested")
	}
	if len(ups) == 0 {
		return Application{}, invalid("file-required", map[string]string{"files": "services.provide.file_required"})
	}
	files, bad := cleanUploads(e.Form, ups)
	if bad != nil {
		return Application{}, invalid("file-refused", bad)
	}
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > MaxNoteLen {
		return Application{}, invalid("note-too-long", map[string]string{"note": "services.act.note_too_long"})
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		now := s.now()
		fields := []string{}
		for _, f := range files {
			if err := s.st.putFile(ctx, app.ID, f, now); err != nil {
				return err
			}
			app.Values[f.Field] = f.Name
			fields = append(fields, f.Field)
		}
		return s.step(ctx, a, &app, ActProvide, comment, map[string]any{"files": fields})
	})
	if err != nil {
		return Application{}, wrap("provide", err)
	}
	return s.Application(ctx, id)
}

// File returns a stored file of an application with its content, to the
// applicant and the officials over it.
func (s *Service) File(ctx context.Context, id, field string) (File, []byte, error) {
	if _, err := s.Application(ctx, id); err != nil {
		return File{}, nil, err
	}
	f, data, err := s.st.fileData(ctx, id, field)
	return f, data, wrap("file", err)
}
