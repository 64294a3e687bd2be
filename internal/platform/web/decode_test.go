package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// TestJSONCall: the body reaches do decoded, do's result goes out with
// the given status, and a body that is not JSON never reaches do.
func TestJSONCall(t *testing.T) {
	type in struct {
		N int `json:"n"`
	}
	called := 0
	h := JSONCall(http.StatusCreated, func(r *http.Request, v in) (map[string]int, error) {
		called++
		if v.N < 0 {
			return nil, fault.Invalid("negative", map[string]string{"n": "error.negative"})
		}
		return map[string]int{"double": 2 * v.N, "id": len(r.PathValue("id"))}, nil
	})
	call := func(body string) (*httptest.ResponseRecorder, error) {
		req := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		return rec, h(rec, req)
	}
	rec, err := call(`{"n": 21}`)
	if err != nil || rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `"double":42`) {
		t.Fatalf("good body: %d %s %v", rec.Code, rec.Body, err)
	}
	if _, err := call(`{"n": -1}`); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("do's error: %v", err)
	}
	before := called
	if _, err := call(`{"n": `); err == nil || called != before {
		t.Errorf("broken JSON: err %v, do called %d more times", err, called-before)
	}
}
