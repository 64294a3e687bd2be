package identity

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// Domain errors; each unwraps to its fault kind so web maps it once.
var (
	ErrNotFound  = fmt.Errorf("identity: %w", fault.ErrNotFound)
	ErrForbidden = fault.New(fault.ErrForbidden, "forbidden", "error.forbidden")
	// ErrBadCredentials is the one answer to a wrong e-mail or password,
	// so that nobody learns which accounts exist.
	ErrBadCredentials = &fault.Error{Kind: fault.ErrInvalid, Type: "login-failed", Key: "identity.login.failed"}
	// ErrThrottled refuses a login while too many recent attempts failed.
	ErrThrottled = &fault.Error{Kind: fault.ErrTooMany, Type: "login-throttled", Key: "identity.login.throttled"}
	// ErrTokenInvalid is an unknown, used or expired e-mail link.
	ErrTokenInvalid = &fault.Error{Kind: fault.ErrInvalid, Type: "token-invalid", Key: "identity.token.invalid"}
	// ErrEmailTaken answers a registration with an address already known.
	ErrEmailTaken = &fault.Error{Kind: fault.ErrConflict, Type: "email-taken", Key: "identity.register.taken",
		Fields: map[string]string{"email": "identity.field.email.taken"}}
	// ErrNeedsConsent means the credentials were right but the account
	// cannot be used until its owner gives (again) the personal-data consent.
	ErrNeedsConsent = &fault.Error{Kind: fault.ErrForbidden, Type: "consent-required", Key: "identity.consent.required"}
	// ErrBadKey is a missing, malformed, unknown or revoked API key.
	ErrBadKey = &fault.Error{Kind: fault.ErrUnauthorized, Type: "api-key-invalid", Key: "identity.apikey.invalid"}
)

// Status is the life stage of an account.
type Status string

// The account statuses.
const (
	// StatusActive accounts may sign in and act.
	StatusActive Status = "active"
	// StatusPending accounts (created through OIDC) wait for their owner's consent.
	StatusPending Status = "pending"
	// StatusDeactivated accounts had their consent withdrawn: processing stopped.
	StatusDeactivated Status = "deactivated"
)

// User is an account.
type User struct {
	ID             string `json:"id"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	HomeID         string `json:"home_id"`
	HomePath       string `json:"-"`
	TenantID       string `json:"tenant_id"`
	Status         Status `json:"status"`
	EmailConfirmed bool   `json:"email_confirmed"`
	HasPassword    bool   `json:"has_password"`
	OIDCLinked     bool   `json:"oidc_linked"`
	// Lang is the language the person reads muni in ("ru", "en"; empty
	// for the site's first): their e-mail is written in it.
	Lang    string    `json:"lang"`
	Created time.Time `json:"created_at"`

	passwordHash  string
	sessionsAfter int64
}

// Password rules: long enough to resist guessing, short enough that
// hashing it cannot be used to burn CPU.
const (
	MinPassword = 10
	MaxPassword = 256
	maxName     = 100
	maxEmail    = 254
)

// NormalizeEmail trims and lower-cases an address and checks it is a bare
// address (no display name); ok is false for anything else.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > maxEmail {
		return s, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return s, false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") {
		return s, false
	}
	return s, true
}

// checkPassword returns the i18n key of what is wrong with password for
// the account at email, or "".
func checkPassword(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPassword:
		return "identity.field.password.short"
	case n > MaxPassword:
		return "identity.field.password.long"
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		return "identity.field.password.email"
	}
	return ""
}

// cleanName trims a display name and returns the key of what is wrong.
func cleanName(s string) (string, string) {
	s = strings.Join(strings.Fields(s), " ")
	switch {
	case s == "":
		return s, "identity.field.name.required"
	case utf8.RuneCountInString(s) > maxName:
		return s, "identity.field.name.long"
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '<' || r == '>' }) >= 0:
		return s, "identity.field.name.chars"
	}
	return s, ""
}

// Registration is what a resident submits to open an account.
type Registration struct {
	Email    string
	Password string
	Name     string
	HomeID   string // the home municipality's territory node
	Consent  bool   // the separate personal-data consent checkbox
	Version  string // the consent version shown
	Lang     string // the language the consent text was shown in
	IP       string
}

// validate normalises r in place and returns per-field message keys.
func (r *Registration) validate() map[string]string {
	bad := map[string]string{}
	var ok bool
	if r.Email, ok = NormalizeEmail(r.Email); !ok {
		bad["email"] = "identity.field.email.invalid"
	}
	if k := checkPassword(r.Password, r.Email); k != "" {
		bad["password"] = k
	}
	var k string
	if r.Name, k = cleanName(r.Name); k != "" {
		bad["name"] = k
	}
	if r.HomeID = strings.TrimSpace(r.HomeID); r.HomeID == "" {
		bad["home"] = "identity.field.home.required"
	}
	if !r.Consent {
		bad["consent"] = "identity.field.consent.required"
	} else if _, err := ConsentDocument(r.Version, r.Lang); err != nil || r.Version != CurrentConsent {
		bad["consent"] = "identity.field.consent.outdated"
	}
	return bad
}

// searchText is what the admin search matches: name and e-mail, lower-cased
// in Go so that Cyrillic folds the same on both engines.
func searchText(name, email string) string { return strings.ToLower(name + " " + email) }
