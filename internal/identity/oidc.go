package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ErrOIDC is a failed or forged OIDC round trip.
var ErrOIDC = &fault.Error{Kind: fault.ErrUnauthorized, Type: "oidc-failed", Key: "identity.oidc.failed"}

// oidcClient talks to the OIDC provider (for ESIA, a broker). The
// provider is discovered on first use, so muni starts even while the
// broker is down.
type oidcClient struct {
	cfg      Config
	http     *http.Client
	mu       sync.Mutex
	provider *oidc.Provider
}

func newOIDCClient(cfg Config) *oidcClient {
	return &oidcClient{cfg: cfg, http: &http.Client{Timeout: 15 * time.Second}}
}

func (c *oidcClient) setup() (*oidc.Provider, *oauth2.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		// The provider keeps this context to fetch signing keys later, so
		// it must outlive any one request.
		p, err := oidc.NewProvider(oidc.ClientContext(context.Background(), c.http), c.cfg.OIDCIssuer)
		if err != nil {
			return nil, nil, fmt.Errorf("identity: oidc discovery: %w", err)
		}
		c.provider = p
	}
	return c.provider, &oauth2.Config{ClientID: c.cfg.OIDCClientID, ClientSecret: c.cfg.OIDCSecret,
		Endpoint: c.provider.Endpoint(), RedirectURL: c.cfg.PublicURL + "/login/oidc/callback",
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// OIDCFlow is what the browser's session keeps between the redirect to
// the provider and the callback.
type OIDCFlow struct {
	State, Nonce, Verifier string
}

// OIDCStart begins a login: the URL to send the browser to and the flow
// secrets (state, nonce, PKCE verifier) to keep in the session.
func (s *Service) OIDCStart(ctx context.Context) (string, OIDCFlow, error) {
	if s.oidc == nil {
		return "", OIDCFlow{}, ErrNotFound
	}
	_, oc, err := s.oidc.setup()
	if err != nil {
		return "", OIDCFlow{}, err
	}
	f := OIDCFlow{State: auth.NewToken(24), Nonce: auth.NewToken(24), Verifier: oauth2.GenerateVerifier()}
	u := oc.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
	return u, f, nil
}

type oidcClaims struct {
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
}

// OIDCFinish completes a login from the callback's code and state. The
// account is found by the provider's subject, else linked by verified
// e-mail, else created as a pending resident who must still give consent
// (ErrNeedsConsent comes back with the user in that case).
func (s *Service) OIDCFinish(ctx context.Context, f OIDCFlow, code, state, ip string) (User, error) {
	if s.oidc == nil {
		return User{}, ErrNotFound
	}
	if f.State == "" || state != f.State || code == "" {
		return User{}, ErrOIDC
	}
	p, oc, err := s.oidc.setup()
	if err != nil {
		return User{}, err
	}
	tok, err := oc.Exchange(oidc.ClientContext(ctx, s.oidc.http), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return User{}, &fault.Error{Kind: fault.ErrUnauthorized, Type: "oidc-failed", Key: "identity.oidc.failed", Err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: s.cfg.OIDCClientID}).Verify(ctx, raw)
	if err != nil || idt.Nonce != f.Nonce {
		return User{}, &fault.Error{Kind: fault.ErrUnauthorized, Type: "oidc-failed", Key: "identity.oidc.failed", Err: err}
	}
	var c oidcClaims
	var all map[string]any
	if err := idt.Claims(&c); err != nil {
		return User{}, ErrOIDC
	}
	if err := idt.Claims(&all); err != nil {
		return User{}, ErrOIDC
	}
	u, err := s.oidcUser(ctx, idt.Issuer, idt.Subject, c)
	if err != nil {
		return User{}, err
	}
	s.logAttempt(ctx, accountKey(u.Email), u.ID, ip, "oidc", outcomeOK)
	if u.Status != StatusActive {
		// No consent yet, so nothing more is processed: the provider's
		// residence claims are used at the first login after consent.
		return u, ErrNeedsConsent
	}
	s.verifyOIDC(ctx, u, all)
	return u, s.recordLogin(ctx, u, "oidc")
}

// verifyOIDC puts the person on the voter roll when the provider's claims
// vouch for their birth date and residence (audited as the provider's
// verification). A failure to write it must not refuse the login, so it
// is only logged; the next login tries again.
func (s *Service) verifyOIDC(ctx context.Context, u User, claims map[string]any) {
	ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	if _, _, err := s.VerifyFromClaims(ctx, u.ID, claims, s.cfg.OIDCClaims); err != nil {
		s.log.Error("identity: oidc verification", "user", u.ID, "err", err)
	}
}

// oidcUser finds, links or creates the account of an OIDC subject.
func (s *Service) oidcUser(ctx context.Context, issuer, subject string, c oidcClaims) (User, error) {
	u, err := s.st.userByOIDC(ctx, issuer, subject)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return u, err
	}
	email, ok := NormalizeEmail(c.Email)
	if !ok || !c.EmailVerified {
		return User{}, &fault.Error{Kind: fault.ErrForbidden, Type: "oidc-email-unverified", Key: "identity.oidc.unverified"}
	}
	u, err = s.st.userByEmail(ctx, email)
	create := errors.Is(err, ErrNotFound)
	if err != nil && !create {
		return u, err
	}
	if create {
		name, k := cleanName(c.Name)
		if k != "" {
			name = email[:indexAt(email)]
		}
		u = User{ID: db.NewID(), Email: email, Name: name, Status: StatusPending, Created: s.now()}
	}
	actx := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	err = s.db.InTx(actx, func(ctx context.Context) error {
		if create {
			if err := s.st.insertUser(ctx, u, s.nowMs()); err != nil {
				return err
			}
		}
		if err := s.st.linkOIDC(ctx, u.ID, issuer, subject, s.nowMs()); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.oidc.link", objectType: "user", objectID: u.ID, tenantID: u.TenantID,
			detail: map[string]any{"created": create}, event: "identity.oidc.linked", payload: map[string]string{"user_id": u.ID}})
	})
	if err != nil {
		return User{}, err
	}
	return s.st.user(ctx, u.ID)
}

func indexAt(email string) int {
	for i := len(email) - 1; i >= 0; i-- {
		if email[i] == '@' {
			return i
		}
	}
	return len(email)
}
