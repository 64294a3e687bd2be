package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers enforces ARCHITECTURE.md: a domain never imports another
// domain, and platform never imports a domain. Only app knows them all.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/muni-platform/muni/internal/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const root = "github.com/muni-platform/muni/internal/"
	top := func(p string) string { return strings.SplitN(strings.TrimPrefix(p, root), "/", 2)[0] }
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		from := top(fields[0])
		if from == "app" {
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, root) {
				continue
			}
			checked++
			to := top(imp)
			if to == from || to == "platform" {
				continue
			}
			if from == "platform" {
				t.Errorf("%s (platform) imports domain package %s", fields[0], imp)
			} else {
				t.Errorf("domain %s imports another domain: %s", fields[0], imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no internal imports seen: the check would pass vacuously")
	}
}
