package identity

import (
	"context"
	"errors"
	"testing"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// UserNames names only the people the actor administers, so the audit
// log of one municipality never reveals who acts in another.
func TestUserNames(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		platform := e.official(t, "root@example.ru", "platform_admin", "")
		adminA := e.official(t, "admin.a@example.ru", "municipal_admin", "a")
		opA := e.official(t, "op.a@example.ru", "operator", "a")
		resA := e.register(t, "res.a@example.ru", "a")
		resB := e.register(t, "res.b@example.ru", "b")
		ids := []string{resA.ID, resB.ID, opA.ID, resA.ID, "no-such-user", ""}

		got, err := e.svc.UserNames(e.as(t, adminA.ID), ids)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{resA.ID: resA.Name, opA.ID: opA.Name}
		if len(got) != len(want) || got[resA.ID] != resA.Name || got[opA.ID] != opA.Name {
			t.Errorf("admin of A: %v, want %v", got, want)
		}
		if got, err := e.svc.UserNames(e.as(t, platform.ID), ids); err != nil || got[resB.ID] != resB.Name || len(got) != 3 {
			t.Errorf("platform admin: %v, %v", got, err)
		}
		if _, err := e.svc.UserNames(e.as(t, opA.ID), ids); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("operator: %v, want forbidden", err)
		}
		if _, err := e.svc.UserNames(context.Background(), ids); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("anonymous: %v, want unauthorized", err)
		}
	})
}
