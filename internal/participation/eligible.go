package participation

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// Eligible reports whether the actor may take the action in the process
// now; nil means yes. territoryNodeID narrows the question to a district
// (a budget's district, a proposal's district); "" means the phase's own
// territory.
//
// The rules, in the order they are checked:
//   - the actor must be signed in (ErrUnauthorized);
//   - a phase running now must allow the action (ErrNotInPhase);
//   - territoryNodeID, when given, must lie within the phase's territory
//     (ErrWrongTerritory);
//   - at LevelVerified the actor needs a verified residence
//     (ErrNotVerified) under the territory (ErrWrongTerritory); at
//     LevelAccount the declared home must lie under it (ErrWrongTerritory);
//   - with a minimum age, the actor needs a verified birth date
//     (ErrNotVerified) and that age on the phase's last day, counted in the
//     municipality's time zone (ErrUnderAge).
func (s *Service) Eligible(ctx context.Context, actor auth.Actor, processID string, action Action, territoryNodeID string) error {
	if !actor.SignedIn() || actor.Kind != auth.User {
		return ErrUnauthorized
	}
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return err
	}
	now := s.now()
	var refusal error = ErrNotInPhase
	for _, ph := range p.Phases {
		perm, ok := ph.Permission(action)
		if !ok || !ph.Running(now) {
			continue
		}
		err := s.eligibleIn(ctx, actor, p, ph, perm, territoryNodeID)
		if err == nil {
			return nil
		}
		if !errors.Is(err, fault.ErrForbidden) {
			return err
		}
		refusal = err
	}
	return refusal
}

func (s *Service) eligibleIn(ctx context.Context, actor auth.Actor, p Process, ph Phase, perm Permission, nodeID string) error {
	path := perm.TerritoryPath
	if nodeID != "" && nodeID != perm.TerritoryNodeID {
		n, err := s.places.Node(ctx, nodeID)
		if errors.Is(err, fault.ErrNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return wrap("eligible", err)
		}
		if !strings.HasPrefix(n.Path, path) {
			return ErrWrongTerritory
		}
		path = n.Path
	}
	r, err := s.residents.Resident(ctx, actor.ID)
	if errors.Is(err, fault.ErrNotFound) {
		return ErrNotVerified
	}
	if err != nil {
		return wrap("eligible", err)
	}
	switch perm.Level {
	case LevelVerified:
		if !r.Verified {
			return ErrNotVerified
		}
		if !strings.HasPrefix(r.ResidencePath, path) {
			return ErrWrongTerritory
		}
	default:
		home := r.HomePath
		if r.Verified {
			home = r.ResidencePath
		}
		if !strings.HasPrefix(home, path) {
			return ErrWrongTerritory
		}
	}
	if perm.MinAge > 0 {
		if !r.Verified || r.BirthDate.IsZero() {
			return ErrNotVerified
		}
		m, err := s.municipality(ctx, p.TenantID)
		if err != nil {
			return err
		}
		loc, err := tz.Load(m.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		if AgeOn(r.BirthDate, ph.EndsAt.Add(-time.Millisecond).In(loc)) < perm.MinAge {
			return ErrUnderAge
		}
	}
	return nil
}

// AgeOn is the age in full years on day of a person born on birth (a
// calendar date; its clock and zone are ignored). Someone born on 29
// February comes of age on 1 March in a common year.
func AgeOn(birth, day time.Time) int {
	by, bm, bd := birth.Date()
	y, m, d := day.Date()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}
