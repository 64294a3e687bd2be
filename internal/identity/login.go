package identity

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Login checks e-mail and password from ip. Throttling comes first: while
// the account or the address has too many recent failures even the right
// password is refused. A wrong e-mail and a wrong password fail alike.
// For an account that is pending or whose consent was withdrawn, the
// right password returns the user with ErrNeedsConsent.
func (s *Service) Login(ctx context.Context, email, password, ip string) (User, error) {
	email, _ = NormalizeEmail(email)
	key := accountKey(email)
	if throttled, err := s.throttled(ctx, key, ip); err != nil || throttled {
		if err == nil {
			err = ErrThrottled
			s.logAttempt(ctx, key, "", ip, "password", outcomeThrottled)
		}
		return User{}, err
	}
	u, err := s.st.userByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) || (err == nil && !u.HasPassword) {
		// Spend the same time as a real check, so timing tells nothing.
		auth.CheckPassword(s.dummy(), password)
		s.logAttempt(ctx, key, "", ip, "password", outcomeFail)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if ok, _ := auth.CheckPassword(u.passwordHash, password); !ok {
		s.logAttempt(ctx, key, u.ID, ip, "password", outcomeFail)
		return User{}, ErrBadCredentials
	}
	s.logAttempt(ctx, key, u.ID, ip, "password", outcomeOK)
	if u.Status != StatusActive {
		return u, ErrNeedsConsent
	}
	return u, s.recordLogin(ctx, u, "password")
}

// recordLogin audits a session opened for u.
func (s *Service) recordLogin(ctx context.Context, u User, method string) error {
	ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	return s.db.InTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, change{action: "identity.session.login", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, detail: map[string]any{"method": method}, event: "identity.session.started",
			payload: map[string]string{"user_id": u.ID, "method": method}})
	})
}

func (s *Service) throttled(ctx context.Context, key, ip string) (bool, error) {
	since := db.Millis(s.now().Add(-s.cfg.LoginWindow))
	n, err := s.st.failsForAccount(ctx, key, since)
	if err != nil || n >= s.cfg.LoginMaxFails {
		return err == nil, err
	}
	if ip == "" {
		return false, nil
	}
	n, err = s.st.failsForIP(ctx, ip, since)
	return err == nil && n >= s.cfg.LoginMaxFails, err
}

// logAttempt records a login attempt; losing the record must not turn a
// login into an error page, so failures are only logged.
func (s *Service) logAttempt(ctx context.Context, key, userID, ip, method, outcome string) {
	if err := s.st.insertLogin(ctx, key, userID, LoginEvent{At: s.now(), IP: ip, Method: method, Outcome: outcome}); err != nil {
		s.log.Error("identity: login attempt not recorded", "err", err)
	}
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = auth.HashPassword(auth.NewToken(16)) })
	return s.dummyHash
}

// ActorFor builds the actor of a session opened at authMs for userID; ok
// is false when the account is gone, not active, or its sessions were
// ended after authMs (password change, consent withdrawal).
func (s *Service) ActorFor(ctx context.Context, userID string, authMs int64) (*auth.Actor, bool, error) {
	u, err := s.st.user(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if u.Status != StatusActive || authMs < u.sessionsAfter {
		return nil, false, nil
	}
	gs, err := s.st.grants(ctx, u.ID)
	if err != nil {
		return nil, false, err
	}
	a := &auth.Actor{Kind: auth.User, ID: u.ID, Name: u.Name, Email: u.Email}
	for _, g := range gs {
		a.Grants = append(a.Grants, g.Grant())
	}
	return a, true, nil
}
