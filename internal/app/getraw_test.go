package app_test

import (
	"io"
	"net/http"
	"testing"
)

// getRaw GETs u with c and returns the status, the Content-Type and the
// body; the page helpers of every domain's tests build on it.
func getRaw(t *testing.T, c *http.Client, u string) (status int, ctype string, body []byte) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), b
}
