package proactive

import (
	"context"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// ConsentState is the signed-in resident's consent and its history.
type ConsentState struct {
	InForce bool
	Current *Consent  // the consent in force, if any
	History []Consent // every consent given, newest first
}

// MyConsent returns the signed-in resident's consent to proactive processing.
func (s *Service) MyConsent(ctx context.Context) (ConsentState, error) {
	a, err := resident(ctx)
	if err != nil {
		return ConsentState{}, err
	}
	cs, err := s.st.consents(ctx, a.ID)
	if err != nil {
		return ConsentState{}, err
	}
	st := ConsentState{History: cs}
	for i := range cs {
		if cs[i].InForce() {
			st.InForce, st.Current = true, &cs[i]
			break
		}
	}
	return st, nil
}

// GiveConsent records the signed-in resident's consent to the current
// text in lang and links their register entries (by their account's e-mail) to
// their account. Giving it again while one is in force changes nothing.
func (s *Service) GiveConsent(ctx context.Context, lang string) error {
	a, err := resident(ctx)
	if err != nil {
		return err
	}
	doc, err := ConsentDocument(CurrentConsent, lang)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context) error {
		if ok, err := s.st.consented(ctx, a.ID); err != nil || ok {
			return err
		}
		// A consent to an older text is replaced by this one.
		if _, err := s.st.withdrawConsents(ctx, a.ID, db.Millis(s.Now())); err != nil {
			return err
		}
		c := Consent{ID: db.NewID(), Version: doc.Version, Lang: doc.Lang, TextHash: doc.Hash, Given: s.Now().UTC().Truncate(time.Millisecond)}
		if err := s.st.createConsent(ctx, a.ID, c); err != nil {
			return err
		}
		linked := int64(0)
		if a.Email != "" {
			if linked, err = s.st.linkUser(ctx, strings.ToLower(a.Email), a.ID); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "proactive.consent.give", ObjectType: "proactive_consent", ObjectID: c.ID,
			Detail: map[string]any{"version": c.Version, "text_sha256": c.TextHash, "linked": linked}})
	})
}

// WithdrawConsent ends the signed-in resident's consent; their open
// offers are withdrawn with it, and no new ones are made.
func (s *Service) WithdrawConsent(ctx context.Context) error {
	a, err := resident(ctx)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context) error {
		now := db.Millis(s.Now())
		n, err := s.st.withdrawConsents(ctx, a.ID, now)
		if err != nil || n == 0 {
			return err
		}
		closed, err := s.closeOffers(ctx, OfferWithdrawn, now, `user_id = $3`, a.ID)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, audit.Entry{Action: "proactive.consent.withdraw", ObjectType: "proactive_consent", ObjectID: a.ID,
			Detail: map[string]any{"offers_withdrawn": closed}})
	})
}
