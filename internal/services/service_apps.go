package services

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Source marks an application started from a proactive offer.
const SourceOffer = "offer"

// event is the payload of every application event: ids only, no personal data.
type event struct {
	ID          string `json:"id"`
	TenantID    string `json:"tenant_id"`
	ServiceID   string `json:"service_id"`
	ServiceCode string `json:"service_code"`
	ApplicantID string `json:"applicant_id"`
	State       State  `json:"state"`
	Action      Action `json:"action"`
}

// EventPrefix starts every application event type ("service_application.submitted").
const EventPrefix = "service_application."

// eventType is the past-tense event of a step.
func eventType(act Action) string {
	return EventPrefix + map[Action]string{ActCreate: "created", ActSubmit: "submitted", ActAccept: "accepted",
		ActRequest: "documents_requested", ActProvide: "documents_provided", ActApprove: "approved", ActRefuse: "refused"}[act]
}

// Start creates an empty draft of a service's application for the
// signed-in resident.
func (s *Service) Start(ctx context.Context, muniID, code string) (Application, error) {
	a, err := actor(ctx)
	if err != nil {
		return Application{}, err
	}
	id, err := s.start(ctx, a.ID, muniID, code, nil, "")
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, id)
}

// StartPrefilled creates a draft application of the service with code in
// the municipality for userID, with values filled in (a proactive offer's
// data); fields the form lacks are ignored and named in the audit entry.
// The actor is the user themself or the system acting for them.
func (s *Service) StartPrefilled(ctx context.Context, userID, municipalityID, serviceCode string, values map[string]string) (string, error) {
	return s.start(ctx, userID, municipalityID, serviceCode, values, SourceOffer)
}

func (s *Service) start(ctx context.Context, userID, muniID, code string, values map[string]string, source string) (string, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	if a.Kind == auth.User && a.ID != userID || a.Kind == auth.Machine && a.Top() < auth.RolePlatformAdmin || userID == "" {
		return "", ErrForbidden
	}
	m, err := s.municipality(ctx, muniID)
	if err != nil {
		return "", err
	}
	e, err := s.st.entryByCode(ctx, m.ID, code)
	if err != nil || !e.Active {
		return "", ErrNotFound
	}
	if a.Kind == auth.User && !e.Extraterritorial && !livesIn(a, m.Path) {
		return "", fmt.Errorf("services: %w", errNotResident)
	}
	name, err := s.applicantName(ctx, a, userID)
	if err != nil {
		return "", err
	}
	vals, dropped := e.Form.Clean(values)
	for _, f := range e.Form {
		if f.Prefill == "name" && vals[f.Code] == "" && name != "" {
			vals[f.Code] = name
		}
		if f.Prefill == "email" && vals[f.Code] == "" && a.Kind == auth.User && a.Email != "" {
			vals[f.Code] = a.Email
		}
	}
	now := s.now()
	app := Application{ID: db.NewID(), TenantID: m.ID, TenantPath: m.Path, ServiceID: e.ID, ServiceCode: e.Code,
		ApplicantID: userID, ApplicantName: name, State: StateDraft, Values: vals, Created: now, Updated: now, Source: source}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.insertApp(ctx, app); err != nil {
			return err
		}
		if err := s.st.insertStep(ctx, app.ID, Step{At: now, ActorID: a.ID, Action: ActCreate, State: StateDraft, Note: source}); err != nil {
			return err
		}
		detail := map[string]any{"service": e.Code, "source": source, "fields": slices.Sorted(maps.Keys(vals))}
		if len(dropped) > 0 {
			sort.Strings(dropped)
			detail["ignored_fields"] = dropped
		}
		return s.record(ctx, audit.Entry{Action: "services.application.create", ObjectType: "service_application",
			ObjectID: app.ID, TenantID: m.ID, Detail: detail}, "", nil)
	})
	if err != nil {
		return "", wrap("start", err)
	}
	return app.ID, nil
}

