package identity

import (
	"crypto/rand"
	"strings"
	"time"
)

// APIKey is a machine credential's metadata; the secret is shown once,
// at creation, and stored only as a hash.
type APIKey struct {
	ID        string     `json:"id"`
	Prefix    string     `json:"prefix"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	ScopeID   string     `json:"scope_id"`
	ScopeName string     `json:"scope_name,omitempty"`
	TenantID  string     `json:"tenant_id"`
	CreatedBy string     `json:"created_by"`
	Created   time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	Revoked   *time.Time `json:"revoked_at,omitempty"`

	scopePath string
	hash      string
}

// APIKeyInput asks for a key with a role on a municipality.
type APIKeyInput struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	ScopeID string `json:"scope_id"`
}

const keyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newKeyPrefix is the public, listable part of a key.
func newKeyPrefix() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b)
}

// parseKey splits "muni_<prefix>_<secret>"; ok is false for anything else.
func parseKey(token string) (prefix string, ok bool) {
	rest, found := strings.CutPrefix(token, "muni_")
	if !found {
		return "", false
	}
	prefix, secret, found := strings.Cut(rest, "_")
	if !found || len(prefix) != 8 || len(secret) < 20 || strings.Trim(prefix, keyAlphabet) != "" {
		return "", false
	}
	return prefix, true
}
