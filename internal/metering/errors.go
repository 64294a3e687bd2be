package metering

import (
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's sentinels; each wraps a fault kind so platform/web maps it.
var (
	ErrNotFound     = fmt.Errorf("metering: %w", fault.ErrNotFound)
	ErrForbidden    = fmt.Errorf("metering: %w", fault.ErrForbidden)
	ErrUnauthorized = fmt.Errorf("metering: %w", fault.ErrUnauthorized)
	ErrInvalid      = fmt.Errorf("metering: %w", fault.ErrInvalid)
	ErrConflict     = fmt.Errorf("metering: %w", fault.ErrConflict)
)

// invalid is an input error with one message key per offending field.
func invalid(typ string, fields map[string]string) error {
	return fault.Invalid(typ, fields)
}

// forbidden is a refusal with the domain's message.
func forbidden() error {
	return &fault.Error{Kind: fault.ErrForbidden, Type: "forbidden", Key: "error.forbidden", Err: ErrForbidden}
}

// isNotFound reports a not-found of any domain (the territory's, through
// the app's adapter, included).
func isNotFound(err error) bool { return errors.Is(err, fault.ErrNotFound) }
