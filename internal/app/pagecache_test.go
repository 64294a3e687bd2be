package app_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/territory"
)

// TestHomePageCacheSeesChanges: anonymous visitors get the home page from
// the page cache, and a committed change shows on the very next request.
func TestHomePageCacheSeesChanges(t *testing.T) {
	a := newTestApp(t, db.SQLite)
	ctx := context.Background()
	w, err := a.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page := "/m/" + w.Municipality + "/"
	get := func() (string, string) {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", page, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: %d", page, rec.Code)
		}
		return rec.Body.String(), rec.Header().Get("X-Cache")
	}
	get()
	if _, cache := get(); cache != "hit" {
		t.Fatal("second anonymous request was not served from the cache")
	}
	muni, err := a.Territory.NodeBySlug(ctx, w.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Territory.CreateDepartment(app.AsSystem(ctx), muni.ID, territory.DepartmentInput{
		Code: "arch", NameRU: "Архивный отдел", NameEN: "Archive department", Email: "archive@luga.example",
	}); err != nil {
		t.Fatal(err)
	}
	body, cache := get()
	if cache == "hit" || !strings.Contains(body, "Архивный отдел") {
		t.Fatalf("after a change: X-Cache %q, new department shown: %v", cache, strings.Contains(body, "Архивный отдел"))
	}
}
