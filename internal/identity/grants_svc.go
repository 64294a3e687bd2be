package identity

import (
	"context"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ErrGrantExists answers a grant the user already holds.
var ErrGrantExists = &fault.Error{Kind: fault.ErrConflict, Type: "grant-exists", Key: "identity.grant.exists"}

// Grant gives user userID a role on a node. The actor needs at least
// municipal administrator over the node, may not grant above their own
// role there, and must be able to see the user (tenant isolation).
func (s *Service) Grant(ctx context.Context, userID string, in GrantInput) (GrantRecord, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return GrantRecord{}, err
	}
	u, err := s.visibleUser(ctx, a, userID)
	if err != nil {
		return GrantRecord{}, err
	}
	g, err := s.checkGrant(ctx, in)
	if err != nil {
		return GrantRecord{}, err
	}
	role, _ := auth.ParseRole(g.Role)
	if !mayAssign(a, role, g.ScopePath) {
		return GrantRecord{}, ErrForbidden
	}
	g.ID, g.UserID, g.GrantedBy, g.Created = db.NewID(), u.ID, a.ID, s.now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.insertGrant(ctx, g); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.grant.create", objectType: "grant", objectID: g.ID, tenantID: g.TenantID,
			detail: map[string]any{"user_id": u.ID, "role": g.Role, "scope_id": g.ScopeID, "department_id": g.DepartmentID},
			event:  "identity.grant.created", payload: g})
	})
	return g, err
}

// checkGrant validates a grant request and resolves its scope.
func (s *Service) checkGrant(ctx context.Context, in GrantInput) (GrantRecord, error) {
	bad := map[string]string{}
	role, ok := auth.ParseRole(strings.TrimSpace(in.Role))
	if !ok {
		bad["role"] = "identity.field.role.unknown"
	}
	var scope Place
	if in.ScopeID == "" && role != auth.RolePlatformAdmin {
		bad["scope_id"] = "identity.field.scope.required"
	} else if in.ScopeID != "" && role == auth.RolePlatformAdmin {
		bad["scope_id"] = "identity.field.scope.root"
	} else {
		var err error
		if scope, err = s.place(ctx, in.ScopeID, "scope_id"); err != nil {
			if f, ok := fault.As(err); ok && f.Fields != nil {
				bad["scope_id"] = f.Fields["scope_id"]
			} else {
				return GrantRecord{}, err
			}
		}
	}
	if in.DepartmentID != "" && len(bad) == 0 {
		var k string
		if scope, k = s.departmentScope(ctx, in.DepartmentID, role, scope); k != "" {
			bad["department_id"] = k
		}
	}
	if len(bad) > 0 {
		return GrantRecord{}, fault.Invalid("grant-invalid", bad)
	}
	return GrantRecord{Role: role.String(), ScopeID: scope.ID, ScopePath: scope.Path, ScopeName: scope.Name,
		TenantID: scope.TenantID, DepartmentID: in.DepartmentID}, nil
}

// departmentScope checks a department on a grant and returns the scope
// the grant gets: a department's people work for its municipality, so a
// scope above the municipality (the region, say) narrows to it, and a
// scope inside it stays.
func (s *Service) departmentScope(ctx context.Context, id string, role auth.Role, scope Place) (Place, string) {
	if role != auth.RoleOperator && role != auth.RoleDepartmentHead {
		return scope, "identity.field.department.role"
	}
	if s.depts == nil {
		return scope, "identity.field.department.unknown"
	}
	d, err := s.depts.Department(ctx, id)
	if err != nil {
		return scope, "identity.field.department.unknown"
	}
	if scope.TenantID == d.MunicipalityID {
		return scope, ""
	}
	muni, err := s.places.Place(ctx, d.MunicipalityID)
	if err != nil || !strings.HasPrefix(muni.Path, scope.Path) {
		return scope, "identity.field.department.unknown"
	}
	return muni, ""
}

// Revoke removes a grant under the same rule as granting it.
func (s *Service) Revoke(ctx context.Context, grantID string) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	g, err := s.st.grant(ctx, grantID)
	if err != nil {
		return err
	}
	if !coversAny(adminScopes(a), g.ScopePath) {
		return ErrNotFound // another tenant's grant does not exist for this actor
	}
	if !mayAssign(a, g.Grant().Role, g.ScopePath) {
		return ErrForbidden
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.deleteGrant(ctx, g.ID); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.grant.revoke", objectType: "grant", objectID: g.ID, tenantID: g.TenantID,
			detail: map[string]any{"user_id": g.UserID, "role": g.Role, "scope_id": g.ScopeID}, event: "identity.grant.revoked",
			payload: g})
	})
}
