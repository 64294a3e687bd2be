package territory

import (
	"net/mail"
	"net/url"
	"regexp"
)

var phoneRule = regexp.MustCompile(`^\+?[0-9][0-9 ()\-]{4,24}$`)

// validEmail accepts a bare address ("priemnaya@luga.ru"), no display name.
func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// validWebsite accepts an absolute http(s) URL.
func validWebsite(s string) bool {
	if len(s) > 300 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
