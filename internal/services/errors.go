package services

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's errors; each unwraps to its platform kind, so the web layer
// maps them to HTTP statuses in one place.
var (
	ErrInvalid      = fmt.Errorf("services: %w", fault.ErrInvalid)
	ErrNotFound     = fmt.Errorf("services: %w", fault.ErrNotFound)
	ErrForbidden    = fmt.Errorf("services: %w", fault.ErrForbidden)
	ErrUnauthorized = fmt.Errorf("services: %w", fault.ErrUnauthorized)
	ErrConflict     = fmt.Errorf("services: %w", fault.ErrConflict)
)

// invalid is an input error with one message key per offending field.
func invalid(typ string, fields map[string]string) error {
	return fmt.Errorf("services: %w", fault.Invalid(typ, fields))
}

// conflict is a step that the application's state does not allow.
func conflict(key string) error {
	return fmt.Errorf("services: %w", fault.New(fault.ErrConflict, "application-state", key))
}
