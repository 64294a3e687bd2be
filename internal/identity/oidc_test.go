package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// provider is an in-test OIDC provider: discovery, JWKS, an authorize
// endpoint that approves at once, and a token endpoint that checks PKCE
// and signs ID tokens with an RSA key.
type provider struct {
	srv    *httptest.Server
	key    *rsa.PrivateKey
	mu     sync.Mutex
	codes  map[string]grantReq
	claims map[string]any // what the next ID token says about the person
	nonce  string         // when set, overrides the nonce (forgery test)
}

type grantReq struct{ nonce, challenge, redirect string }

func newProvider(t *testing.T) *provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, codes: map[string]grantReq{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"}, "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		pub := jose.JSONWebKey{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "muni" {
			http.Error(w, "bad request", 400)
			return
		}
		code := "code-" + q.Get("state")[:8]
		p.mu.Lock()
		p.codes[code] = grantReq{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	p.mu.Lock()
	g, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	claims, nonce := p.claims, p.nonce
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	user, secret, _ := r.BasicAuth()
	if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || user != "muni" || secret != "s3cret" {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
		return
	}
	if nonce == "" {
		nonce = g.nonce
	}
	c := map[string]any{"iss": p.srv.URL, "aud": "muni", "iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(), "nonce": nonce}
	for k, v := range claims {
		c[k] = v
	}
	payload, _ := json.Marshal(c)
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	jws, _ := signer.Sign(payload)
	idt, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": idt})
}

// oidcSite is a site whose service logs in through p.
func oidcSite(t *testing.T, e *env, p *provider) *site {
	s := newSite(t, e)
	e.svc.cfg.PublicURL, e.svc.cfg.OIDCIssuer, e.svc.cfg.OIDCClientID, e.svc.cfg.OIDCSecret = s.srv.URL, p.srv.URL, "muni", "s3cret"
	e.svc.oidc = newOIDCClient(e.svc.cfg)
	return s
}

// oidcLogin walks a browser through /login/oidc, the provider and back,
// and returns the callback's answer.
func (s *site) oidcLogin(t *testing.T, b *http.Client) answer {
	t.Helper()
	a := s.get(t, b, "/login/oidc")
	if a.status != http.StatusFound {
		t.Fatalf("start: %d %s", a.status, a.body)
	}
	req, _ := http.NewRequest("GET", a.header.Get("Location"), nil)
	a = do(t, b, req)
	if a.status != http.StatusFound {
		t.Fatalf("provider: %d %s", a.status, a.body)
	}
	req, _ = http.NewRequest("GET", a.header.Get("Location"), nil)
	req.Header.Set("Accept-Language", "en")
	return do(t, b, req)
}

func TestOIDCCreatesPendingResidentWhoMustConsent(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := newProvider(t)
		s := oidcSite(t, e, p)
		p.claims = map[string]any{"sub": "esia-1", "email": "Pyotr@Example.ru", "email_verified": true, "name": "Пётр Сидоров"}
		b := s.browser()
		a := s.oidcLogin(t, b)
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/consent/accept" {
			t.Fatalf("callback: %d %q %s", a.status, a.header.Get("Location"), a.body)
		}
		if a := s.get(t, b, "/profile"); a.status != http.StatusSeeOther {
			t.Fatalf("pending account reached the profile: %d", a.status)
		}
		if a := s.post(t, b, "/consent/accept", url.Values{"home": {"a"}}); a.status != 400 {
			t.Fatalf("accept without consent: %d", a.status)
		}
		if a := s.post(t, b, "/consent/accept", url.Values{"home": {"a"}, "consent": {"yes"}}); a.status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", a.status, a.body)
		}
		a = s.get(t, b, "/profile")
		if a.status != 200 || !strings.Contains(a.body, "Пётр Сидоров") || !strings.Contains(a.body, "Luga okrug") {
			t.Fatalf("profile: %d", a.status)
		}
		u, _ := e.svc.st.userByEmail(t.Context(), "pyotr@example.ru")
		if !u.OIDCLinked || !u.EmailConfirmed || u.HasPassword || u.Status != StatusActive {
			t.Errorf("account %+v", u)
		}
		// The second time the subject is known and goes straight in.
		b2 := s.browser()
		if a := s.oidcLogin(t, b2); a.header.Get("Location") != "/profile" {
			t.Errorf("returning user: %d %q", a.status, a.header.Get("Location"))
		}
	})
}

func TestOIDCLinksVerifiedEmail(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := newProvider(t)
		s := oidcSite(t, e, p)
		u := e.register(t, "anna@example.ru", "a")
		p.claims = map[string]any{"sub": "esia-2", "email": "anna@example.ru", "email_verified": true, "name": "Anna"}
		if a := s.oidcLogin(t, s.browser()); a.status != http.StatusSeeOther || a.header.Get("Location") != "/profile" {
			t.Fatalf("link: %d %q", a.status, a.header.Get("Location"))
		}
		got, _ := e.svc.st.user(t.Context(), u.ID)
		if !got.OIDCLinked || count(t, e.d, "users") != 1 {
			t.Errorf("not linked: %+v", got)
		}
	})
}

