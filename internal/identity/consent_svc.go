package identity

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// giveConsent records u's consent to version as shown in lang from ip.
func (s *Service) giveConsent(ctx context.Context, u User, version, lang, ip string) error {
	doc, err := ConsentDocument(version, lang)
	if err != nil {
		return fault.Invalid("consent-invalid", map[string]string{"consent": "identity.field.consent.outdated"})
	}
	c := Consent{ID: db.NewID(), Version: doc.Version, Lang: doc.Lang, TextHash: doc.Hash, Accepted: s.now(), IP: ip}
	if err := s.st.insertConsent(ctx, u.ID, c); err != nil {
		return err
	}
	return s.record(ctx, change{action: "identity.consent.give", objectType: "consent", objectID: c.ID, tenantID: u.TenantID,
		detail: map[string]any{"version": c.Version, "text_sha256": c.TextHash}, event: "identity.consent.given",
		payload: map[string]string{"user_id": u.ID, "version": c.Version}})
}

// Consents lists the signed-in user's consents, newest first.
func (s *Service) Consents(ctx context.Context) ([]Consent, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return nil, err
	}
	return s.st.consents(ctx, a.ID)
}

// WithdrawConsent withdraws the signed-in user's consent. Processing of
// their data then stops: the account is deactivated, every session it
// holds ends, and their voter-roll records (the verification with its
// birth date and residence, the claim waiting for the census) are
// deleted. Data the law requires to keep stays.
func (s *Service) WithdrawConsent(ctx context.Context, ip string) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	if a.Kind != auth.User {
		return ErrForbidden
	}
	u, err := s.st.user(ctx, a.ID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		n, err := s.st.withdrawConsents(ctx, u.ID, ip, s.nowMs())
		if err != nil {
			return err
		}
		if n == 0 {
			return fault.New(fault.ErrConflict, "consent-not-active", "identity.consent.none")
		}
		if err := s.st.setStatus(ctx, u.ID, StatusDeactivated, s.nowMs(), true); err != nil {
			return err
		}
		roll, err := s.st.deleteResidence(ctx, u.ID)
		if err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.consent.withdraw", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, detail: map[string]any{"consents": n, "status": string(StatusDeactivated),
				"verification_deleted": roll.verification, "claim_deleted": roll.claim},
			event: "identity.consent.withdrawn", payload: map[string]string{"user_id": u.ID}})
	})
}

// AcceptConsent activates a pending or deactivated account whose owner
// proved who they are (password or OIDC) and now gives the current
// consent, choosing a home municipality when the account has none.
func (s *Service) AcceptConsent(ctx context.Context, userID, homeID, lang, ip string, agreed bool) error {
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return err
	}
	bad := map[string]string{}
	if !agreed {
		bad["consent"] = "identity.field.consent.required"
	}
	home := Place{ID: u.HomeID, Path: u.HomePath, TenantID: u.TenantID}
	if u.HomeID == "" {
		if home, err = s.municipality(ctx, homeID, "home"); err != nil {
			bad["home"] = "identity.field.home.unknown"
			if homeID == "" {
				bad["home"] = "identity.field.home.required"
			}
		}
	}
	if len(bad) > 0 {
		return fault.Invalid("consent-invalid", bad)
	}
	ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if u.HomeID == "" {
			if err := s.st.setHome(ctx, u.ID, home, s.nowMs()); err != nil {
				return err
			}
			u.HomeID, u.HomePath, u.TenantID = home.ID, home.Path, home.TenantID
			if err := s.residentGrant(ctx, u, home); err != nil && err != ErrGrantExists {
				return err
			}
		}
		if err := s.giveConsent(ctx, u, CurrentConsent, lang, ip); err != nil {
			return err
		}
		if err := s.st.setStatus(ctx, u.ID, StatusActive, s.nowMs(), false); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.user.activate", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, event: "identity.user.activated", payload: map[string]string{"user_id": u.ID}})
	})
}

// PendingUser returns the account waiting for consent, with whether it
// still needs a home municipality.
func (s *Service) PendingUser(ctx context.Context, userID string) (User, error) {
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return u, err
	}
	if u.Status == StatusActive {
		return u, fault.New(fault.ErrConflict, "consent-already-given", "identity.consent.already")
	}
	return u, nil
}
