package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// axeRun runs axe-core on the whole document with the WCAG 2 A/AA and
// best-practice rules and returns only what a test fails on: violations
// of serious or critical impact.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  resultTypes: ["violations"]
}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.replace(/\s+/g, " ") : ""))})))`

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// String is the violation as the failure message lists it.
func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s\n      %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n      "))
}

var axeSource struct {
	once sync.Once
	js   string
	err  error
}

// AxeSource reads axe.min.js from node_modules at the module root; it is
// read by the tests only and never served.
func AxeSource() (string, error) {
	axeSource.once.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			axeSource.err = err
			return
		}
		b, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axeSource.err = fmt.Errorf("axe-core is not installed (run npm ci): %w", err)
			return
		}
		axeSource.js = string(b)
	})
	return axeSource.js, axeSource.err
}

// ModuleRoot is the nearest folder above the working directory that holds
// go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("browsertest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Violations runs axe-core on the current page and returns its serious
// and critical violations.
func (b *Browser) Violations() []Violation {
	b.t.Helper()
	src, err := AxeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		b.t.Fatalf("browser: inject axe-core: %v", err)
	}
	var out []Violation
	b.EvalInto(axeRun, &out)
	return out
}

// Axe fails the test when the current page has a serious or critical
// accessibility violation, listing each rule, its help and the elements.
func (b *Browser) Axe(page string) {
	b.t.Helper()
	vs := b.Violations()
	if len(vs) == 0 {
		return
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = "  - " + v.String()
	}
	b.t.Errorf("axe-core: %s (%s, %s) has %d serious or critical violation(s):\n%s",
		page, b.view.Name, b.Location(), len(vs), strings.Join(lines, "\n"))
}
