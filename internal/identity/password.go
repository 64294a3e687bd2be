package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/mail"
)

// RequestPasswordReset mails a reset link when email belongs to an active
// account with a password. It answers the same either way, so nobody
// learns which addresses are registered.
// Past the mail limit an address gets no more mail (silently, for the
// same reason) and an IP address gets ErrMailLimit.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email, ok := NormalizeEmail(email)
	if !ok {
		return fault.Invalid("email-invalid", map[string]string{"email": "identity.field.email.invalid"})
	}
	byAccount, byIP, err := s.mailAllowed(ctx, email, ip)
	if err != nil {
		return err
	}
	if !byIP {
		return ErrMailLimit
	}
	s.noteMail(ctx, email, "", ip, "reset")
	if !byAccount {
		return nil
	}
	u, err := s.st.userByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Status == StatusDeactivated) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	return s.db.InTx(ctx, func(ctx context.Context) error {
		secret, err := s.token(ctx, u.ID, "reset", s.cfg.ResetTTL.Milliseconds())
		if err != nil {
			return err
		}
		link := s.cfg.PublicURL + "/password/reset?token=" + secret
		s.send(ctx, mail.Message{To: u.Email, Subject: s.t(ctx, "identity.mail.reset.subject"),
			Text: s.t(ctx, "identity.mail.reset.text", "Name", u.Name, "Link", link, "Minutes", int(s.cfg.ResetTTL.Minutes()))})
		return s.record(ctx, change{action: "identity.password.reset_requested", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, event: "identity.password.reset_requested", payload: map[string]string{"user_id": u.ID}})
	})
}

// ResetPassword sets a new password through a reset link, once. Every
// session opened before it ends.
func (s *Service) ResetPassword(ctx context.Context, secret, password string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		userID, err := s.st.useToken(ctx, auth.HashToken(secret), "reset", s.nowMs())
		if err != nil {
			return err
		}
		u, err := s.st.user(ctx, userID)
		if err != nil {
			return err
		}
		if k := checkPassword(password, u.Email); k != "" {
			return fault.Invalid("password-invalid", map[string]string{"password": k})
		}
		ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: userID})
		return s.storePassword(ctx, u, password, "identity.password.reset")
	})
}

// ChangePassword replaces the signed-in user's password after checking
// the current one.
func (s *Service) ChangePassword(ctx context.Context, current, password string) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	u, err := s.st.user(ctx, a.ID)
	if err != nil {
		return err
	}
	if u.HasPassword {
		if ok, _ := auth.CheckPassword(u.passwordHash, current); !ok {
			return fault.Invalid("password-wrong", map[string]string{"current": "identity.field.current.wrong"})
		}
	}
	if k := checkPassword(password, u.Email); k != "" {
		return fault.Invalid("password-invalid", map[string]string{"password": k})
	}
	return s.db.InTx(ctx, func(ctx context.Context) error { return s.storePassword(ctx, u, password, "identity.password.change") })
}

func (s *Service) storePassword(ctx context.Context, u User, password, action string) error {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return fmt.Errorf("identity: hash: %w", err)
	}
	if err := s.st.setPassword(ctx, u.ID, hash, s.nowMs()); err != nil {
		return err
	}
	return s.record(ctx, change{action: action, objectType: "user", objectID: u.ID, tenantID: u.TenantID,
		event: "identity.password.changed", payload: map[string]string{"user_id": u.ID}})
}
