package transport

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/placetest"
)

var sets = []db.Migrations{audit.Migrations, Migrations}

// Two municipalities: tests prove one never sees the other's feeds.
var (
	muniA = Municipality{ID: "muni-a", Path: "/region/muni-a/", Slug: "alpha", Name: "Альфа", TimeZone: "Europe/Moscow"}
	muniB = Municipality{ID: "muni-b", Path: "/region/muni-b/", Slug: "beta", Name: "Бета", TimeZone: "Asia/Yekaterinburg"}
)

// places are the municipalities ms, found by id and slug as territory would.
func places(ms ...Municipality) placetest.Places[Municipality] {
	return placetest.New(func(m Municipality) (string, string) { return m.ID, m.Slug }, notFound, ms...)
}

func adminOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: "admin-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopeID: m.ID, ScopePath: m.Path}}}
}

func operatorOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: "op-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: m.ID, ScopePath: m.Path}}}
}

func newService(d *db.DB) *Service {
	now := time.Date(2019, 5, 6, 9, 0, 0, 0, time.UTC)
	return New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Now: func() time.Time { return now }})
}

func as(a *auth.Actor) context.Context { return auth.With(context.Background(), a) }

// sampleDir is the npm package sample-gtfs-feed's folder; the build
// installs it (npm ci).
func sampleDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "node_modules", "sample-gtfs-feed", "gtfs")
	if _, err := os.Stat(filepath.Join(dir, "stops.txt")); err != nil {
		t.Fatalf("sample-gtfs-feed is missing (run npm ci): %v", err)
	}
	return dir
}

// copyFeed copies a feed folder to a temp dir, changing files by edit
// (name → new content; "" deletes the file).
func copyFeed(t testing.TB, from string, edit map[string]string) string {
	t.Helper()
	to := t.TempDir()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range edit {
		p := filepath.Join(to, name)
		if content == "" {
			os.Remove(p)
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// zipFeed packs a folder into a zip file and returns its path.
func zipFeed(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "feed.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// dataLines counts a CSV file's non-blank lines after the header: the
// rows a plain reading of the file says it has.
func dataLines(t testing.TB, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	return n
}

func importDir(t *testing.T, svc *Service, m Municipality, dir string) Feed {
	t.Helper()
	src, err := OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return importSource(t, svc, m, filepath.Base(dir), src)
}

// importZip imports the zipped feed b as m's administrator.
func importZip(t *testing.T, svc *Service, m Municipality, name string, b []byte) Feed {
	t.Helper()
	src, err := ZipSource(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return importSource(t, svc, m, name, src)
}

func importSource(t *testing.T, svc *Service, m Municipality, name string, src Source) Feed {
	t.Helper()
	f, err := svc.Import(as(adminOf(m)), m.ID, name, src)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return f
}

func codes(f Feed) map[string]int {
	out := map[string]int{}
	for _, g := range f.Notices {
		out[g.Code] = g.Total
	}
	return out
}
