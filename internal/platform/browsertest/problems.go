package browsertest

import (
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// pageProblems collects what goes wrong inside pages while a test runs:
// uncaught script errors, stylesheets, scripts or images that fail to
// load, and requests the content security policy refuses. A person would
// not see most of them, but each one is a broken map, menu or style.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *pageProblems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

// take returns the problems collected so far and forgets them.
func (p *pageProblems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.list
	p.list = nil
	return out
}

// watch starts collecting the tab's problems.
func (b *Browser) watch() error {
	return chromedp.Listen(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			text := e.ExceptionDetails.Text
			if ex := e.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
				text += " " + ex.Description
			}
			b.problems.add("script error: %s (%s:%d)", text, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber)
		case *network.EventResponseReceived:
			// A page may answer 404 on purpose; what it loads may not
			// (the browser's own guess at /favicon.ico aside).
			if e.Type != network.ResourceTypeDocument && e.Response.Status >= 400 && !strings.HasSuffix(e.Response.URL, "/favicon.ico") {
				b.problems.add("%s %s answered %d", e.Type, e.Response.URL, e.Response.Status)
			}
		case *log.EventEntryAdded:
			src := e.Entry.Source
			if e.Entry.Level == log.EntryLevelError && (src == log.EntrySourceSecurity || src == log.EntrySourceJavascript) {
				b.problems.add("%s: %s %s", src, e.Entry.Text, e.Entry.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				b.problems.add("console.error: %s", strings.Join(parts, " "))
			}
		}
	})
}

// NoPageErrors fails the test when a page since the last check threw a
// script error, failed to load something it uses, or broke the content
// security policy.
func (b *Browser) NoPageErrors(page string) {
	b.t.Helper()
	if ps := b.problems.take(); len(ps) > 0 {
		b.t.Errorf("browser: %s (%s) has problems:\n  - %s", page, b.Location(), strings.Join(ps, "\n  - "))
	}
}
