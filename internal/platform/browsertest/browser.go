package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Timeout bounds one browser session, so a page that never answers fails
// the test instead of hanging it.
const Timeout = 8 * time.Minute

// StepTimeout bounds one step: an element that never appears fails the
// step (and names it) instead of using up the session.
const StepTimeout = 30 * time.Second

// Viewports a scenario checks: the narrowest phone muni supports and an
// ordinary laptop.
var (
	Phone   = Viewport{Name: "phone", Width: 360, Height: 800, Mobile: true}
	Desktop = Viewport{Name: "desktop", Width: 1280, Height: 900}
)

// Viewport is a screen size the browser emulates.
type Viewport struct {
	Name          string
	Width, Height int64
	Mobile        bool
}

// Browser is one headless chromium tab bound to a test.
type Browser struct {
	t    testing.TB
	ctx  context.Context
	view Viewport
	dir  string // where screenshots and downloads go
	shot int    // screenshots taken, to number their files

	problems pageProblems
}

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" }

// New starts chromium for t with a fresh profile and closes it when the
// test ends. Without chromium the test fails in CI and is skipped
// elsewhere.
func New(t testing.TB) *Browser {
	t.Helper()
	requireChromium(t)
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("hide-scrollbars", true),
		// Russian first, as muni is: a new visitor gets the Russian pages.
		chromedp.Flag("lang", "ru-RU"),
		chromedp.Flag("accept-lang", "ru-RU,ru"),
		chromedp.Flag("force-color-profile", "srgb"),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelTab := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	// Start the browser on the session's own context: a step's shorter
	// context would end the browser with the step.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("browser: start %s: %v", ChromiumPath, err)
	}
	b := &Browser{t: t, ctx: bctx, dir: t.TempDir()}
	if err := b.watch(); err != nil {
		t.Fatalf("browser: watch the tab: %v", err)
	}
	b.Resize(Desktop)
	return b
}

func requireChromium(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err == nil {
		return
	}
	msg := "browser test needs Debian's chromium at " + ChromiumPath + " (apt-get install -y chromium)"
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg + "; skipped outside CI")
}

// Context is the chromedp context of the tab, for actions the helpers do
// not cover.
func (b *Browser) Context() context.Context { return b.ctx }

// Dir is the test's folder of screenshots and downloads.
func (b *Browser) Dir() string { return b.dir }

// Do runs actions in order and fails the test at the first error.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v (at %s)", err, b.Location())
	}
}

// step is the context of one step, bounded by StepTimeout.
func (b *Browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, StepTimeout)
}

// Resize switches the emulated screen.
func (b *Browser) Resize(v Viewport) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if v.Mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.Do(chromedp.EmulateViewport(v.Width, v.Height, opts...))
	b.view = v
	b.settle()
}

// settle waits two animation frames, so the page's resize handlers and
// layout have run before the next check looks at it.
func (b *Browser) settle() {
	b.t.Helper()
	if loc := b.Location(); loc == "" || loc == "about:blank" {
		return
	}
	b.Do(chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))`, chromedp.EvalAwaitPromise))
}

// Location is the URL of the current page ("" when it cannot be read).
func (b *Browser) Location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return ""
	}
	return loc
}
