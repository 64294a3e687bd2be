package identity

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestStaffListsWhoCanActOnAPlace(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		platform := e.official(t, "root@example.ru", "platform_admin", "")
		root := e.as(t, platform.ID)
		grant := func(email, role, scope, dep string) User {
			u := e.register(t, email, "a")
			if _, err := e.svc.Grant(root, u.ID, GrantInput{Role: role, ScopeID: scope, DepartmentID: dep}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		opA := grant("op-a@example.ru", "operator", "a", "dep-a")
		headA := grant("head-a@example.ru", "department_head", "a", "dep-a")
		adminA := grant("admin-a@example.ru", "municipal_admin", "a", "")
		opB := grant("op-b@example.ru", "operator", "b", "dep-b")
		regional := grant("region@example.ru", "operator", "r", "")
		resident := e.register(t, "res@example.ru", "a")

		ids := func(ms []StaffMember) map[string]auth.Role {
			out := map[string]auth.Role{}
			for _, m := range ms {
				out[m.ID] = m.Role
			}
			return out
		}
		all, err := e.svc.Staff(context.Background(), "/r/a/", "", auth.RoleOperator)
		if err != nil {
			t.Fatal(err)
		}
		got := ids(all)
		for _, u := range []User{opA, headA, adminA, regional, platform} {
			if _, ok := got[u.ID]; !ok {
				t.Errorf("%s missing from staff of a", u.Email)
			}
		}
		for _, u := range []User{opB, resident} {
			if _, ok := got[u.ID]; ok {
				t.Errorf("%s listed as staff of a", u.Email)
			}
		}
		if got[headA.ID] != auth.RoleDepartmentHead {
			t.Errorf("head's role %v", got[headA.ID])
		}
		// Another department's operator does not count; the municipal
		// administrator does.
		other, err := e.svc.Staff(context.Background(), "/r/a/", "dep-other", auth.RoleOperator)
		if err != nil {
			t.Fatal(err)
		}
		got = ids(other)
		if _, ok := got[opA.ID]; ok {
			t.Error("dep-a's operator listed for another department")
		}
		if _, ok := got[adminA.ID]; !ok {
			t.Error("municipal admin missing for another department")
		}
		heads, err := e.svc.Staff(context.Background(), "/r/a/", "dep-a", auth.RoleDepartmentHead)
		if err != nil {
			t.Fatal(err)
		}
		if got = ids(heads); len(got) != 3 || got[headA.ID] == 0 || got[adminA.ID] == 0 || got[platform.ID] == 0 {
			t.Errorf("heads and above of dep-a: %v", got)
		}
		if _, err := e.svc.Staff(context.Background(), "no-slash", "", auth.RoleOperator); err == nil {
			t.Error("a malformed path accepted")
		}
	})
}
