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
// OIDCFinish (oidc.go) decodes the ID token's claims into a map and calls
// VerifyFromClaims with Config.OIDCClaims once an active account is found
// or linked.
type OIDCClaimMap struct {
	BirthDate string // default "birthdate"
	Residence string // a territory node id; default "muni_residence_node"
	// OKTMO, when set, names a claim holding the residence's OKTMO code
	// (e.g. "oktmo"), resolved through Places when they implement
	// PlacesByOKTMO; it is tried when the Residence claim is absent.
	OKTMO string
}

// PlacesByOKTMO is what Places may also implement so that a provider's
// OKTMO claim finds the territory node.
type PlacesByOKTMO interface {
	// PlaceByOKTMO returns the node with the code; an unknown code is an
	// error wrapping fault.ErrNotFound.
	PlaceByOKTMO(ctx context.Context, code string) (Place, error)
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
	code, _ := claims[m.OKTMO].(string)
	byCode, _ := s.places.(PlacesByOKTMO)
	if m.OKTMO == "" || byCode == nil {
		code = ""
	}
	birth, err := time.Parse(time.DateOnly, birthS)
	if err != nil || (nodeID == "" && code == "") || birth.After(s.now()) || birth.Year() < s.now().Year()-130 {
		return Verification{}, false, nil
	}
	var node Place
	if nodeID != "" {
		node, err = s.places.Place(ctx, nodeID)
	} else {
		node, err = byCode.PlaceByOKTMO(ctx, code)
	}
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
	// Every login brings the same claims again: an unchanged entry is
	// neither rewritten nor audited again.
	old, err := s.st.verification(ctx, u.ID)
	if err == nil && old.Method == VerifiedByOIDC && old.NodeID == v.NodeID && old.BirthDate.Equal(v.BirthDate) {
		return old, true, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Verification{}, false, err
	}
	return v, true, s.saveVerification(ctx, v)
}
