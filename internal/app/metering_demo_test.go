package app_test

import (
	"net/http"
	"strings"
	"testing"
)

// The demo announces planned works, so the public outage map a newcomer
// opens has something on it, and the municipality's home page announces
// them too, beside the transport block.
func TestDemoPlannedOutageIsPublic(t *testing.T) {
	_, world, ts := newDemoServer(t)
	get := func(path string) string { return getPage(t, http.DefaultClient, ts.URL+path) }
	if page := get("/m/" + world.Municipality + "/outages"); !strings.Contains(page, "Замена задвижки") {
		t.Fatalf("outages page lacks the demo's planned works:\n%.2000s", page)
	}
	home := get("/m/" + world.Municipality + "/")
	for _, want := range []string{"плановое, с ", "Общественный транспорт", `href="/m/` + world.Municipality + `/transport/planning"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	// Residents' blocks come before the facts about the municipality.
	if i, j := strings.Index(home, "Общественный транспорт"), strings.Index(home, `id="facts-h"`); i < 0 || j < i {
		t.Errorf("the domain blocks are not above the facts (%d, %d)", i, j)
	}
}
