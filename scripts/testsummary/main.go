// Command testsummary reads `go test -json` on standard input and prints
// what plain `go test` prints — build errors, the output of failed tests,
// one "ok"/"FAIL" line per package — followed by a summary: the skipped
// tests with their reasons and the counts of passed, failed and skipped
// tests. It exits 1 when anything failed, so `make test` fails with it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string
}

type key struct{ pkg, test string }

type summary struct {
	out                  io.Writer
	buffered             map[key][]string
	passed, failed, skip int
	badPkgs              int
	skipped              []string
	failedNames          []string
}

func main() {
	s := &summary{out: os.Stdout, buffered: map[key][]string{}}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			fmt.Fprintln(s.out, sc.Text()) // not JSON: a go command error, pass it on
			continue
		}
		s.add(ev)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if !s.report() {
		os.Exit(1)
	}
}

// add handles one event.
func (s *summary) add(ev event) {
	switch {
	case ev.Action == "build-output":
		fmt.Fprint(s.out, ev.Output)
	case ev.Test == "":
		s.packageEvent(ev)
	default:
		s.testEvent(ev)
	}
}

// packageEvent prints a package's own lines, as plain go test would.
func (s *summary) packageEvent(ev event) {
	switch ev.Action {
	case "output":
		if t := strings.TrimSpace(ev.Output); t != "PASS" && !strings.HasPrefix(t, "=== ") {
			fmt.Fprint(s.out, ev.Output)
		}
	case "fail":
		s.badPkgs++
	}
}

// testEvent keeps a test's output until it ends, then prints it only when
// the test failed.
func (s *summary) testEvent(ev event) {
	k := key{ev.Package, ev.Test}
	switch ev.Action {
	case "output":
		if !strings.HasPrefix(strings.TrimSpace(ev.Output), "=== ") {
			s.buffered[k] = append(s.buffered[k], ev.Output)
		}
	case "pass":
		s.passed++
		delete(s.buffered, k)
	case "skip":
		s.skip++
		s.skipped = append(s.skipped, fmt.Sprintf("%s %s: %s", short(ev.Package), ev.Test, reason(s.buffered[k])))
		delete(s.buffered, k)
	case "fail":
		s.failed++
		s.failedNames = append(s.failedNames, short(ev.Package)+" "+ev.Test)
		for _, line := range s.buffered[k] {
			fmt.Fprint(s.out, line)
		}
		delete(s.buffered, k)
	}
}

// report prints the summary and says whether everything passed.
func (s *summary) report() bool {
	w := s.out
	// A test that never ended (a panic elsewhere, a timeout) keeps its
	// output here: show it, it is what explains the failure.
	for k, lines := range s.buffered {
		fmt.Fprintf(w, "--- unfinished: %s %s\n", short(k.pkg), k.test)
		s.failed++
		s.failedNames = append(s.failedNames, short(k.pkg)+" "+k.test+" (did not finish)")
		for _, line := range lines {
			fmt.Fprint(w, line)
		}
	}
	fmt.Fprintln(w, "\n──────── test summary ────────")
	sort.Strings(s.skipped)
	for _, line := range s.skipped {
		fmt.Fprintln(w, "skipped:", line)
	}
	for _, name := range s.failedNames {
		fmt.Fprintln(w, "failed: ", name)
	}
	if s.badPkgs > 0 {
		fmt.Fprintf(w, "packages that failed or did not build: %d\n", s.badPkgs)
	}
	fmt.Fprintf(w, "Tests: %d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skip)
	ok := s.failed == 0 && s.badPkgs == 0
	if !ok {
		fmt.Fprintln(w, "FAIL")
	}
	return ok
}

// reason is the message a skipped test gave, without the "--- SKIP" line.
func reason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}

func short(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/muni-platform/muni/")
}
