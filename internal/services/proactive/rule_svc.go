package proactive

import (
	"context"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Rules lists a municipality's rules for its officials.
func (s *Service) Rules(ctx context.Context, muniID string) ([]Rule, error) {
	if _, err := s.municipality(ctx, muniID, auth.RoleOperator); err != nil {
		return nil, err
	}
	return s.st.rules(ctx, muniID, false)
}

// Rule returns one rule of a municipality.
func (s *Service) Rule(ctx context.Context, muniID, id string) (Rule, error) {
	if _, err := s.municipality(ctx, muniID, auth.RoleOperator); err != nil {
		return Rule{}, err
	}
	return s.st.rule(ctx, muniID, id)
}

// SaveRule creates (empty ID) or changes a rule of a municipality, for
// its administrator. The rule is validated in full first: a refused rule
// comes back with a message per field and nothing is stored. Each change
// raises the rule's version.
func (s *Service) SaveRule(ctx context.Context, muniID string, in Rule) (Rule, error) {
	m, err := s.municipality(ctx, muniID, auth.RoleMunicipalAdmin)
	if err != nil {
		return Rule{}, err
	}
	codes, _, err := s.eventTypeCodes(ctx)
	if err != nil {
		return Rule{}, err
	}
	in.Code, in.Name, in.NameEN = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEN)
	in.ServiceCode = strings.TrimSpace(in.ServiceCode)
	if _, bad := compileRule(in, codes); bad != nil {
		return in, &RuleError{Fields: bad}
	}
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		action := "proactive.rule.create"
		if in.ID == "" {
			in.ID, in.Version = db.NewID(), 1
		} else {
			old, err := s.st.rule(ctx, m.ID, in.ID)
			if err != nil {
				return err
			}
			in.Version, action = old.Version+1, "proactive.rule.update"
		}
		in.TenantID, in.UpdatedAt = m.ID, s.Now().UTC().Truncate(time.Millisecond)
		if err := s.st.saveRule(ctx, in); err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: action, ObjectType: "proactive_rule", ObjectID: in.ID, TenantID: m.ID,
			Detail: map[string]any{"code": in.Code, "version": in.Version, "service": in.ServiceCode, "event_type": in.EventType,
				"when": in.When.String(), "active": in.Active}})
	})
	return in, err
}

// Overview is a municipality's proactive work at a glance.
type Overview struct {
	Residents  int         // in the register
	Linked     int         // linked to a portal account
	Offers     OfferCounts // by status
	Rules      []Rule
	Events     []EventRecord // the latest
	Types      []EventType
	TypeByCode map[string]EventType
}

// Overview gathers the officials' page of a municipality.
func (s *Service) Overview(ctx context.Context, muniID string) (Overview, error) {
	var o Overview
	var err error
	if o.Rules, err = s.Rules(ctx, muniID); err != nil {
		return o, err
	}
	if o.Residents, o.Linked, err = s.st.residentCount(ctx, muniID); err != nil {
		return o, err
	}
	if o.Offers, err = s.st.offerCounts(ctx, muniID); err != nil {
		return o, err
	}
	if o.Events, err = s.st.recentEvents(ctx, muniID, 20); err != nil {
		return o, err
	}
	if o.Types, err = s.st.eventTypes(ctx); err != nil {
		return o, err
	}
	o.TypeByCode = make(map[string]EventType, len(o.Types))
	for _, t := range o.Types {
		o.TypeByCode[t.Code] = t
	}
	return o, nil
}
