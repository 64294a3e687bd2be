package app

import (
	"context"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// appealPeople adapts the identity domain's accounts and grants to
// appeals.Staff: who may be given an item, whose names the queue shows,
// which heads hear of an escalation. It holds the App, not the identity
// service, because identity is built after appeals.
type appealPeople struct{ a *App }

// Staff lists the officials over a municipality (and department).
func (p appealPeople) Staff(ctx context.Context, path, departmentID string, min auth.Role) ([]appeals.Person, error) {
	ms, err := p.a.Identity.Staff(ctx, path, departmentID, min)
	if err != nil {
		return nil, err
	}
	out := make([]appeals.Person, 0, len(ms))
	for _, m := range ms {
		out = append(out, appeals.Person{ID: m.ID, Name: m.Name, Role: m.Role})
	}
	return out, nil
}

// Names returns the names of the given accounts. It asks as muni itself:
// appeals has already decided the caller may see the items these people
// work on, and only names come back.
func (p appealPeople) Names(ctx context.Context, ids []string) (map[string]string, error) {
	return p.a.Identity.UserNames(AsSystem(ctx), ids)
}
