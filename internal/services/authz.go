package services

import (
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// canStaff reports whether the actor holds min (an official's role or
// higher) over a municipality's item of a department: on the municipality
// or above, and on that department when the grant is limited to one.
func canStaff(a *auth.Actor, path, departmentID string, min auth.Role) bool {
	for _, g := range a.Grants {
		if g.Role < min || g.Role < auth.RoleOperator || !g.Covers(path) {
			continue
		}
		if g.Role >= auth.RoleMunicipalAdmin || g.DepartmentID == "" || g.DepartmentID == departmentID {
			return true
		}
	}
	return false
}

// livesIn reports whether the actor is a resident of the municipality at
// path: a grant on it, above it (a region) or below it (a home district).
func livesIn(a *auth.Actor, path string) bool {
	for _, g := range a.Grants {
		if g.ScopePath != "" && (strings.HasPrefix(path, g.ScopePath) || strings.HasPrefix(g.ScopePath, path)) {
			return true
		}
	}
	return false
}

// isApplicant reports whether the actor is the application's applicant.
func isApplicant(a *auth.Actor, app Application) bool {
	return a.Kind == auth.User && a.ID != "" && a.ID == app.ApplicantID
}

// canRead lets the applicant and the officials over the item read it.
func canRead(a *auth.Actor, app Application) bool {
	return isApplicant(a, app) || canStaff(a, app.TenantPath, app.DepartmentID, auth.RoleOperator)
}

// staffPaths are the territory paths where the actor works as an official.
func staffPaths(a *auth.Actor) []string {
	var out []string
	for _, g := range a.Grants {
		if g.Role >= auth.RoleOperator {
			out = append(out, g.ScopePath)
		}
	}
	return out
}
