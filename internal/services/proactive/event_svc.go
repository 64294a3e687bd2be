package proactive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// EventRecord is a recorded life event.
type EventRecord struct {
	ID           string    `json:"id"`
	ExternalID   string    `json:"external_id"`
	Type         string    `json:"type"`
	ResidentID   string    `json:"resident_id"`
	ResidentName string    `json:"-"`
	OccurredOn   string    `json:"occurred_on"`
	Source       string    `json:"source"`
	Offers       int       `json:"offers"`
	Received     time.Time `json:"received_at"`
	Duplicate    bool      `json:"duplicate"`
}

// The sources of events.
const (
	SourceAPI = "api"
	SourceCSV = "csv"
)

// RecordEvent records one life event in a municipality for an operator
// or an API key: the register is updated, the rules the event triggers
// are evaluated for the resident and offers made, all in one transaction.
// The same event id again changes nothing and returns the first record
// with Duplicate set.
func (s *Service) RecordEvent(ctx context.Context, muniID, source string, e Event) (EventRecord, error) {
	m, err := s.municipality(ctx, muniID, auth.RoleOperator)
	if err != nil {
		return EventRecord{}, err
	}
	codes, types, err := s.eventTypeCodes(ctx)
	if err != nil {
		return EventRecord{}, err
	}
	var rec EventRecord
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		rec, err = s.recordEvent(ctx, m, source, e, codes, types)
		return err
	})
	return rec, err
}

// recordEvent is RecordEvent inside the caller's transaction.
func (s *Service) recordEvent(ctx context.Context, m Municipality, source string, e Event, codes []string, types map[string]*EventType) (EventRecord, error) {
	if prev, err := s.st.eventByExternalID(ctx, m.ID, e.ID); err == nil {
		prev.Duplicate = true
		return prev, nil
	} else if !errors.Is(err, fault.ErrNotFound) {
		return EventRecord{}, err
	}
	now := s.Now()
	day := today(now, m.TimeZone)
	t := types[e.Type]
	if bad := e.check(t, day); len(bad) > 0 {
		return EventRecord{}, invalid("proactive-event-invalid", bad)
	}
	r, err := s.st.residentBySNILS(ctx, m.ID, e.Person.SNILS)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		r = Resident{ID: db.NewID(), TenantID: m.ID, SNILS: e.Person.SNILS}
		if e.Person.FullName == "" || e.Person.BirthDate == "" {
			return EventRecord{}, invalid("proactive-event-invalid", map[string]string{"resident": "proactive.event.resident_unknown"})
		}
	case err != nil:
		return EventRecord{}, err
	}
	if !e.apply(t.Effect, &r) {
		return EventRecord{}, invalid("proactive-event-invalid", map[string]string{"data.child_key": "proactive.event.child_unknown"})
	}
	if err := s.link(ctx, &r); err != nil {
		return EventRecord{}, err
	}
	r.UpdatedAt = now
	if err := s.st.saveResident(ctx, &r); err != nil {
		return EventRecord{}, err
	}
	rec := EventRecord{ID: db.NewID(), ExternalID: e.ID, Type: e.Type, ResidentID: r.ID, OccurredOn: e.OccurredOn, Source: source,
		Received: now.UTC().Truncate(time.Millisecond)}
	if rec.Offers, err = s.offersOnEvent(ctx, m, &r, e, codes, now, day); err != nil {
		return EventRecord{}, err
	}
	if err := s.st.createEvent(ctx, m.ID, rec, e.Data); err != nil {
		return EventRecord{}, err
	}
	return rec, s.Audit.Record(ctx, audit.Entry{Action: "proactive.event.record", ObjectType: "proactive_event", ObjectID: rec.ID,
		TenantID: m.ID, Detail: map[string]any{"external_id": e.ID, "type": e.Type, "source": source, "offers": rec.Offers}})
}

// link finds the portal account of the resident's e-mail, once.
func (s *Service) link(ctx context.Context, r *Resident) error {
	if r.UserID != "" || r.Email == "" || s.People == nil {
		return nil
	}
	id, ok, err := s.People.UserByEmail(ctx, r.Email)
	if err != nil {
		return fmt.Errorf("proactive: link resident: %w", err)
	}
	if ok {
		r.UserID = id
	}
	return nil
}

// offersOnEvent evaluates the active rules of the event's type for r
// (when r's account consented) and makes the offers; it returns how many
// are new.
func (s *Service) offersOnEvent(ctx context.Context, m Municipality, r *Resident, e Event, codes []string, now, day time.Time) (int, error) {
	if r.UserID == "" {
		return 0, nil
	}
	if ok, err := s.st.consented(ctx, r.UserID); err != nil || !ok {
		return 0, err
	}
	rules, err := s.st.rules(ctx, m.ID, true)
	if err != nil {
		return 0, err
	}
	var mine []Rule
	for _, ru := range rules {
		if ru.EventType == e.Type {
			mine = append(mine, ru)
		}
	}
	var os []Offer
	tr := trigger{data: e.Data, childKey: e.Data["child_key"], subject: e.Data["subject"]}
	err = eligible(s.compileAll(ctx, mine, codes), r, tr, day, func(c *compiled, subject string, f *facts) error {
		os = append(os, newOffer(c, f, subject, now))
		return nil
	})
	if err != nil {
		return 0, err
	}
	return s.makeOffers(ctx, os)
}

// RecentEvents lists a municipality's latest events for its officials.
func (s *Service) RecentEvents(ctx context.Context, muniID string, limit int) ([]EventRecord, error) {
	if _, err := s.municipality(ctx, muniID, auth.RoleOperator); err != nil {
		return nil, err
	}
	return s.st.recentEvents(ctx, muniID, limit)
}
