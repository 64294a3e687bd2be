package identity

import (
	"context"
	"errors"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
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

// visibleUser returns the account if the actor administers where it lives
// or where it holds a role; otherwise it does not exist for them.
func (s *Service) visibleUser(ctx context.Context, a *auth.Actor, id string) (User, error) {
	scopes := adminScopes(a)
	if len(scopes) == 0 {
		return User{}, ErrForbidden
	}
	u, err := s.st.user(ctx, id)
	if err != nil {
		return u, err
	}
	if coversAny(scopes, u.HomePath) {
		return u, nil
	}
	gs, err := s.st.grants(ctx, id)
	if err != nil {
		return u, err
	}
	for _, g := range gs {
		if coversAny(scopes, g.ScopePath) {
			return u, nil
		}
	}
	return User{}, ErrNotFound
}

// Users lists the accounts the actor administers, by creation.
func (s *Service) Users(ctx context.Context, q UserQuery) ([]User, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return nil, err
	}
	scopes := adminScopes(a)
	if len(scopes) == 0 {
		return nil, ErrForbidden
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	if len([]rune(q.Search)) > 100 {
		return nil, fault.Invalid("search-invalid", map[string]string{"q": "identity.field.search.long"})
	}
	return s.st.users(ctx, scopes, q)
}

// UserDetail is one account with its grants, for its administrators.
func (s *Service) UserDetail(ctx context.Context, id string) (User, []GrantRecord, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return User{}, nil, err
	}
	u, err := s.visibleUser(ctx, a, id)
	if err != nil {
		return u, nil, err
	}
	gs, err := s.st.grants(ctx, id)
	return u, s.named(ctx, gs), err
}

// Me is the signed-in user's account and grants.
func (s *Service) Me(ctx context.Context) (User, []GrantRecord, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return User{}, nil, err
	}
	if a.Kind != auth.User {
		return User{}, nil, ErrForbidden
	}
	u, err := s.st.user(ctx, a.ID)
	if err != nil {
		return u, nil, err
	}
	gs, err := s.st.grants(ctx, a.ID)
	return u, s.named(ctx, gs), err
}

// named fills in the scope names of grants, for display.
func (s *Service) named(ctx context.Context, gs []GrantRecord) []GrantRecord {
	for i := range gs {
		gs[i].ScopeName = s.placeName(ctx, gs[i].ScopeID)
	}
	return gs
}

func (s *Service) placeName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	p, err := s.places.Place(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || err != nil {
		return id
	}
	return p.Title(web.Lang(ctx))
}

// AssignablePlaces lists the nodes on which the actor may grant roles.
func (s *Service) AssignablePlaces(ctx context.Context) ([]Place, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Place
	for _, sc := range adminScopes(a) {
		ps, err := s.places.Covered(ctx, sc)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// AssignableDepartments lists the departments of the municipalities the
// actor administers.
func (s *Service) AssignableDepartments(ctx context.Context) ([]Department, error) {
	if s.depts == nil {
		return nil, nil
	}
	ps, err := s.AssignablePlaces(ctx)
	if err != nil {
		return nil, err
	}
	var out []Department
	for _, p := range ps {
		if p.TenantID != p.ID {
			continue
		}
		ds, err := s.depts.DepartmentsOf(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}