func TestOIDCRefusesForgeries(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := newProvider(t)
		s := oidcSite(t, e, p)
		e.register(t, "anna@example.ru", "a")
		users := count(t, e.d, "users")

		p.claims = map[string]any{"sub": "esia-3", "email": "anna@example.ru", "email_verified": false}
		if a := s.oidcLogin(t, s.browser()); a.status != 403 {
			t.Errorf("unverified e-mail linked: %d", a.status)
		}
		p.claims = map[string]any{"sub": "esia-4", "email": "new@example.ru", "email_verified": true}
		p.nonce = "replayed-nonce"
		if a := s.oidcLogin(t, s.browser()); a.status != 401 {
			t.Errorf("wrong nonce accepted: %d", a.status)
		}
		p.nonce = ""
		b := s.browser()
		s.get(t, b, "/login/oidc")
		if a := s.get(t, b, "/login/oidc/callback?code=code-x&state=forged"); a.status != 401 {
			t.Errorf("forged state accepted: %d", a.status)
		}
		if n := count(t, e.d, "users"); n != users {
			t.Errorf("forgeries created %d users", n-users)
		}
	})
}

// verifiedBy reads the user's voter-roll entry and how many OIDC
// verifications the audit log holds.
func oidcVerification(t *testing.T, e *env, userID string) (Verification, bool, int) {
	t.Helper()
	v, err := e.svc.st.verification(t.Context(), userID)
	if err != nil && err != ErrNotFound {
		t.Fatal(err)
	}
	var n int
	if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'identity.verification.oidc'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return v, err == nil, n
}

func TestOIDCClaimsVerifyTheResident(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := newProvider(t)
		s := oidcSite(t, e, p)
		e.svc.cfg.OIDCClaims = OIDCClaimMap{OKTMO: "oktmo"}
		u := e.register(t, "anna@example.ru", "a")
		login := func(claims map[string]any) {
			t.Helper()
			p.claims = map[string]any{"sub": "esia-5", "email": "anna@example.ru", "email_verified": true}
			for k, v := range claims {
				p.claims[k] = v
			}
			if a := s.oidcLogin(t, s.browser()); a.status != http.StatusSeeOther || a.header.Get("Location") != "/profile" {
				t.Fatalf("login: %d %q %s", a.status, a.header.Get("Location"), a.body)
			}
		}

		// Claims that do not vouch for both facts verify nothing, and the
		// login still succeeds.
		for _, c := range []map[string]any{
			{"birthdate": "1990-04-02"},
			{"muni_residence_node": "a1"},
			{"birthdate": "2090-04-02", "muni_residence_node": "a1"},
			{"birthdate": "1990-04-02", "muni_residence_node": "nowhere"},
			{"birthdate": "1990-04-02", "muni_residence_node": "r"}, // above municipalities
			{"birthdate": "1990-04-02", "oktmo": "00000000"},
			{"birthdate": "02.04.1990", "muni_residence_node": "a1"},
		} {
			login(c)
			if _, ok, n := oidcVerification(t, e, u.ID); ok || n != 0 {
				t.Fatalf("%v verified (audit %d)", c, n)
			}
		}

		login(map[string]any{"birthdate": "1990-04-02", "muni_residence_node": "a1"})
		v, ok, n := oidcVerification(t, e, u.ID)
		if !ok || n != 1 || v.Method != VerifiedByOIDC || v.NodeID != "a1" || v.TenantID != "a" ||
			v.BirthDate.Format(time.DateOnly) != "1990-04-02" {
			t.Fatalf("verification %+v ok=%v audit=%d", v, ok, n)
		}
		// The same claims at the next login change nothing and audit nothing.
		login(map[string]any{"birthdate": "1990-04-02", "muni_residence_node": "a1"})
		if _, _, n := oidcVerification(t, e, u.ID); n != 1 {
			t.Fatalf("unchanged claims audited again: %d", n)
		}
		// A move the provider reports, as an OKTMO code, is recorded.
		login(map[string]any{"birthdate": "1990-04-02", "oktmo": "41624000"})
		if v, _, n := oidcVerification(t, e, u.ID); v.NodeID != "b" || v.NodePath != "/r/b/" || n != 2 {
			t.Fatalf("move: %+v audit=%d", v, n)
		}

		// A new person who has not consented yet is not processed.
		p.claims = map[string]any{"sub": "esia-6", "email": "new@example.ru", "email_verified": true,
			"birthdate": "1980-01-01", "muni_residence_node": "a"}
		if a := s.oidcLogin(t, s.browser()); a.header.Get("Location") != "/consent/accept" {
			t.Fatalf("pending: %d %q", a.status, a.header.Get("Location"))
		}
		if count(t, e.d, "verifications") != 1 {
			t.Fatal("a person without consent was verified")
		}
	})
}
