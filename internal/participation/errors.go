package participation

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's errors; each unwraps to its platform kind, so the web layer
// maps them to HTTP statuses in one place.
var (
	ErrInvalid      = fmt.Errorf("participation: %w", fault.ErrInvalid)
	ErrNotFound     = fmt.Errorf("participation: %w", fault.ErrNotFound)
	ErrForbidden    = fmt.Errorf("participation: %w", fault.ErrForbidden)
	ErrUnauthorized = fmt.Errorf("participation: %w", fault.ErrUnauthorized)
	ErrConflict     = fmt.Errorf("participation: %w", fault.ErrConflict)
)

// Why Eligible refuses. Each is forbidden (HTTP 403, errors.Is(err,
// fault.ErrForbidden) and errors.Is(err, ErrForbidden)) with its own problem
// type and message, so a person is told exactly what stands in the way;
// test for a reason with errors.Is(err, ErrUnderAge) and so on.
var (
	// ErrNotInPhase: no phase of the process running now allows the action.
	ErrNotInPhase = fault.New(ErrForbidden, "participation-not-in-phase", "participation.error.not_in_phase")
	// ErrNotVerified: the phase needs a verified residence the person lacks.
	ErrNotVerified = fault.New(ErrForbidden, "participation-not-verified", "participation.error.not_verified")
	// ErrWrongTerritory: the person's verified residence lies outside the
	// territory the phase (or the district asked for) is open to.
	ErrWrongTerritory = fault.New(ErrForbidden, "participation-wrong-territory", "participation.error.wrong_territory")
	// ErrUnderAge: the person is younger than the phase's minimum age on
	// its last day, or their birth date is unknown.
	ErrUnderAge = fault.New(ErrForbidden, "participation-under-age", "participation.error.under_age")
)

func invalid(typ string, bad map[string]string) error {
	return &fault.Error{Kind: ErrInvalid, Type: typ, Key: "error.invalid", Fields: bad}
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("participation: %s: %w", op, err)
}
