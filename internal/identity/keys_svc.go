package identity

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// CreateAPIKey issues a machine key for a municipality the actor
// administers, with a role no higher than the actor's there. The full key
// is returned once; only its hash is kept.
func (s *Service) CreateAPIKey(ctx context.Context, in APIKeyInput) (APIKey, string, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return APIKey{}, "", err
	}
	if a.Kind != auth.User {
		return APIKey{}, "", ErrForbidden
	}
	bad := map[string]string{}
	name, k := cleanName(in.Name)
	if k != "" {
		bad["name"] = k
	}
	role, ok := auth.ParseRole(in.Role)
	if !ok || role >= auth.RoleRegionalOperator {
		bad["role"] = "identity.field.role.unknown"
	}
	m, err := s.municipality(ctx, in.ScopeID, "scope_id")
	if err != nil {
		bad["scope_id"] = "identity.field.scope.unknown"
	}
	if len(bad) > 0 {
		return APIKey{}, "", fault.Invalid("apikey-invalid", bad)
	}
	if !mayAssign(a, role, m.Path) {
		return APIKey{}, "", ErrForbidden
	}
	key := APIKey{ID: db.NewID(), Prefix: newKeyPrefix(), Name: name, Role: role.String(), ScopeID: m.ID, ScopeName: m.Name,
		TenantID: m.TenantID, CreatedBy: a.ID, Created: s.now(), scopePath: m.Path}
	secret := "muni_" + key.Prefix + "_" + auth.NewToken(24)
	key.hash = auth.HashToken(secret)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.insertKey(ctx, key); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.apikey.create", objectType: "api_key", objectID: key.ID,
			tenantID: key.TenantID, detail: map[string]any{"prefix": key.Prefix, "role": key.Role, "scope_id": key.ScopeID},
			event: "identity.apikey.created", payload: map[string]string{"id": key.ID, "prefix": key.Prefix, "role": key.Role}})
	})
	if err != nil {
		return APIKey{}, "", err
	}
	return key, secret, nil
}

// APIKeys lists the keys of the municipalities the actor administers.
func (s *Service) APIKeys(ctx context.Context) ([]APIKey, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return nil, err
	}
	scopes := adminScopes(a)
	if len(scopes) == 0 || a.Kind != auth.User {
		return nil, ErrForbidden
	}
	ks, err := s.st.keys(ctx, scopes, "")
	for i := range ks {
		ks[i].ScopeName = s.placeName(ctx, ks[i].ScopeID)
	}
	return ks, err
}

// RevokeAPIKey stops a key at once.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	k, err := s.st.key(ctx, id)
	if err != nil {
		return err
	}
	if a.Kind != auth.User || !coversAny(adminScopes(a), k.scopePath) {
		return ErrNotFound
	}
	role, _ := auth.ParseRole(k.Role)
	if !mayAssign(a, role, k.scopePath) {
		return ErrForbidden
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.revokeKey(ctx, id, s.nowMs()); err != nil {
			if err == ErrNotFound {
				return fault.New(fault.ErrConflict, "apikey-revoked", "identity.apikey.already_revoked")
			}
			return err
		}
		return s.record(ctx, change{action: "identity.apikey.revoke", objectType: "api_key", objectID: k.ID, tenantID: k.TenantID,
			detail: map[string]any{"prefix": k.Prefix}, event: "identity.apikey.revoked", payload: map[string]string{"id": k.ID}})
	})
}

// AuthenticateKey turns a bearer token into the machine actor it stands
// for; anything but a live key is ErrBadKey.
func (s *Service) AuthenticateKey(ctx context.Context, token string) (*auth.Actor, error) {
	prefix, ok := parseKey(token)
	if !ok {
		return nil, ErrBadKey
	}
	k, err := s.st.keyByPrefix(ctx, prefix)
	if err == ErrNotFound {
		return nil, ErrBadKey
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(k.hash), []byte(auth.HashToken(token))) != 1 || k.Revoked != nil {
		return nil, ErrBadKey
	}
	// Last use is kept to the minute; skipping the write when it is fresh
	// keeps a busy integration from queueing behind SQLite's one writer.
	if now := s.now(); k.LastUsed == nil || now.Sub(*k.LastUsed) >= time.Minute {
		if err := s.st.touchKey(ctx, k.ID, db.Millis(now)); err != nil {
			s.log.Warn("identity: key use not recorded", "err", err)
		}
	}
	role, _ := auth.ParseRole(k.Role)
	return &auth.Actor{Kind: auth.Machine, ID: k.ID, Name: k.Name,
		Grants: []auth.Grant{{Role: role, ScopeID: k.ScopeID, ScopePath: k.scopePath}}}, nil
}
