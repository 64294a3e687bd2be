package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/chromedp/chromedp"
)

// ScreenshotDirEnv names a folder that receives a copy of every
// screenshot, so people can look at what the tests saw.
const ScreenshotDirEnv = "MUNI_SCREENSHOT_DIR"

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// Screenshot saves a full-page PNG of the current page as
// "<nn>-<name>-<viewport>.png" in the test's folder, logs its path, copies
// it to $MUNI_SCREENSHOT_DIR when that is set, and returns the path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	return b.save(name, "", chromedp.FullScreenshot(100))
}

// ScreenshotScreen saves only what fits on the screen — what a person
// sees first — as "<nn>-<name>-<viewport>-screen.png".
func (b *Browser) ScreenshotScreen(name string) string {
	b.t.Helper()
	return b.save(name, "-screen", chromedp.CaptureScreenshot())
}

func (b *Browser) save(name, suffix string, shot chromedp.Action[[]byte]) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	b.shot++
	file := fmt.Sprintf("%02d-%s-%s%s.png", b.shot, unsafeName.ReplaceAllString(name, "_"), b.view.Name, suffix)
	p := filepath.Join(b.dir, file)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatalf("browser: save screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s", p)
	if dir := os.Getenv(ScreenshotDirEnv); dir != "" {
		b.copyOut(dir, b.t.Name(), file, png)
	}
	return p
}

func (b *Browser) copyOut(dir, test, file string, png []byte) {
	b.t.Helper()
	sub := filepath.Join(dir, unsafeName.ReplaceAllString(test, "_"))
	if err := os.MkdirAll(sub, 0o755); err != nil {
		b.t.Fatalf("browser: %s: %v", ScreenshotDirEnv, err)
	}
	if err := os.WriteFile(filepath.Join(sub, file), png, 0o644); err != nil {
		b.t.Fatalf("browser: %s: %v", ScreenshotDirEnv, err)
	}
}

// Both screenshots the current page at phone and desktop width, checks
// that neither scrolls sideways, runs axe-core at each width and fails on
// the page's script and loading errors; it leaves the browser at the
// viewport it found.
func (b *Browser) Both(name string) {
	b.t.Helper()
	was := b.view
	for _, v := range []Viewport{Phone, Desktop} {
		start := time.Now()
		b.Resize(v)
		b.NoHorizontalScroll()
		b.Screenshot(name)
		shot := time.Since(start)
		b.Axe(name)
		b.t.Logf("%s (%s): screenshot %v, axe %v", name, v.Name, shot.Round(time.Millisecond), (time.Since(start) - shot).Round(time.Millisecond))
	}
	b.Resize(was)
	b.NoPageErrors(name)
}
