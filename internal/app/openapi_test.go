package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// TestOpenAPIMatchesRoutes fails when an /api/v1 route is served but not
// documented, or documented but not served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := newTestApp(t, db.SQLite)
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("openapi.json: %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, pattern := range a.Router.Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.json" {
			continue
		}
		path = strings.TrimSuffix(strings.ReplaceAll(path, "{$}", ""), "/")
		served[method+" "+path] = true
	}
	if len(served) == 0 {
		t.Fatal("no API routes registered: the comparison would pass vacuously")
	}
	var problems []string
	for r := range served {
		if !documented[r] {
			problems = append(problems, "served but not documented: "+r)
		}
	}
	for r := range documented {
		if !served[r] {
			problems = append(problems, "documented but not served: "+r)
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}
