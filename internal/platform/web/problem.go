package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
}

// ProblemBase prefixes every problem type; /problems/<slug> documents it.
const ProblemBase = "/problems/"

var kinds = []struct {
	err    error
	status int
	typ    string
	key    string
}{
	{fault.ErrInvalid, http.StatusBadRequest, "invalid", "error.invalid"},
	{fault.ErrTooLarge, http.StatusRequestEntityTooLarge, "body-too-large", "error.too_large"},
	{fault.ErrUnauthorized, http.StatusUnauthorized, "unauthorized", "error.unauthorized"},
	{fault.ErrForbidden, http.StatusForbidden, "forbidden", "error.forbidden"},
	{fault.ErrNotFound, http.StatusNotFound, "not-found", "error.not_found"},
	{fault.ErrConflict, http.StatusConflict, "conflict", "error.conflict"},
	{fault.ErrTooMany, http.StatusTooManyRequests, "too-many-requests", "error.too_many"},
}

// Classify maps err to its HTTP status, problem type slug and message key.
// Anything unrecognised is a 500 whose cause is logged, never shown.
// A body that ran past its limit (LimitBody) is a 413 wherever it was read.
func Classify(err error) (status int, typ, key string) {
	if tooLarge(err) {
		return http.StatusRequestEntityTooLarge, "body-too-large", "error.too_large"
	}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			status, typ, key = k.status, k.typ, k.key
			break
		}
	}
	if status == 0 {
		return http.StatusInternalServerError, "internal", "error.internal"
	}
	if f, ok := fault.As(err); ok {
		if f.Type != "" {
			typ = f.Type
		}
		if f.Key != "" {
			key = f.Key
		}
	}
	return status, typ, key
}

// ProblemFor builds the problem document for err in the request's language.
func (s *Server) ProblemFor(r *http.Request, err error) Problem {
	status, typ, key := Classify(err)
	loc := s.Catalog.Localizer(Lang(r.Context()))
	p := Problem{
		Type: ProblemBase + typ, Title: http.StatusText(status), Status: status,
		Instance: r.URL.Path, RequestID: RequestID(r.Context()),
	}
	var args []any
	if f, ok := fault.As(err); ok {
		for k, v := range f.Args {
			args = append(args, k, v)
		}
		if len(f.Fields) > 0 {
			p.Errors = map[string]string{}
			for field, msgKey := range f.Fields {
				p.Errors[field] = loc.T(msgKey)
			}
		}
	}
	p.Detail = loc.T(key, args...)
	return p
}

// Error writes err once: problem+json for API requests, an error page
// otherwise. Server errors are logged with their cause.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	p := s.ProblemFor(r, err)
	lvl := slog.LevelDebug
	if p.Status >= 500 {
		lvl = slog.LevelError
	}
	s.Log.Log(r.Context(), lvl, "request failed", "status", p.Status, "type", p.Type, "err", err,
		"path", r.URL.Path, "request_id", p.RequestID)
	if p.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	if IsAPI(r) || s.Render == nil {
		WriteProblem(w, p)
		return
	}
	s.Render.Page(w, r, p.Status, "web/error", p)
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// JSON writes v with status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

type requestIDKey struct{}

// RequestID is the id the RequestID middleware gave this request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
