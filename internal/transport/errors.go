package transport

import (
	"fmt"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's sentinels; each wraps a fault kind so platform/web maps it.
var (
	ErrNotFound  = fmt.Errorf("transport: %w", fault.ErrNotFound)
	ErrForbidden = fmt.Errorf("transport: %w", fault.ErrForbidden)
	ErrInvalid   = fmt.Errorf("transport: %w", fault.ErrInvalid)
)

func forbidden() error {
	return &fault.Error{Kind: fault.ErrForbidden, Type: "forbidden", Key: "error.forbidden", Err: ErrForbidden}
}

func notFound() error {
	return &fault.Error{Kind: fault.ErrNotFound, Type: "not-found", Key: "error.not_found", Err: ErrNotFound}
}

func invalidFeed(key string) error {
	return &fault.Error{Kind: fault.ErrInvalid, Type: "transport-feed", Key: key, Err: ErrInvalid}
}
