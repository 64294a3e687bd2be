package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/territory"
)

// TestProactiveImport: the command refuses a file with a bad row naming
// it, records a good one and reports repeats the second time.
func TestProactiveImport(t *testing.T) {
	dir := t.TempDir()
	environ := []string{"MUNI_DATABASE_URL=sqlite:" + filepath.Join(dir, "m.db"), "MUNI_LOG_LEVEL=error", "MUNI_MQTT_LISTEN=off"}
	ctx := context.Background()
	a, done, err := (&cmdEnv{environ: environ}).app(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = territory.SeedDemo(app.AsSystem(ctx), a.Territory) // the demo's "luga"
	done()
	if err != nil {
		t.Fatal(err)
	}
	write := func(snils string) string {
		p := filepath.Join(dir, "events.csv")
		body := "id,type,occurred_on,snils,full_name,birth_date,data\n" +
			"e1,child_born,2026-01-10," + snils + ",Анна Смирнова,1994-05-02,child_key=1|child_name=Мария|child_birth_date=2026-01-10\n"
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out strings.Builder
	runOut := func(args []string) error {
		return cmdProactive(ctx, &cmdEnv{environ: environ, out: &out}, args[1:])
	}
	err = runOut([]string{"proactive", "import", write("11223344596"), "-municipality", "luga"})
	if err == nil || !strings.Contains(out.String(), "row 2: resident.snils") {
		t.Fatalf("bad row: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := runOut([]string{"proactive", "import", write("11223344595"), "-municipality", "luga"}); err != nil || !strings.Contains(out.String(), "1 events recorded") {
		t.Fatalf("good file: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := runOut([]string{"proactive", "import", write("11223344595"), "-municipality", "luga"}); err != nil || !strings.Contains(out.String(), "1 repeated") {
		t.Fatalf("again: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := runOut([]string{"proactive", "sweep"}); err != nil || !strings.Contains(out.String(), "new offers") {
		t.Fatalf("sweep: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"proactive", "import"}, environ); exitCode(err) != 2 {
		t.Fatalf("no file: %v", err)
	}
}
