package decisions

import (
	"context"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// Municipality is the tenant a case or decision belongs to.
type Municipality struct {
	ID, Path, Slug, Name, NameEN, TimeZone string
}

// Label is the municipality's name in lang.
func (m Municipality) Label(lang string) string {
	return i18n.Pick(lang, m.Name, m.NameEN)
}

// Places finds municipalities; the territory domain satisfies it.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
}

// EvidenceSource lists facts of another domain an official may attach to
// an option or a decision: appeal hot spots, zone losses, vote results,
// proposals. ctx carries the official.
type EvidenceSource interface {
	Evidence(ctx context.Context, m Municipality) ([]Evidence, error)
}

// Notifier stores in-app notifications in the caller's transaction.
type Notifier interface {
	Notify(ctx context.Context, n notify.Notice) error
}

// Deps are what the service is built over; Now defaults to the wall clock.
type Deps struct {
	DB       *db.DB
	Audit    *audit.Log
	Places   Places
	Evidence []EvidenceSource
	Notify   Notifier
	Now      func() time.Time
}

// Service is the decision support and register use cases: it
// authorizes (officials of the municipality edit, everyone reads what is
// published), validates and audits every change in its transaction.
type Service struct {
	db       *db.DB
	st       *store
	log      *audit.Log
	places   Places
	evidence []EvidenceSource
	notify   Notifier
	now      func() time.Time
	demo     bool
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{db: d.DB, st: &store{db: d.DB}, log: d.Audit, places: d.Places, evidence: d.Evidence, notify: d.Notify,
		now: func() time.Time { return d.Now().UTC().Truncate(time.Millisecond) }}
}

// Demo returns a service whose decisions are marked demo data.
func (s *Service) Demo() *Service {
	c := *s
	c.demo = true
	return &c
}

// EditRole is the role that builds cases and keeps the register: the
// municipality's administrators.
const EditRole = auth.RoleMunicipalAdmin

// CanEdit reports whether the actor in ctx keeps m's decisions.
func CanEdit(ctx context.Context, m Municipality) bool {
	return auth.From(ctx).Can(EditRole, m.Path)
}

// Municipality returns the municipality at /m/{slug}/.
func (s *Service) Municipality(ctx context.Context, slug string) (Municipality, error) {
	m, err := s.places.MunicipalityBySlug(ctx, slug)
	if err != nil {
		return Municipality{}, notFound()
	}
	return m, nil
}

// editable returns the municipality of tenantID when the actor may edit.
func (s *Service) editable(ctx context.Context, tenantID string) (Municipality, error) {
	m, err := s.places.Municipality(ctx, tenantID)
	if err != nil {
		return Municipality{}, notFound()
	}
	if !CanEdit(ctx, m) {
		return Municipality{}, forbidden()
	}
	return m, nil
}

// CaseInput names a new case.
type CaseInput struct {
	Title    string `json:"title"`
	Question string `json:"question"`
	Model    *Model `json:"model,omitempty"` // optional: a whole model at once (the API)
}

// CreateCase starts a case in the municipality.
func (s *Service) CreateCase(ctx context.Context, tenantID string, in CaseInput) (Case, error) {
	if _, err := s.editable(ctx, tenantID); err != nil {
		return Case{}, err
	}
	bad := map[string]string{}
	if k := checkText(in.Title, true, maxName); k != "" {
		bad["title"] = k
	}
	if k := checkText(in.Question, false, maxText); k != "" {
		bad["question"] = k
	}
	model := Model{Mode: ModeAHP}
	if in.Model != nil {
		model = *in.Model
		for f, k := range model.Check() {
			bad["model."+f] = k
		}
		if len(bad) == 0 {
			if _, _, err := model.Weights(); err != nil {
				return Case{}, err
			}
		}
	}
	if len(bad) > 0 {
		return Case{}, invalid("decision-case", bad)
	}
	now := s.now()
	c := Case{ID: db.NewID(), TenantID: tenantID, Title: strings.TrimSpace(in.Title), Question: strings.TrimSpace(in.Question),
		Model: model, CreatedAt: now, UpdatedAt: now}
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createCase(ctx, c, auth.From(ctx).ID); err != nil {
			return err
		}
		return s.log.Record(ctx, audit.Entry{Action: "decisions.case.create", ObjectType: "decision_case", ObjectID: c.ID,
			TenantID: tenantID, Detail: map[string]any{"title": c.Title}})
	})
	return c, err
}

// Case returns a case to the municipality's officials.
func (s *Service) Case(ctx context.Context, id string) (Case, error) {
	c, err := s.st.caseByID(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if _, err := s.editable(ctx, c.TenantID); err != nil {
		return Case{}, err
	}
	return c, nil
}

// Cases lists the municipality's cases, most recently changed first.
func (s *Service) Cases(ctx context.Context, tenantID string) ([]Case, error) {
	if _, err := s.editable(ctx, tenantID); err != nil {
		return nil, err
	}
	return s.st.cases(ctx, tenantID)
}

// Part names what a model change touched, for the audit log and for the
// rule that judgements are refused when inconsistent.
type Part string

// The parts of a model.
const (
	PartCriteria Part = "criteria"
	PartOptions  Part = "options"
	PartScores   Part = "scores"
	PartWeights  Part = "weights"
	PartBudget   Part = "budget"
	PartEvidence Part = "evidence"
)

// ChangeModel applies change to the case's model and stores the result
// when it is valid. Changing the weights is refused when the AHP
// judgements are inconsistent (CR > 0.10): the error names the pair to
// revisit. Other changes keep what the official entered even when the
// weights must be revisited; the analysis then says so.
func (s *Service) ChangeModel(ctx context.Context, id string, part Part, change func(*Model) error) (Case, error) {
	var c Case
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Case(ctx, id); err != nil {
			return err
		}
		if err := change(&c.Model); err != nil {
			return err
		}
		if bad := c.Model.Check(); len(bad) > 0 {
			return invalid("decision-model", bad)
		}
		if part == PartWeights {
			if _, _, err := c.Model.Weights(); err != nil {
				return err
			}
		}
		c.UpdatedAt = s.now()
		if err := s.st.updateCase(ctx, c); err != nil {
			return err
		}
		return s.log.Record(ctx, audit.Entry{Action: "decisions.case.update", ObjectType: "decision_case", ObjectID: c.ID,
			TenantID: c.TenantID, Detail: map[string]any{"part": string(part)}})
	})
	return c, err
}

// Evidence lists what the municipality's data offers as evidence, from
// every source, for an official to pick from.
func (s *Service) Evidence(ctx context.Context, tenantID string) ([]Evidence, error) {
	m, err := s.editable(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var out []Evidence
	for _, src := range s.evidence {
		es, err := src.Evidence(ctx, m)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	return out, nil
}
