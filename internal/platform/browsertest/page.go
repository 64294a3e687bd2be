package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// Open navigates to url and fails the test unless the page answers with
// a status below 400.
func (b *Browser) Open(url string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.t.Fatalf("browser: open %s: %v", url, err)
	}
	if resp != nil && resp.Status >= 400 {
		b.t.Fatalf("browser: open %s: status %d", url, resp.Status)
	}
	b.waitLoaded()
}

// Fill types value into the form field css selects, replacing what it held.
func (b *Browser) Fill(css, value string) {
	b.t.Helper()
	b.Do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), value))
}

// Check ticks the checkbox css selects, as a person clicking it would.
func (b *Browser) Check(css string) {
	b.t.Helper()
	if b.Eval(fmt.Sprintf(`document.querySelector(%q).checked`, css)) == "true" {
		return
	}
	b.Do(chromedp.Click(chromedp.CSS(css)))
}

// Select chooses the option with value in the select css selects.
func (b *Browser) Select(css, value string) {
	b.t.Helper()
	b.Do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.SetValue(chromedp.CSS(css), value))
}

// Submit clicks the button css selects and waits for the page it leads to.
func (b *Browser) Submit(css string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("browser: submit %s: %v (at %s)", css, err, b.Location())
	}
	if resp != nil && resp.Status >= 500 {
		b.t.Fatalf("browser: submit %s: status %d at %s", css, resp.Status, b.Location())
	}
	b.waitLoaded()
}

// Follow clicks the link css selects and waits for the next page.
func (b *Browser) Follow(css string) { b.t.Helper(); b.Submit(css) }

// Text is the visible text of the first element css selects.
func (b *Browser) Text(css string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v (at %s)", css, err, b.Location())
	}
	return s
}

// Has reports whether an element matches css on the current page.
func (b *Browser) Has(css string) bool {
	b.t.Helper()
	return b.Eval(fmt.Sprintf(`document.querySelector(%q) !== null`, css)) == "true"
}

// Contains fails the test unless the text of css holds every want.
func (b *Browser) Contains(css string, want ...string) {
	b.t.Helper()
	got := b.Text(css)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Fatalf("browser: %s at %s: want %q in text %q", css, b.Location(), w, got)
		}
	}
}

// Eval runs a JavaScript expression and returns its result as JSON text
// (a string result comes back quoted).
func (b *Browser) Eval(expr string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: eval %s: %v", expr, err)
	}
	return string(raw)
}

// EvalInto runs a JavaScript expression and decodes its result into v.
func (b *Browser) EvalInto(expr string, v any) {
	b.t.Helper()
	if err := json.Unmarshal([]byte(b.Eval(expr)), v); err != nil {
		b.t.Fatalf("browser: decode result of %s: %v", expr, err)
	}
}

// Lang is the lang attribute of the page's root element.
func (b *Browser) Lang() string {
	b.t.Helper()
	var lang string
	b.EvalInto(`document.documentElement.lang`, &lang)
	return lang
}

// NoHorizontalScroll fails the test when the page is wider than the
// screen: at 360 px nothing may force a person to scroll sideways.
func (b *Browser) NoHorizontalScroll() {
	b.t.Helper()
	var w struct{ Scroll, Client int }
	b.EvalInto(`({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &w)
	if w.Scroll > w.Client {
		b.t.Errorf("browser: %s is %d px wide on a %d px %s screen", b.Location(), w.Scroll, w.Client, b.view.Name)
	}
}

// waitLoaded waits until the document and its resources have loaded.
func (b *Browser) waitLoaded() {
	b.t.Helper()
	b.Do(chromedp.WaitReady(chromedp.CSS("body")))
	ctx, cancel := b.step()
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete"`)); err != nil {
		b.t.Fatalf("browser: page at %s did not finish loading: %v", b.Location(), err)
	}
}

// OpenAny navigates to url and waits for the page whatever its status, for
// checks that cover error pages too.
func (b *Browser) OpenAny(url string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(url))
	b.waitLoaded()
}
