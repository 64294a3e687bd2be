package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// TestOpen311JurisdictionByOKTMO checks, through the whole application
// and the territory tree, that an Open311 jurisdiction_id may be the
// municipality's slug or its OKTMO code, and that a region's code names
// no jurisdiction.
func TestOpen311JurisdictionByOKTMO(t *testing.T) {
	a := newTestApp(t, db.SQLite)
	ctx := context.Background()
	world, err := a.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	muni, err := a.Territory.NodeBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	region, err := a.Territory.Node(ctx, muni.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	if muni.OKTMO == "" || region.OKTMO == "" {
		t.Fatalf("the demo municipality (%q) or its region (%q) has no OKTMO code", muni.OKTMO, region.OKTMO)
	}
	ts := httptest.NewServer(a.Handler())
	t.Cleanup(ts.Close)
	get := func(path string, want int) string {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Fatalf("GET %s: %d, want %d\n%.400s", path, resp.StatusCode, want, b)
		}
		return string(b)
	}
	bySlug := get("/open311/v2/services.json?jurisdiction_id="+muni.Slug, 200)
	byCode := get("/open311/v2/services.json?jurisdiction_id="+muni.OKTMO, 200)
	if bySlug != byCode || !strings.Contains(byCode, `"service_code"`) {
		t.Errorf("services by slug and by OKTMO differ or are empty:\n%.300s\n%.300s", bySlug, byCode)
	}
	if reports := get("/open311/v2/requests.xml?jurisdiction_id="+muni.OKTMO, 200); !strings.Contains(reports, "<service_request_id>") {
		t.Errorf("the demo municipality's reports by OKTMO: %.300s", reports)
	}
	get("/open311/v2/services.json?jurisdiction_id="+region.OKTMO, 404)
	get("/open311/v2/services.xml?jurisdiction_id=99999999", 404)
}
