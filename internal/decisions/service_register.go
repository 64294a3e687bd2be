package decisions

import (
	"context"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// CreateDecision drafts a decision for the register; residents see it
// once published. A case it comes from must be the municipality's own.
func (s *Service) CreateDecision(ctx context.Context, tenantID string, in DecisionInput) (Decision, error) {
	if _, err := s.editable(ctx, tenantID); err != nil {
		return Decision{}, err
	}
	if bad := in.check(); len(bad) > 0 {
		return Decision{}, invalid("decision", bad)
	}
	if in.CaseID != "" {
		c, err := s.st.caseByID(ctx, in.CaseID)
		if err != nil || c.TenantID != tenantID {
			return Decision{}, invalid("decision", map[string]string{"case_id": "decisions.error.case"})
		}
	}
	now := s.now()
	d := Decision{ID: db.NewID(), TenantID: tenantID, CaseID: in.CaseID, DecidedOn: in.DecidedOn, Body: in.Body,
		Number: strings.TrimSpace(in.Number), Title: strings.TrimSpace(in.Title), Text: strings.TrimSpace(in.Text),
		Rationale: strings.TrimSpace(in.Rationale), Status: StatusPlanned, Links: in.Links, Demo: s.demo,
		CreatedAt: now, UpdatedAt: now}
	if d.Links == nil {
		d.Links = []Evidence{}
	}
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createDecision(ctx, d); err != nil {
			return err
		}
		if err := s.st.addHistory(ctx, d.ID, StatusChange{Status: d.Status, At: now}); err != nil {
			return err
		}
		return s.log.Record(ctx, audit.Entry{Action: "decisions.decision.create", ObjectType: "decision", ObjectID: d.ID,
			TenantID: tenantID, Detail: map[string]any{"number": d.Number, "body": string(d.Body), "case": d.CaseID}})
	})
	d.History = []StatusChange{{Status: d.Status, At: now}}
	return d, err
}

// Decision returns one decision: a published one to anybody, a draft to
// the municipality's officials only (to others it does not exist).
func (s *Service) Decision(ctx context.Context, id string) (Decision, error) {
	d, err := s.st.decision(ctx, id)
	if err != nil {
		return Decision{}, err
	}
	if !d.Published() {
		m, err := s.places.Municipality(ctx, d.TenantID)
		if err != nil || !CanEdit(ctx, m) {
			return Decision{}, notFound()
		}
	}
	return d, nil
}

// Register lists the municipality's decisions, newest first; drafts only
// to its officials.
func (s *Service) Register(ctx context.Context, m Municipality, f Filter) ([]Decision, error) {
	if f.Drafts && !CanEdit(ctx, m) {
		f.Drafts = false
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, invalid("decision-filter", map[string]string{"status": "decisions.error.status"})
	}
	return s.st.decisions(ctx, m.ID, f)
}

// Publish makes a draft public and tells the register's followers.
func (s *Service) Publish(ctx context.Context, id string) (Decision, error) {
	var d Decision
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if d, err = s.editableDecision(ctx, id); err != nil {
			return err
		}
		if d.Published() {
			return conflict("decisions.error.published")
		}
		now := s.now()
		if err := s.st.publish(ctx, id, db.Millis(now)); err != nil {
			return err
		}
		d.PublishedAt, d.UpdatedAt = &now, now
		if err := s.log.Record(ctx, audit.Entry{Action: "decisions.decision.publish", ObjectType: "decision", ObjectID: id,
			TenantID: d.TenantID, Detail: map[string]any{"number": d.Number}}); err != nil {
			return err
		}
		return s.tell(ctx, d, "", "decisions.notice.published", map[string]string{"Title": d.Title, "Number": d.Number})
	})
	return d, err
}

// SetStatus moves a decision's implementation on, with a note residents
// read in its history; followers of the decision and of the register of
// a published decision are told.
func (s *Service) SetStatus(ctx context.Context, id string, to Status, note string) (Decision, error) {
	var d Decision
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if d, err = s.editableDecision(ctx, id); err != nil {
			return err
		}
		if k := checkText(note, false, 2000); k != "" {
			return invalid("decision-status", map[string]string{"note": k})
		}
		if !to.Valid() {
			return invalid("decision-status", map[string]string{"status": "decisions.error.status"})
		}
		if !CanMove(d.Status, to) {
			return conflict("decisions.error.transition")
		}
		now := s.now()
		ch := StatusChange{Status: to, Note: strings.TrimSpace(note), At: now}
		if err := s.st.setStatus(ctx, id, to, db.Millis(now)); err != nil {
			return err
		}
		if err := s.st.addHistory(ctx, id, ch); err != nil {
			return err
		}
		if err := s.log.Record(ctx, audit.Entry{Action: "decisions.decision.status", ObjectType: "decision", ObjectID: id,
			TenantID: d.TenantID, Detail: map[string]any{"from": string(d.Status), "to": string(to)}}); err != nil {
			return err
		}
		d.Status, d.UpdatedAt, d.History = to, now, append(d.History, ch)
		if !d.Published() {
			return nil
		}
		return s.tell(ctx, d, id, "decisions.notice.status."+string(to), map[string]string{"Title": d.Title, "Number": d.Number})
	})
	return d, err
}

// editableDecision loads a decision the actor may change.
func (s *Service) editableDecision(ctx context.Context, id string) (Decision, error) {
	d, err := s.st.decision(ctx, id)
	if err != nil {
		return Decision{}, err
	}
	if _, err := s.editable(ctx, d.TenantID); err != nil {
		if !d.Published() {
			return Decision{}, notFound()
		}
		return Decision{}, err
	}
	return d, nil
}

// tell notifies the followers of the register (and of decisionID when
// set) in the caller's transaction.
func (s *Service) tell(ctx context.Context, d Decision, decisionID, key string, args map[string]string) error {
	if s.notify == nil {
		return nil
	}
	users, err := s.st.followers(ctx, d.TenantID, decisionID)
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := s.notify.Notify(ctx, notify.Notice{UserID: u, TenantID: d.TenantID, Kind: strings.TrimPrefix(key, "decisions.notice."),
			Key: key, Args: args, Link: "/decisions/" + d.ID}); err != nil {
			return err
		}
	}
	return nil
}

// Follow starts or stops the signed-in person following the register
// of m (decisionID "") or one published decision of it.
func (s *Service) Follow(ctx context.Context, m Municipality, decisionID string, on bool) error {
	a := auth.From(ctx)
	if a.Kind != auth.User {
		return forbidden()
	}
	if decisionID != "" {
		d, err := s.Decision(ctx, decisionID)
		if err != nil {
			return err
		}
		if d.TenantID != m.ID {
			return notFound()
		}
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.follow(ctx, a.ID, m.ID, decisionID, on, db.Millis(s.now())); err != nil {
			return err
		}
		action := "decisions.follow"
		if !on {
			action = "decisions.unfollow"
		}
		return s.log.Record(ctx, audit.Entry{Action: action, ObjectType: "decision_register", ObjectID: m.ID + "/" + decisionID, TenantID: m.ID})
	})
}

// Following reports whether the signed-in person follows the register
// (decisionID "") or the decision.
func (s *Service) Following(ctx context.Context, m Municipality, decisionID string) (bool, error) {
	a := auth.From(ctx)
	if a.Kind != auth.User {
		return false, nil
	}
	return s.st.following(ctx, a.ID, m.ID, decisionID)
}
