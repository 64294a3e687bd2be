package decisions

import (
	"fmt"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// The domain's sentinels; each wraps a fault kind so platform/web maps it.
var (
	ErrNotFound  = fmt.Errorf("decisions: %w", fault.ErrNotFound)
	ErrForbidden = fmt.Errorf("decisions: %w", fault.ErrForbidden)
	ErrInvalid   = fmt.Errorf("decisions: %w", fault.ErrInvalid)
	ErrConflict  = fmt.Errorf("decisions: %w", fault.ErrConflict)
)

func forbidden() error {
	return &fault.Error{Kind: fault.ErrForbidden, Type: "forbidden", Key: "error.forbidden", Err: ErrForbidden}
}

func notFound() error {
	return &fault.Error{Kind: fault.ErrNotFound, Type: "not-found", Key: "error.not_found", Err: ErrNotFound}
}

func invalid(typ string, fields map[string]string) error {
	return &fault.Error{Kind: fault.ErrInvalid, Type: typ, Key: "decisions.error.invalid", Fields: fields, Err: ErrInvalid}
}

func conflict(key string) error {
	return &fault.Error{Kind: fault.ErrConflict, Type: "decision-state", Key: key, Err: ErrConflict}
}

// InconsistentError refuses AHP judgements whose consistency ratio is
// over MaxCR, naming the judgement to revisit first and the value the
// other judgements imply for it.
type InconsistentError struct {
	AHP  AHP
	A, B string // the criteria of the worst pair
}

func (e *InconsistentError) Error() string {
	return fmt.Sprintf("decisions: AHP judgements inconsistent: CR %.3f > %.2f; revisit %q vs %q", e.AHP.CR, MaxCR, e.A, e.B)
}

// Fault is the error as a problem: 400, with the ratio and the pair.
func (e *InconsistentError) Fault() *fault.Error {
	return &fault.Error{Kind: fault.ErrInvalid, Type: "ahp-inconsistent", Key: "decisions.error.inconsistent",
		Args:   map[string]any{"CR": strconv.FormatFloat(e.AHP.CR, 'f', 3, 64), "A": e.A, "B": e.B, "Suggested": ScaleLabel(e.AHP.Suggested)},
		Fields: map[string]string{"judgements": "decisions.error.inconsistent_field"}, Err: e}
}

// ScaleLabel writes a scale value as people read it: "3" or "1/3".
func ScaleLabel(v float64) string {
	if v >= 1 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return "1/" + strconv.FormatFloat(Scale(1/v), 'f', -1, 64)
}
