package appeals

import (
	"context"
	"slices"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// Person is an official work can be given to.
type Person struct {
	ID   string    `json:"id"`
	Name string    `json:"name"`
	Role auth.Role `json:"-"`
}

// Staff finds officials; the app adapts the identity domain's grants to
// it. Staff lists the active accounts with min or a higher role over the
// municipality at path and, when departmentID is set, over that
// department (a grant limited to another department does not count).
// Names returns the names of the given accounts, for lists.
type Staff interface {
	Staff(ctx context.Context, path, departmentID string, min auth.Role) ([]Person, error)
	Names(ctx context.Context, ids []string) (map[string]string, error)
}

// Assignees lists the officials item id may be assigned to — those who
// can act on it in its department — for the picker. Only an official
// over the item may ask.
func (s *Service) Assignees(ctx context.Context, id string) ([]Person, error) {
	_, a, err := s.staffItem(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.people(ctx, a.TenantPath, a.DepartmentID)
}

// people lists the officials over a municipality (and department).
func (s *Service) people(ctx context.Context, path, departmentID string) ([]Person, error) {
	if s.staff == nil {
		return []Person{}, nil
	}
	ps, err := s.staff.Staff(ctx, path, departmentID, auth.RoleOperator)
	return ps, wrap("assignees", err)
}

// QueueAssignees lists the officials the actor's queue may bulk-assign
// to: those over the places (and departments) the actor's official
// grants cover. Each item is checked again when assigned.
func (s *Service) QueueAssignees(ctx context.Context) ([]Person, error) {
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := []Person{}
	for _, sc := range staffScopes(who, auth.RoleOperator) {
		ps, err := s.people(ctx, sc.Path, sc.DepartmentID)
		if err != nil {
			return nil, err
		}
		for _, pr := range ps {
			if !slices.ContainsFunc(out, func(o Person) bool { return o.ID == pr.ID }) {
				out = append(out, pr)
			}
		}
	}
	return out, nil
}

// assigneeNames names the officials items are assigned to, for the queue.
func (s *Service) assigneeNames(ctx context.Context, items []Summary) (map[string]string, error) {
	var ids []string
	for _, it := range items {
		if it.AssigneeID != "" && !slices.Contains(ids, it.AssigneeID) {
			ids = append(ids, it.AssigneeID)
		}
	}
	if len(ids) == 0 || s.staff == nil {
		return map[string]string{}, nil
	}
	names, err := s.staff.Names(ctx, ids)
	return names, wrap("assignee names", err)
}

// official reports whether userID may be given work on an item at path
// in departmentID: through Officials when the app gave one, else
// through Staff.
func (s *Service) official(ctx context.Context, userID, path, departmentID string) (bool, error) {
	if s.officials != nil {
		return s.officials.Official(ctx, userID, path, departmentID)
	}
	ps, err := s.people(ctx, path, departmentID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ps, func(p Person) bool { return p.ID == userID }), nil
}
