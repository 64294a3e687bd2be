package territory

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's errors; each unwraps to its platform kind, so the web layer
// maps them to HTTP statuses in one place.
var (
	ErrNotFound     = fmt.Errorf("territory: %w", fault.ErrNotFound)
	ErrForbidden    = fmt.Errorf("territory: %w", fault.ErrForbidden)
	ErrUnauthorized = fmt.Errorf("territory: %w", fault.ErrUnauthorized)
)

// conflict is a uniqueness failure on one field.
func conflict(typ, field, key string) error {
	return &fault.Error{Kind: fault.ErrConflict, Type: typ, Key: "error.conflict", Fields: map[string]string{field: key}}
}
