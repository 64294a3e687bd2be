package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// StaffMember is an active official and the highest role they hold over
// a place.
type StaffMember struct {
	ID   string
	Name string
	Role auth.Role
}

// maxStaff bounds one Staff answer: a picker, not an export.
const maxStaff = 500

// Staff lists the active accounts whose grants give them min or a higher
// role over the node at path (a grant on it or on a node above it) and,
// when departmentID is set, over that department: a grant limited to
// another department does not count. It is for other domains' pickers
// and notifications, reached through the app; it reveals names only.
func (s *Service) Staff(ctx context.Context, path, departmentID string, min auth.Role) ([]StaffMember, error) {
	if path == "" || !strings.HasSuffix(path, "/") {
		return nil, fmt.Errorf("identity: staff: path %q", path)
	}
	// The grants covering path are those on path or on a node above it:
	// its prefixes, each an indexed lookup.
	args := []any{string(StatusActive)}
	var in []string
	for i, c := range path {
		if c == '/' {
			args = append(args, path[:i+1])
			in = append(in, fmt.Sprintf("$%d", len(args)))
		}
	}
	rows, err := s.st.db.R(ctx).QueryContext(ctx, `SELECT u.id, u.name, g.role, g.scope_path, g.department_id
		FROM grants g JOIN users u ON u.id = g.user_id
		WHERE u.status = $1 AND g.scope_path IN (`+strings.Join(in, ", ")+`)
		ORDER BY u.name, u.id LIMIT `+fmt.Sprint(maxStaff*4), args...)
	if err != nil {
		return nil, fmt.Errorf("identity: staff: %w", err)
	}
	defer rows.Close()
	var out []StaffMember
	at := map[string]int{}
	for rows.Next() {
		var m StaffMember
		var role, scope, dep string
		if err := rows.Scan(&m.ID, &m.Name, &role, &scope, &dep); err != nil {
			return nil, err
		}
		r, ok := auth.ParseRole(role)
		g := auth.Grant{Role: r, ScopePath: scope, DepartmentID: dep}
		if !ok || r < min || !g.Covers(path) || (departmentID != "" && dep != "" && dep != departmentID && r < auth.RoleMunicipalAdmin) {
			continue
		}
		if i, seen := at[m.ID]; seen {
			out[i].Role = max(out[i].Role, r)
			continue
		}
		if len(out) == maxStaff {
			break
		}
		m.Role, at[m.ID] = r, len(out)
		out = append(out, m)
	}
	return out, rows.Err()
}
