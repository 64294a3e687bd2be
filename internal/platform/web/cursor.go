package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// List is the envelope of every paginated API answer.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// EncodeCursor packs the sort key of the last item into an opaque token.
func EncodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x1f")))
}

// Page is the parsed ?cursor= and ?limit= of a list request.
type Page struct {
	After []string // decoded cursor, nil for the first page
	Limit int
}

// ParsePage reads cursor and limit (1..max, default def).
func ParsePage(r *http.Request, def, max int) (Page, error) {
	p := Page{Limit: def}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > max {
			return p, fault.Invalid("limit-invalid", map[string]string{"limit": "error.limit"})
		}
		p.Limit = n
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || len(b) == 0 {
			return p, fault.Invalid("cursor-invalid", map[string]string{"cursor": "error.cursor"})
		}
		p.After = strings.Split(string(b), "\x1f")
	}
	return p, nil
}

// NewList builds a page from items fetched with limit+1 rows: the extra row
// only says there is more, and the cursor is the key of the last item kept.
// Items is never nil, so clients always get an array.
func NewList[T any](items []T, limit int, key func(T) string) List[T] {
	out := List[T]{Items: items}
	if len(items) > limit {
		out.Items = items[:limit]
		out.NextCursor = EncodeCursor(key(out.Items[limit-1]))
	}
	if out.Items == nil {
		out.Items = []T{}
	}
	return out
}