// applicantName is the applicant's name: the actor's own, or looked up
// when the system acts for them.
func (s *Service) applicantName(ctx context.Context, a *auth.Actor, userID string) (string, error) {
	if a.Kind == auth.User && a.ID == userID {
		return a.Name, nil
	}
	if s.people == nil {
		return "", nil
	}
	return s.people.Name(ctx, userID)
}

// Application returns one application with its files and history, to
// its applicant or to the officials over it.
func (s *Service) Application(ctx context.Context, id string) (Application, error) {
	a, err := actor(ctx)
	if err != nil {
		return Application{}, err
	}
	r, err := s.st.app(ctx, id)
	if err != nil {
		return Application{}, wrap("application", err)
	}
	if !canRead(a, r.Application) {
		return Application{}, ErrNotFound // no hint that it exists
	}
	return s.complete(ctx, r)
}

// complete reads an application's files and history.
func (s *Service) complete(ctx context.Context, r appRow) (Application, error) {
	app := r.Application
	app.ServiceName = pick(r.ServiceName, r.nameEN, ctx)
	var err error
	if app.Files, err = s.st.files(ctx, app.ID); err != nil {
		return app, wrap("files", err)
	}
	if app.History, err = s.st.steps(ctx, app.ID); err != nil {
		return app, wrap("history", err)
	}
	if app.Pauses, err = s.st.pauses(ctx, app.ID); err != nil {
		return app, wrap("pauses", err)
	}
	app.Files = nonNil(app.Files)
	return app, nil
}

// Mine lists the signed-in resident's applications, newest change first.
func (s *Service) Mine(ctx context.Context) ([]Application, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.apps(ctx, `WHERE a.applicant_id = $1 ORDER BY a.updated_ms DESC LIMIT 200`, a.ID)
	if err != nil {
		return nil, wrap("mine", err)
	}
	return s.names(ctx, rows), nil
}

func (s *Service) names(ctx context.Context, rows []appRow) []Application {
	out := make([]Application, 0, len(rows))
	for _, r := range rows {
		app := r.Application
		app.ServiceName = pick(r.ServiceName, r.nameEN, ctx)
		out = append(out, app)
	}
	return out
}

// Queue lists the open applications the actor works on as an official,
// nearest running deadline first, those whose term is suspended last.
func (s *Service) Queue(ctx context.Context) ([]Application, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []Application
	seen := map[string]bool{}
	for _, p := range staffPaths(a) {
		rows, err := s.st.apps(ctx, `WHERE a.tenant_path LIKE $1 AND a.state IN ('submitted', 'in_work', 'awaiting_documents')
			ORDER BY a.due_ms LIMIT 500`, strings.ReplaceAll(p, "%", "")+"%")
		if err != nil {
			return nil, wrap("queue", err)
		}
		for _, app := range s.names(ctx, rows) {
			if !seen[app.ID] && canStaff(a, app.TenantPath, app.DepartmentID, auth.RoleOperator) {
				seen[app.ID] = true
				out = append(out, app)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := out[i].RunningDue(), out[j].RunningDue()
		if di.IsZero() || dj.IsZero() {
			return !di.IsZero() && dj.IsZero()
		}
		return di.Before(dj)
	})
	return out, nil
}

// Apply creates an application with values for the signed-in resident
// and, with submit, sends it in the same transaction: a refused
// submission leaves nothing behind (no half-submitted draft).
func (s *Service) Apply(ctx context.Context, muniID, code string, values map[string]string, submit bool) (Application, error) {
	a, err := actor(ctx)
	if err != nil {
		return Application{}, err
	}
	var id string
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if id, err = s.start(ctx, a.ID, muniID, code, values, "api"); err != nil {
			return err
		}
		if submit {
			_, err = s.Submit(ctx, id, values, nil)
		}
		return err
	})
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, id)
}
