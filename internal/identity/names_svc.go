package identity

import (
	"context"
	"errors"
)

// maxNames bounds one UserNames call: a page of the audit log names at
// most a few hundred people.
const maxNames = 500

// UserNames returns the names of those of the users with ids whom the
// actor administers, keyed by id, so that officials' pages (the audit log)
// can say who acted instead of showing ids. Users outside the actor's
// reach, and unknown ids, are left out rather than refused.
func (s *Service) UserNames(ctx context.Context, ids []string) (map[string]string, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return nil, err
	}
	if len(adminScopes(a)) == 0 {
		return nil, ErrForbidden
	}
	out := map[string]string{}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] || len(seen) == maxNames {
			continue
		}
		seen[id] = true
		u, err := s.visibleUser(ctx, a, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = u.Name
	}
	return out, nil
}
