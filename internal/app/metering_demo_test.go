package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The demo announces planned works, so the public outage map a newcomer
// opens has something on it.
func TestDemoPlannedOutageIsPublic(t *testing.T) {
	_, world, ts := newDemoServer(t)
	res, err := http.Get(ts.URL + "/m/" + world.Municipality + "/outages")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "Замена задвижки") {
		t.Fatalf("outages page %d lacks the demo's planned works:\n%.2000s", res.StatusCode, b)
	}
}
