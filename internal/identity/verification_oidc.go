package identity

import (
	"context"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// OIDCClaimMap names the ID-token claims that verify a residence. The
// provider must vouch for both: the birth date (OpenID Connect's standard
// "birthdate", YYYY-MM-DD) and the residence as a territory node id (no
// standard claim carries it; a regional provider adds its own).
//
// What is missing: OIDCFinish (oidc.go) decodes only e-mail and name from
// the ID token. To use this, it must also decode the token's claims into
// a map[string]any and call VerifyFromClaims with the configured map
// after the account is found or linked.
type OIDCClaimMap struct {
	BirthDate string // default "birthdate"
	Residence string // default "muni_residence_node"
}

// VerifyFromClaims verifies the user from an identity provider's claims,
// when they carry both a birth date and a known residence node; ok is
// false (and nothing is written) when they do not. It runs on the
// provider's authority, not an official's, and is audited as such.
func (s *Service) VerifyFromClaims(ctx context.Context, userID string, claims map[string]any, m OIDCClaimMap) (Verification, bool, error) {
	if m.BirthDate == "" {
		m.BirthDate = "birthdate"
	}
	if m.Residence == "" {
		m.Residence = "muni_residence_node"
	}
	birthS, _ := claims[m.BirthDate].(string)
	nodeID, _ := claims[m.Residence].(string)
	birth, err := time.Parse(time.DateOnly, birthS)
	if err != nil || nodeID == "" || birth.After(s.now()) {
		return Verification{}, false, nil
	}
	node, err := s.places.Place(ctx, nodeID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && node.TenantID == "") {
		return Verification{}, false, nil
	}
	if err != nil {
		return Verification{}, false, err
	}
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return Verification{}, false, err
	}
	v := Verification{UserID: u.ID, NodeID: node.ID, NodePath: node.Path, TenantID: node.TenantID, BirthDate: birth,
		Method: VerifiedByOIDC, Document: "oidc", VerifiedBy: "oidc", VerifiedAt: s.now().Truncate(time.Millisecond)}
	return v, true, s.saveVerification(ctx, v)
}
