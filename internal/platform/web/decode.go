package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// DecodeJSON reads exactly one JSON object into v. Unknown fields, wrong
// types, trailing data, a wrong content type and oversized bodies are
// input errors with their own problem types, so a client can tell them apart.
func DecodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return fault.New(fault.ErrInvalid, "unsupported-media-type", "error.json.media_type")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if tooLarge(err) {
			return jsonError(err)
		}
		return fault.New(fault.ErrInvalid, "invalid-json", "error.json.trailing")
	}
	return nil
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case tooLarge(err):
		return &fault.Error{Kind: fault.ErrTooLarge, Type: "body-too-large", Key: "error.too_large", Err: err}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &fault.Error{Kind: fault.ErrInvalid, Type: "wrong-type", Key: "error.json.wrong_type",
			Fields: map[string]string{field: "error.json.field_type"}, Err: err}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &fault.Error{Kind: fault.ErrInvalid, Type: "unknown-field", Key: "error.json.unknown_field",
			Fields: map[string]string{field: "error.json.field_unknown"}, Err: err}
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &fault.Error{Kind: fault.ErrInvalid, Type: "invalid-json", Key: "error.json.malformed", Err: err}
	}
	return &fault.Error{Kind: fault.ErrInvalid, Type: "invalid-json", Key: "error.json.malformed", Err: fmt.Errorf("decode: %w", err)}
}

// ParseForm reads a urlencoded or multipart body: a body past its limit
// is the 413 it is, anything else malformed is the person's input error.
// Files past a megabyte wait in temporary files, which the returned
// cleanup removes (the server's own cleanup misses a request that
// middleware has copied); call it even when ParseForm fails.
func ParseForm(r *http.Request) (cleanup func(), err error) {
	cleanup = func() {
		if r.MultipartForm != nil {
			_ = r.MultipartForm.RemoveAll()
		}
	}
	err = r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err == nil {
		return cleanup, nil
	}
	cleanup()
	if tooLarge(err) {
		return cleanup, err
	}
	return cleanup, fault.New(fault.ErrInvalid, "invalid-form", "error.invalid")
}

// JSONCall is the shape most JSON write endpoints share: decode the
// request body into an In (as DecodeJSON does), call do with it, and
// answer with do's result and status — or with its error as problem+json.
func JSONCall[In, Out any](status int, do func(r *http.Request, in In) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := DecodeJSON(r, &in); err != nil {
			return err
		}
		out, err := do(r, in)
		if err != nil {
			return err
		}
		return JSON(w, status, out)
	}
}
