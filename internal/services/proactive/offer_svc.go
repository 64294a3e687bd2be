package proactive

import (
	"context"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// maxOffersShown bounds the resident's list.
const maxOffersShown = 100

// MyOffers lists the signed-in resident's offers, open ones first.
func (s *Service) MyOffers(ctx context.Context) ([]Offer, error) {
	a, err := resident(ctx)
	if err != nil {
		return nil, err
	}
	return s.st.offersOf(ctx, a.ID, maxOffersShown)
}

// ownOffer returns the offer id of the signed-in resident, open.
func (s *Service) ownOffer(ctx context.Context, id string) (Offer, error) {
	a, err := resident(ctx)
	if err != nil {
		return Offer{}, err
	}
	o, err := s.st.offer(ctx, id)
	if err != nil {
		return o, err
	}
	if o.UserID != a.ID {
		return o, notFound() // another person's offer is not even there
	}
	if !o.Open() {
		return o, conflict("proactive.offer.not_open")
	}
	return o, nil
}

// Accept turns the signed-in resident's open offer into a pre-filled
// application draft of the offered service, in one transaction with the
// offer's new state and its audit entry; it returns the application id.
func (s *Service) Accept(ctx context.Context, id string) (string, error) {
	if s.Starter == nil {
		return "", fmt.Errorf("proactive: no services domain to start applications")
	}
	var appID string
	err := s.DB.InTx(ctx, func(ctx context.Context) error {
		o, err := s.ownOffer(ctx, id)
		if err != nil {
			return err
		}
		if o.Expires.Before(s.Now()) {
			return conflict("proactive.offer.expired")
		}
		if appID, err = s.Starter.StartPrefilled(ctx, o.UserID, o.TenantID, o.ServiceCode, o.Values); err != nil {
			return err
		}
		return s.decide(ctx, o, OfferAccepted, appID)
	})
	return appID, err
}

// Decline closes the signed-in resident's open offer.
func (s *Service) Decline(ctx context.Context, id string) error {
	return s.DB.InTx(ctx, func(ctx context.Context) error {
		o, err := s.ownOffer(ctx, id)
		if err != nil {
			return err
		}
		return s.decide(ctx, o, OfferDeclined, "")
	})
}

// decide records the resident's decision on o with its audit entry.
func (s *Service) decide(ctx context.Context, o Offer, status, appID string) error {
	ok, err := s.st.decide(ctx, o.ID, status, db.Millis(s.Now()), appID)
	if err != nil {
		return err
	}
	if !ok {
		return conflict("proactive.offer.not_open")
	}
	detail := map[string]any{"rule_id": o.RuleID, "service": o.ServiceCode}
	if appID != "" {
		detail["application_id"] = appID
	}
	return s.Audit.Record(ctx, audit.Entry{Action: "proactive.offer." + status, ObjectType: "proactive_offer", ObjectID: o.ID,
		TenantID: o.TenantID, Detail: detail})
}
