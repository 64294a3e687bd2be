// Package fault holds the error kinds every domain shares, so that one
// place (platform/web) maps them to HTTP statuses and problem types.
// Domains declare their own sentinels that wrap these kinds.
package fault

import (
	"errors"
	"fmt"
)

// The kinds of failure a request can meet.
var (
	ErrInvalid      = errors.New("invalid input")
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("not signed in")
	ErrConflict     = errors.New("conflict")
	ErrTooMany      = errors.New("too many requests")
	ErrTooLarge     = errors.New("request too large")
)

// Error is a failure with a stable problem type, a message key for the
// person who caused it and, for invalid input, messages per field. It
// unwraps to its kind.
type Error struct {
	Kind   error             // one of the Err* kinds above
	Type   string            // stable slug, e.g. "oktmo-invalid"; the problem type is /problems/<Type>
	Key    string            // i18n key of the safe message
	Args   map[string]any    // values for the message template
	Fields map[string]string // field name -> i18n key of its message
	Err    error             // the underlying cause, never shown
}

func (e *Error) Error() string {
	msg := e.Type
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if len(e.Fields) > 0 {
		msg += fmt.Sprintf(" %v", e.Fields)
	}
	return msg
}

// Unwrap lets errors.Is find both the kind and the cause.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// Invalid is an input error with one message per offending field.
func Invalid(typ string, fields map[string]string) *Error {
	return &Error{Kind: ErrInvalid, Type: typ, Key: "error.invalid", Fields: fields}
}

// New is a failure of kind with a problem type and a message key.
func New(kind error, typ, key string) *Error {
	return &Error{Kind: kind, Type: typ, Key: key}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
