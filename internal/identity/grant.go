package identity

import (
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// RootPath is the scope of the whole deployment: a grant on it covers
// every node. Only platform administrators hold it.
const RootPath = "/"

// GrantRecord is a stored role grant.
type GrantRecord struct {
	ID           string `json:"id"`
	UserID       string `json:"user_id"`
	Role         string `json:"role"`
	ScopeID      string `json:"scope_id"`
	ScopePath    string `json:"scope_path"`
	ScopeName    string `json:"scope_name,omitempty"`
	TenantID     string `json:"tenant_id"`
	DepartmentID string `json:"department_id,omitempty"`
	// DepartmentName is the department's name in the request's language,
	// filled in for display like ScopeName.
	DepartmentName string    `json:"department_name,omitempty"`
	GrantedBy      string    `json:"granted_by"`
	Created        time.Time `json:"created_at"`
}

// Grant returns the auth form of the record.
func (g GrantRecord) Grant() auth.Grant {
	r, _ := auth.ParseRole(g.Role)
	return auth.Grant{Role: r, ScopeID: g.ScopeID, ScopePath: g.ScopePath, DepartmentID: g.DepartmentID}
}

// GrantInput asks for a role on a node, optionally for one department.
type GrantInput struct {
	Role         string `json:"role"`
	ScopeID      string `json:"scope_id"`
	DepartmentID string `json:"department_id,omitempty"`
}

// roleOver is the highest role a holds on the node at path (through any
// grant covering it).
func roleOver(a *auth.Actor, path string) auth.Role {
	top := auth.RoleNone
	for _, g := range a.Grants {
		if g.Covers(path) && g.Role > top {
			top = g.Role
		}
	}
	return top
}

// mayAssign is the granting rule: platform administrators may grant or
// revoke anything; others need at least municipal administrator over the
// scope and may not hand out a role above the one they hold there.
func mayAssign(a *auth.Actor, role auth.Role, path string) bool {
	if a.Top() == auth.RolePlatformAdmin && a.Can(auth.RolePlatformAdmin, RootPath) {
		return true
	}
	own := roleOver(a, path)
	return own >= auth.RoleMunicipalAdmin && role <= own && role != auth.RoleNone
}

// adminScopes are the paths under which a may see and manage accounts.
func adminScopes(a *auth.Actor) []string {
	var out []string
	for _, g := range a.Grants {
		if g.Role >= auth.RoleMunicipalAdmin {
			out = append(out, g.ScopePath)
		}
	}
	return out
}

// coversAny reports whether one of scopes covers path.
func coversAny(scopes []string, path string) bool {
	for _, s := range scopes {
		if path != "" && len(path) >= len(s) && path[:len(s)] == s {
			return true
		}
	}
	return false
}
