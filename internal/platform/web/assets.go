package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed all:static
var staticFS embed.FS

// VendorFiles are the npm-installed files the pages load; `npm ci` copies
// them into static/vendor (see scripts/vendor-assets.mjs).
var VendorFiles = []string{
	"vendor/htmx.min.js",
	"vendor/leaflet/leaflet.js",
	"vendor/leaflet/leaflet.css",
	"vendor/leaflet/images/marker-icon.png",
	"vendor/leaflet/images/marker-icon-2x.png",
	"vendor/leaflet/images/marker-shadow.png",
	"vendor/leaflet/images/layers.png",
	"vendor/leaflet/images/layers-2x.png",
	"vendor/uplot/uPlot.iife.min.js",
	"vendor/uplot/uPlot.min.css",
}

// Assets serves static files under content-hashed URLs so they can be
// cached forever.
type Assets struct {
	fs     fs.FS
	hashed map[string]string // name -> /static/<hash>/name
}

// NewAssets hashes every embedded static file.
func NewAssets() (*Assets, error) {
	a := &Assets{fs: Sub(staticFS, "static"), hashed: map[string]string{}}
	err := fs.WalkDir(a.fs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(a.fs, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashed[p] = "/static/" + hex.EncodeToString(sum[:])[:12] + "/" + p
		return nil
	})
	return a, err
}

// URL is the hashed URL of name; an unknown name returns a path that 404s
// and that the page test reports.
func (a *Assets) URL(name string) string {
	if u, ok := a.hashed[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// Missing lists vendor files that are not embedded: `npm ci` was not run.
func (a *Assets) Missing() []string {
	var out []string
	for _, f := range VendorFiles {
		if _, ok := a.hashed[f]; !ok {
			out = append(out, f)
		}
	}
	return out
}

// Handler serves GET /static/{hash}/{path...}.
func (a *Assets) Handler() http.Handler {
	files := http.FileServerFS(a.fs)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("path")
		hashed, ok := a.hashed[name]
		if !ok || strings.Contains(name, "..") {
			http.NotFound(w, r)
			return
		}
		// A URL a stylesheet resolves relative to itself (Leaflet's
		// images/marker-icon.png) carries the stylesheet's hash, not the
		// file's: serve it, but cache it only briefly.
		if hashed == r.URL.Path {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		files.ServeHTTP(w, r2)
	})
}
