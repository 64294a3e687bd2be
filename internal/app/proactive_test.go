package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/services/proactive"
)

// TestProactiveDemoAndAPI: the demo resident finds the kindergarten offer
// for the child the demo register holds, and its notification; a source
// system's key reports a second child through the API and the offer
// appears; the same event again changes nothing; a bad event is a
// problem; a second run of the demo adds nothing.
func TestProactiveDemoAndAPI(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	res := demoLogin(t, world, auth.RoleResident.String())
	c := signedInClient(t, ts.URL, res)
	page := getPage(t, c, ts.URL+"/proactive")
	for _, want := range []string{"Постановка на учёт в детский сад", "Дарья", "Разрешение на земляные работы", "Отозвать согласие"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the demo resident's page lacks %q", want)
		}
	}
	if n := getPage(t, c, ts.URL+"/me/notifications"); !strings.Contains(n, "Вам предложена услуга") {
		t.Fatal("no notification of the offers")
	}

	sys := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: "test-admin", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}})
	luga, err := a.Territory.NodeBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := a.Identity.CreateAPIKey(sys, identity.APIKeyInput{Name: "ЗАГС", Role: "operator", ScopeID: luga.ID})
	if err != nil {
		t.Fatal(err)
	}
	us, err := a.Identity.Users(sys, identity.UserQuery{Search: res.Email})
	if err != nil || len(us) != 1 {
		t.Fatalf("demo resident: %v %v", us, err)
	}
	_, data, err := a.Proactive.ExportUser(ctx, us[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	reg := data.(proactive.Export).Register
	if len(reg) != 1 {
		t.Fatalf("the demo resident is %d times in the register", len(reg))
	}
	event := `{"id": "zags-test-1", "type": "child_born", "occurred_on": "` + reg[0].Children[0].BirthDate + `",
		"resident": {"snils": "` + reg[0].SNILS + `"}, "data": {"child_key": "2", "child_name": "Тимофей", "child_birth_date": "` + reg[0].Children[0].BirthDate + `"}}`
	status, body := postJSON(t, ts.URL+"/api/v1/life-events", key, event)
	var rec proactive.EventRecord
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &rec) != nil || rec.Offers != 1 {
		t.Fatalf("event: %d %s", status, body)
	}
	if status, body = postJSON(t, ts.URL+"/api/v1/life-events", key, event); status != http.StatusOK || !strings.Contains(body, `"duplicate":true`) {
		t.Fatalf("repeat: %d %s", status, body)
	}
	if !strings.Contains(getPage(t, c, ts.URL+"/proactive"), "Тимофей") {
		t.Fatal("the new child's offer is not on the page")
	}
	status, body = postJSON(t, ts.URL+"/api/v1/life-events", key, strings.NewReplacer(reg[0].SNILS, "12345678900", "zags-test-1", "zags-test-2").Replace(event))
	if status != http.StatusBadRequest || !strings.Contains(body, `"resident.snils"`) {
		t.Fatalf("bad SNILS: %d %s", status, body)
	}
	if status, _ := postJSON(t, ts.URL+"/api/v1/life-events", "", event); status != http.StatusUnauthorized {
		t.Fatalf("without a key: %d", status)
	}

	// Accepting opens the pre-filled draft of the services domain.
	var kg proactive.Offer
	for _, o := range data.(proactive.Export).Offers {
		if o.ServiceCode == "kindergarten" && o.Open() {
			kg = o
		}
	}
	resp, err := c.PostForm(ts.URL+"/proactive/offers/"+kg.ID+"/accept", nil)
	if err != nil {
		t.Fatal(err)
	}
	draft, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/services/applications/") ||
		!strings.Contains(string(draft), `value="Дарья"`) || !strings.Contains(string(draft), reg[0].SNILS) {
		t.Fatalf("accept led to %d %s:\n%.2000s", resp.StatusCode, resp.Request.URL, draft)
	}

	offers := func() int {
		o, err := a.Proactive.Overview(sys, luga.ID)
		if err != nil {
			t.Fatal(err)
		}
		return o.Offers[proactive.OfferOpen]
	}
	before := offers()
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if sw, err := a.SweepProactive(ctx); err != nil || sw.Offers != 0 {
		t.Fatalf("sweep after the demo: %+v %v", sw, err)
	}
	if after := offers(); after != before || before < 5 {
		t.Fatalf("open offers %d, then %d after a second demo run", before, after)
	}
}

// postJSON posts body as JSON with an API key and returns the status and body.
func postJSON(t *testing.T, u, key, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
