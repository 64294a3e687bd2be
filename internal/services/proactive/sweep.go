package proactive

import (
	"context"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// SweepResult is what one sweep did.
type SweepResult struct {
	Expired   int `json:"expired"`   // open offers past their lifetime, closed
	Residents int `json:"residents"` // consenting residents evaluated
	Offers    int `json:"offers"`    // new offers made
}

// sweepBatch is how many new offers one transaction writes.
const sweepBatch = 500

// Sweep closes the expired offers of every municipality and evaluates
// the rules without an event type (conditions over the register, like
// "age reaches 14") for every consenting resident. Only the platform
// (a platform administrator or muni itself) runs it over all
// municipalities.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	if auth.From(ctx).Top() < auth.RolePlatformAdmin {
		return SweepResult{}, forbidden()
	}
	var res SweepResult
	var err error
	if res.Expired, err = s.expire(ctx, ""); err != nil {
		return res, err
	}
	tenants, err := s.ruleTenants(ctx)
	if err != nil {
		return res, err
	}
	for _, id := range tenants {
		m, err := s.Places.Municipality(ctx, id)
		if err != nil {
			return res, err
		}
		n, offers, err := s.sweepRules(ctx, m)
		if err != nil {
			return res, err
		}
		res.Residents += n
		res.Offers += offers
	}
	return res, nil
}

// SweepMunicipality is Sweep over one municipality, for its administrator.
func (s *Service) SweepMunicipality(ctx context.Context, muniID string) (SweepResult, error) {
	m, err := s.municipality(ctx, muniID, auth.RoleMunicipalAdmin)
	if err != nil {
		return SweepResult{}, err
	}
	var res SweepResult
	if res.Expired, err = s.expire(ctx, m.ID); err != nil {
		return res, err
	}
	res.Residents, res.Offers, err = s.sweepRules(ctx, m)
	return res, err
}

// expire closes open offers past their time (of one tenant, or all when
// tenantID is ""), each with its audit entry.
func (s *Service) expire(ctx context.Context, tenantID string) (int, error) {
	now := db.Millis(s.Now())
	var n int
	err := s.DB.InTx(ctx, func(ctx context.Context) error {
		where, args := `expires_ms <= $3`, []any{now}
		if tenantID != "" {
			where, args = where+` AND tenant_id = $4`, append(args, tenantID)
		}
		var err error
		n, err = s.closeOffers(ctx, OfferExpired, now, where, args...)
		return err
	})
	return n, err
}

// closeOffers moves the open offers matching where (its arguments from
// $3) to status, each with its audit entry, in the caller's transaction;
// it returns how many.
func (s *Service) closeOffers(ctx context.Context, status string, now int64, where string, args ...any) (int, error) {
	closed, err := s.st.closeOpen(ctx, status, now, where, args...)
	if err != nil {
		return 0, err
	}
	for _, o := range closed {
		if err := s.Audit.Record(ctx, audit.Entry{Action: "proactive.offer." + status, ObjectType: "proactive_offer", ObjectID: o.ID,
			TenantID: o.TenantID, Detail: map[string]any{"rule_id": o.RuleID}}); err != nil {
			return 0, err
		}
	}
	return len(closed), nil
}

// ruleTenants lists the municipalities with an active rule the sweep runs.
func (s *Service) ruleTenants(ctx context.Context) ([]string, error) {
	out, err := db.Strings(ctx, s.DB.R(ctx), `SELECT DISTINCT tenant_id FROM proactive_rules WHERE active = 1 AND event_type = '' ORDER BY tenant_id`)
	if err != nil {
		return nil, fmt.Errorf("proactive: sweep tenants: %w", err)
	}
	return out, nil
}

// sweepRules evaluates m's sweep rules over its consenting residents:
// it reads the register once and hands the new offers, sweepBatch at a
// time, to a writer that stores them while the reading goes on. It
// returns the residents evaluated and the offers made.
func (s *Service) sweepRules(ctx context.Context, m Municipality) (int, int, error) {
	codes, _, err := s.eventTypeCodes(ctx)
	if err != nil {
		return 0, 0, err
	}
	all, err := s.st.rules(ctx, m.ID, true)
	if err != nil {
		return 0, 0, err
	}
	var sweepable []Rule
	for _, r := range all {
		if r.EventType == "" {
			sweepable = append(sweepable, r)
		}
	}
	if len(sweepable) == 0 {
		return 0, 0, nil
	}
	rules := s.compileAll(ctx, sweepable, codes)
	have, err := s.st.offerKeys(ctx, m.ID)
	if err != nil {
		return 0, 0, err
	}
	now := s.Now()
	day := today(now, m.TimeZone)
	w := s.startOfferWriter(ctx)
	var batch []Offer
	seen := 0
	err = s.st.consenting(ctx, m.ID, func(r *Resident) error {
		seen++
		err := eligible(rules, r, trigger{}, day, func(c *compiled, subject string, f *facts) error {
			k := offerKey(c.ID, r.ID, subject)
			if !have[k] {
				have[k] = true
				batch = append(batch, newOffer(c, f, subject, now))
			}
			return nil
		})
		if err != nil || len(batch) < sweepBatch {
			return err
		}
		err, batch = w.send(batch), nil
		return err
	})
	if err == nil && len(batch) > 0 {
		err = w.send(batch)
	}
	made, werr := w.finish()
	if err == nil {
		err = werr
	}
	return seen, made, err
}
