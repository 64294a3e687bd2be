package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestSignIn(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/m/demo/page?q=a%20b&x=1", nil)
	w := httptest.NewRecorder()
	if SignIn(w, r) {
		t.Fatal("anonymous visitor reported as signed in")
	}
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", w.Code)
	}
	if got, want := w.Header().Get("Location"), "/login?next=%2Fm%2Fdemo%2Fpage%3Fq%3Da%2520b%26x%3D1"; got != want {
		t.Fatalf("Location %q, want %q", got, want)
	}

	r = r.WithContext(auth.With(r.Context(), &auth.Actor{Kind: auth.User, ID: "u"}))
	w = httptest.NewRecorder()
	if !SignIn(w, r) {
		t.Fatal("signed-in user sent to login")
	}
	if w.Code != http.StatusOK || w.Header().Get("Location") != "" {
		t.Fatalf("signed-in user got %d %q", w.Code, w.Header().Get("Location"))
	}
}
