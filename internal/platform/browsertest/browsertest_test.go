package browsertest

import (
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
)

const goodPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Good</title></head>
<body><header><p>Site</p></header><main><h1>Hello</h1>
<form action="/next" method="get"><label for="q">Query</label><input id="q" name="q">
<label><input type="checkbox" id="agree" name="agree" value="yes"> Agree</label>
<button id="go" type="submit">Go</button></form>
<a id="file" href="/file.json" download>Download</a></main></body></html>`

// badPage breaks two critical rules: an image with no text alternative
// and a button with no name.
const badPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad</title></head>
<body><main><h1>Bad</h1><img src="/x.png"><button id="nameless"></button></main></body></html>`

// brokenPage throws, logs an error and loads a missing stylesheet.
const brokenPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Broken</title>
<link rel="stylesheet" href="/missing.css"></head>
<body><main><h1>Broken</h1><img src="/missing.png" alt="missing"><script>console.error("boom"); null.x;</script></main></body></html>`

const widePage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Wide</title></head>
<body><main><h1>Wide</h1><div style="width:900px">too wide</div></main></body></html>`

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(html string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(html))
		}
	}
	mux.Handle("/{$}", page(goodPage))
	mux.Handle("/bad", page(badPage))
	mux.Handle("/wide", page(widePage))
	mux.Handle("/broken", page(brokenPage))
	mux.HandleFunc("/missing.css", http.NotFound)
	mux.HandleFunc("/missing.png", http.NotFound)
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><title>Next</title></head><body><main><h1 id="q">` +
			r.URL.Query().Get("q") + " " + r.URL.Query().Get("agree") + `</h1></main></body></html>`))
	})
	mux.HandleFunc("/file.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="file.json"`)
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestFormScreenshotAndDownload(t *testing.T) {
	ts := server(t)
	b := New(t)
	b.Open(ts.URL)
	if b.Lang() != "en" {
		t.Fatalf("lang = %q", b.Lang())
	}
	b.Fill("#q", "привет")
	b.Check("#agree")
	b.Check("#agree") // a second call leaves it ticked
	b.Submit("#go")
	b.Contains("#q", "привет", "yes")

	b.Open(ts.URL)
	b.Resize(Phone)
	p := b.Screenshot("good page")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if w := img.Bounds().Dx(); w < int(Phone.Width) {
		t.Errorf("phone screenshot is %d px wide, want at least %d", w, Phone.Width)
	}
	if !strings.HasSuffix(p, "-good_page-phone.png") {
		t.Errorf("screenshot name %q", p)
	}
	if got := string(b.Download("#file")); got != `{"ok":true}` {
		t.Errorf("download = %q", got)
	}
}

func TestAxeFindsSeriousViolations(t *testing.T) {
	ts := server(t)
	b := New(t)
	b.Open(ts.URL)
	if vs := b.Violations(); len(vs) != 0 {
		t.Fatalf("good page: %v", vs)
	}
	b.Open(ts.URL + "/bad")
	var ids []string
	for _, v := range b.Violations() {
		ids = append(ids, v.ID)
		if len(v.Targets) == 0 || v.Help == "" {
			t.Errorf("violation %s has no help or targets", v.ID)
		}
	}
	for _, want := range []string{"image-alt", "button-name"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe on the bad page found %v, want %s among them", ids, want)
		}
	}
}

func TestHorizontalScrollIsCaught(t *testing.T) {
	ts := server(t)
	b := New(t)
	b.Resize(Phone)
	b.Open(ts.URL + "/wide")
	var w struct{ Scroll, Client int }
	b.EvalInto(`({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &w)
	if w.Client != int(Phone.Width) || w.Scroll <= w.Client {
		t.Fatalf("phone viewport: scroll %d, client %d", w.Scroll, w.Client)
	}
	b.Open(ts.URL)
	b.NoHorizontalScroll()
}

func TestPageProblemsAreCaught(t *testing.T) {
	ts := server(t)
	b := New(t)
	b.Open(ts.URL)
	if ps := b.problems.take(); len(ps) != 0 {
		t.Fatalf("good page: %v", ps)
	}
	b.Open(ts.URL + "/broken")
	b.settle()
	got := strings.Join(b.problems.take(), "\n")
	for _, want := range []string{"script error", "console.error: boom", "/missing.png answered 404", "missing.css"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems of the broken page lack %q:\n%s", want, got)
		}
	}
}
