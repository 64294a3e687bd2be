package browsertest

import (
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download clicks the link or button css selects, waits until the browser
// has saved the file it starts, and returns the file's content.
func (b *Browser) Download(css string) []byte {
	b.t.Helper()
	dir := filepath.Join(b.dir, "downloads")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	on := true
	if _, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on,
	}); err != nil {
		b.t.Fatalf("browser: allow downloads: %v", err)
	}
	ctx, cancel := b.step()
	defer cancel()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	b.Do(chromedp.Click(chromedp.CSS(css)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("browser: download from %s: %v", css, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatalf("browser: read download: %v", err)
			}
			b.t.Logf("download: %s (%d bytes)", filepath.Join(dir, ev.GUID), len(data))
			return data
		case browser.DownloadProgressStateCanceled:
			b.t.Fatalf("browser: download from %s was canceled", css)
		}
	}
	b.t.Fatalf("browser: download from %s never finished", css)
	return nil
}
