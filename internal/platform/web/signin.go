package web

import (
	"net/http"
	"net/url"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// SignIn reports whether someone is signed in; when nobody is, it sends
// the visitor to the login page, which brings them back to this address.
func SignIn(w http.ResponseWriter, r *http.Request) bool {
	if auth.From(r.Context()).SignedIn() {
		return true
	}
	http.Redirect(w, r, LoginURL(r), http.StatusSeeOther)
	return false
}

// LoginURL is the login page's address that returns to r's address.
func LoginURL(r *http.Request) string {
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}
