package identity

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

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

// named fills in the scope and department names of grants, for display.
func (s *Service) named(ctx context.Context, gs []GrantRecord) []GrantRecord {
	for i := range gs {
		gs[i].ScopeName = s.placeName(ctx, gs[i].ScopeID)
		gs[i].DepartmentName = s.departmentName(ctx, gs[i].DepartmentID)
	}
	return gs
}

// departmentName is the department's name in the request's language, or
// its id when it cannot be looked up.
func (s *Service) departmentName(ctx context.Context, id string) string {
	if id == "" || s.depts == nil {
		return id
	}
	d, err := s.depts.Department(ctx, id)
	if err != nil {
		return id
	}
	return d.Title(web.Lang(ctx))
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
