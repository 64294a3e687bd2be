package proactive

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's sentinels; each wraps a fault kind so platform/web maps it.
var (
	ErrNotFound  = fmt.Errorf("proactive: %w", fault.ErrNotFound)
	ErrForbidden = fmt.Errorf("proactive: %w", fault.ErrForbidden)
	ErrInvalid   = fmt.Errorf("proactive: %w", fault.ErrInvalid)
	ErrConflict  = fmt.Errorf("proactive: %w", fault.ErrConflict)
)

func forbidden() error {
	return &fault.Error{Kind: fault.ErrForbidden, Type: "forbidden", Key: "error.forbidden", Err: ErrForbidden}
}

func notFound() error {
	return &fault.Error{Kind: fault.ErrNotFound, Type: "not-found", Key: "error.not_found", Err: ErrNotFound}
}

func unauthorized() error {
	return &fault.Error{Kind: fault.ErrUnauthorized, Type: "unauthorized", Key: "error.unauthorized"}
}

// invalid is bad input with one message key per field.
func invalid(typ string, fields map[string]string) error {
	return &fault.Error{Kind: fault.ErrInvalid, Type: typ, Key: "proactive.error.invalid", Fields: fields, Err: ErrInvalid}
}

// conflict is a state change the offer's state does not allow.
func conflict(key string) error {
	return &fault.Error{Kind: fault.ErrConflict, Type: "proactive-offer-state", Key: key, Err: ErrConflict}
}
