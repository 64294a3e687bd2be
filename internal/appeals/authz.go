package appeals

import (
	"github.com/muni-platform/muni/internal/platform/auth"
)

// departmentOf is the department a grant is limited to: operators and
// department heads serving one department see only its items, while a
// municipal administrator (or higher) sees the whole municipality.
func departmentOf(g auth.Grant) string {
	if g.Role >= auth.RoleMunicipalAdmin {
		return ""
	}
	return g.DepartmentID
}

// staffScopes are the parts of the territory where the actor holds min
// or a higher role.
func staffScopes(a *auth.Actor, min auth.Role) []Scope {
	out := []Scope{}
	for _, g := range a.Grants {
		if g.Role >= min && g.Role >= auth.RoleOperator {
			out = append(out, Scope{Path: g.ScopePath, DepartmentID: departmentOf(g)})
		}
	}
	return out
}

// canStaff reports whether the actor holds min (an official's role or
// higher) over the item: on its municipality or above, and on its
// department when the grant is limited to one.
func canStaff(a *auth.Actor, ap Appeal, min auth.Role) bool {
	for _, sc := range staffScopes(a, min) {
		if (auth.Grant{ScopePath: sc.Path}).Covers(ap.TenantPath) && (sc.DepartmentID == "" || sc.DepartmentID == ap.DepartmentID) {
			return true
		}
	}
	return false
}

// isAuthor reports whether the actor is the person who signed the item.
func isAuthor(a *auth.Actor, ap Appeal) bool {
	return a.Kind == auth.User && ap.AuthorID != "" && a.ID == ap.AuthorID
}

// canRead lets the author and the officials over the item read it.
func canRead(a *auth.Actor, ap Appeal) bool {
	return isAuthor(a, ap) || canStaff(a, ap, auth.RoleOperator)
}

// actionRole is the least role an official needs for an action: the head
// extends (59-FZ art. 12 p. 2), operators do the rest.
func actionRole(act Action) auth.Role {
	if act == ActExtend {
		return auth.RoleDepartmentHead
	}
	return auth.RoleOperator
}
