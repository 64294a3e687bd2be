// Package browsertest drives Debian's chromium from go test, the way a
// person uses muni: it starts a headless browser with a fresh profile,
// switches between a phone and a desktop viewport, takes full-page
// screenshots that people can look at, downloads files, and runs axe-core
// so that every page a scenario visits is checked for serious or critical
// accessibility violations.
//
// In CI (CI=true) a missing browser or a missing axe-core fails the test;
// elsewhere a missing browser skips it with a message saying what to
// install.
package browsertest
