// Package pdftest extracts the text of a PDF in tests with poppler-utils'
// pdftotext, and loads the fonts the platform's pdf package needs, failing
// under CI (where .ci/run installs both) and skipping elsewhere.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"github.com/muni-platform/muni/internal/platform/pdf"
)

// missing fails the test under CI and skips it on a developer machine that
// lacks the Debian package.
func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required under CI", what)
	}
	t.Skipf("%s not installed", what)
}

// Fonts loads the fonts from MUNI_FONT_DIR or Debian's default directory.
func Fonts(t testing.TB) *pdf.Fonts {
	t.Helper()
	f, err := pdf.LoadFonts(os.Getenv("MUNI_FONT_DIR"))
	if err != nil {
		missing(t, "fonts-dejavu-core ("+err.Error()+")")
	}
	return f
}

// Text returns the text pdftotext extracts from doc, in reading order.
func Text(t testing.TB, doc []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		missing(t, "pdftotext (poppler-utils)")
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	return out.String()
}
