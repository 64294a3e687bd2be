package monitoring

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's sentinels; each wraps a fault kind so platform/web maps it.
var (
	ErrNotFound     = fmt.Errorf("monitoring: %w", fault.ErrNotFound)
	ErrForbidden    = fmt.Errorf("monitoring: %w", fault.ErrForbidden)
	ErrUnauthorized = fmt.Errorf("monitoring: %w", fault.ErrUnauthorized)
	ErrInvalid      = fmt.Errorf("monitoring: %w", fault.ErrInvalid)
)

func forbidden() error {
	return &fault.Error{Kind: fault.ErrForbidden, Type: "forbidden", Key: "error.forbidden", Err: ErrForbidden}
}

func unauthorized() error {
	return &fault.Error{Kind: fault.ErrUnauthorized, Type: "unauthorized", Key: "error.unauthorized", Err: ErrUnauthorized}
}

func notFound() error {
	return &fault.Error{Kind: fault.ErrNotFound, Type: "not-found", Key: "error.not_found", Err: ErrNotFound}
}

// invalid is an input error with one message key per field.
func invalid(fields map[string]string) error {
	e := fault.Invalid("monitoring-invalid", fields)
	e.Err = ErrInvalid
	return e
}
