package identity

import (
	"context"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// NewUser is an account made by an operator of the deployment (the
// `muni user create` command), optionally with one role.
type NewUser struct {
	Email    string
	Password string
	Name     string
	Role     string // optional role name
	ScopeID  string // node the role is granted on ("" with platform_admin)
}

// CreateUser makes an active account outside any request. It is for the
// command line, whose user already controls the deployment, so it skips
// the request-level authorisation; it still validates and audits.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	bad := map[string]string{}
	email, ok := NormalizeEmail(in.Email)
	if !ok {
		bad["email"] = "identity.field.email.invalid"
	}
	if k := checkPassword(in.Password, email); k != "" {
		bad["password"] = k
	}
	name, k := cleanName(in.Name)
	if k != "" {
		bad["name"] = k
	}
	var g GrantRecord
	if in.Role != "" {
		var err error
		if g, err = s.checkGrant(ctx, GrantInput{Role: in.Role, ScopeID: in.ScopeID}); err != nil {
			if f, ok := fault.As(err); ok {
				for field, key := range f.Fields {
					bad[field] = key
				}
			} else {
				return User{}, err
			}
		}
	}
	if len(bad) > 0 {
		return User{}, fault.Invalid("user-invalid", bad)
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: db.NewID(), Email: email, Name: name, Status: StatusActive, HasPassword: true, passwordHash: hash, Created: s.now()}
	if g.TenantID != "" {
		if home, err := s.places.Place(ctx, g.TenantID); err == nil {
			u.HomeID, u.HomePath, u.TenantID = home.ID, home.Path, home.TenantID
		}
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.insertUser(ctx, u, s.nowMs()); err != nil {
			return err
		}
		if in.Role != "" {
			g.ID, g.UserID, g.GrantedBy, g.Created = db.NewID(), u.ID, "cli", s.now()
			if err := s.st.insertGrant(ctx, g); err != nil {
				return err
			}
		}
		return s.record(ctx, change{action: "identity.user.create", objectType: "user", objectID: u.ID, tenantID: u.TenantID,
			detail: map[string]any{"via": "cli", "role": g.Role, "scope_id": g.ScopeID}, event: "identity.user.created",
			payload: map[string]string{"user_id": u.ID, "role": g.Role}})
	})
	if err != nil {
		return User{}, fmt.Errorf("identity: create user: %w", err)
	}
	return u, nil
}
