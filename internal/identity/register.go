package identity

import (
	"context"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/mail"
)

// Register opens a resident's account: the user, the consent, a resident
// grant on the home municipality and a confirmation link by mail. Invalid
// input or a known e-mail writes nothing.
func (s *Service) Register(ctx context.Context, r Registration) (User, error) {
	bad := r.validate()
	var home Place
	if bad["home"] == "" {
		var err error
		if home, err = s.municipality(ctx, r.HomeID, "home"); err != nil {
			if f, ok := fault.As(err); ok && f.Fields != nil {
				bad["home"] = f.Fields["home"]
			} else {
				return User{}, err
			}
		}
	}
	if len(bad) > 0 {
		return User{}, fault.Invalid("registration-invalid", bad)
	}
	if _, byIP, err := s.mailAllowed(ctx, r.Email, r.IP); err != nil || !byIP {
		if err == nil {
			err = ErrMailLimit
		}
		return User{}, err
	}
	hash, err := auth.HashPassword(r.Password)
	if err != nil {
		return User{}, fmt.Errorf("identity: hash: %w", err)
	}
	u := User{ID: db.NewID(), Email: r.Email, Name: r.Name, HomeID: home.ID, HomePath: home.Path, TenantID: home.TenantID,
		Status: StatusActive, HasPassword: true, passwordHash: hash, Created: s.now(), Lang: r.Lang}
	ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.insertUser(ctx, u, db.Millis(u.Created)); err != nil {
			return err
		}
		if err := s.giveConsent(ctx, u, r.Version, r.Lang, r.IP); err != nil {
			return err
		}
		if err := s.residentGrant(ctx, u, home); err != nil {
			return err
		}
		if err := s.sendConfirmation(ctx, u); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.user.register", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, detail: map[string]any{"home_id": u.HomeID, "consent_version": r.Version},
			event: "identity.user.registered", payload: map[string]string{"user_id": u.ID, "home_id": u.HomeID}})
	})
	if err != nil {
		return User{}, err
	}
	s.noteMail(ctx, u.Email, u.ID, r.IP, "register")
	return u, nil
}

// residentGrant gives a new resident the resident role on their home.
func (s *Service) residentGrant(ctx context.Context, u User, home Place) error {
	return s.st.insertGrant(ctx, GrantRecord{ID: db.NewID(), UserID: u.ID, Role: auth.RoleResident.String(),
		ScopeID: home.ID, ScopePath: home.Path, TenantID: home.TenantID, GrantedBy: u.ID, Created: s.now()})
}

// token stores a single-use link secret for purpose and returns the secret.
func (s *Service) token(ctx context.Context, userID, purpose string, ttlMs int64) (string, error) {
	secret := auth.NewToken(32)
	now := s.nowMs()
	if err := s.st.insertToken(ctx, auth.HashToken(secret), userID, purpose, now, now+ttlMs); err != nil {
		return "", fmt.Errorf("identity: token: %w", err)
	}
	return secret, nil
}

// sendConfirmation mails an e-mail confirmation link (after commit).
func (s *Service) sendConfirmation(ctx context.Context, u User) error {
	secret, err := s.token(ctx, u.ID, "confirm", s.cfg.ConfirmTTL.Milliseconds())
	if err != nil {
		return err
	}
	link := s.cfg.PublicURL + "/confirm?token=" + secret
	s.send(ctx, mail.Message{To: u.Email, Subject: s.t(ctx, "identity.mail.confirm.subject"),
		Text: s.t(ctx, "identity.mail.confirm.text", "Name", u.Name, "Link", link, "Hours", int(s.cfg.ConfirmTTL.Hours()))})
	return nil
}

// ResendConfirmation mails a fresh confirmation link to the signed-in user.
func (s *Service) ResendConfirmation(ctx context.Context) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	u, err := s.st.user(ctx, a.ID)
	if err != nil || u.EmailConfirmed {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.sendConfirmation(ctx, u); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.email.confirmation_sent", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, event: "identity.email.confirmation_sent", payload: map[string]string{"user_id": u.ID}})
	})
}

// ConfirmEmail consumes a confirmation link.
func (s *Service) ConfirmEmail(ctx context.Context, secret string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		userID, err := s.st.useToken(ctx, auth.HashToken(secret), "confirm", s.nowMs())
		if err != nil {
			return err
		}
		u, err := s.st.user(ctx, userID)
		if err != nil {
			return err
		}
		if err := s.st.confirmEmail(ctx, userID, s.nowMs()); err != nil && err != ErrNotFound {
			return err
		}
		ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: userID})
		return s.record(ctx, change{action: "identity.email.confirm", objectType: "user", objectID: userID,
			tenantID: u.TenantID, event: "identity.email.confirmed", payload: map[string]string{"user_id": userID}})
	})
}
