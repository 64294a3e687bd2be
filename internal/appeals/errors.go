package appeals

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's errors; each unwraps to its platform kind, so the web layer
// maps them to HTTP statuses in one place.
var (
	ErrInvalid      = fmt.Errorf("appeals: %w", fault.ErrInvalid)
	ErrNotFound     = fmt.Errorf("appeals: %w", fault.ErrNotFound)
	ErrForbidden    = fmt.Errorf("appeals: %w", fault.ErrForbidden)
	ErrUnauthorized = fmt.Errorf("appeals: %w", fault.ErrUnauthorized)
	ErrConflict     = fmt.Errorf("appeals: %w", fault.ErrConflict)
)
