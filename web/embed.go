// Package web serves the hmkg dashboard: the single-page app built from the
// TypeScript sources in this directory (npm run build, or scripts/web-build)
// into dist/, which is embedded in the binary.
package web

import (
	"bytes"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// notBuilt is served, with status 503, by a binary built before the dashboard was.
const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hmkg: dashboard not built</title></head>
<body><h1>hmkg</h1><p role="alert">dashboard not built: run make web</p>
<p>The GraphQL API is at <a href="/graphql">/graphql</a>.</p></body></html>
`

// Handler serves the embedded dashboard: files from dist/, index.html for "/"
// and for any other path that does not name an asset (the app keeps its state
// in the query string), long-lived caching for the content-hashed files under
// assets/, and a 503 page when the dashboard was not built into the binary.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub only fails on an invalid path; "dist" is valid.
		panic(err)
	}
	return NewHandler(sub)
}

// NewHandler serves a built dashboard from fsys, laid out as dist/ is.
func NewHandler(fsys fs.FS) http.Handler {
	return &spa{fsys: fsys}
}

type spa struct {
	fsys fs.FS
}

func (h *spa) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name != "" && name != "index.html" && !strings.HasPrefix(path.Base(name), ".") {
		if data, modTime, ok := h.file(name); ok {
			if strings.HasPrefix(name, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			http.ServeContent(w, r, name, modTime, bytes.NewReader(data))
			return
		}
		if isAsset(name) {
			http.NotFound(w, r)
			return
		}
	}
	index, modTime, ok := h.file("index.html")
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, notBuilt)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "index.html", modTime, bytes.NewReader(index))
}

// file reads a regular file; ok is false when it is missing or a directory.
func (h *spa) file(name string) (data []byte, modTime time.Time, ok bool) {
	st, err := fs.Stat(h.fsys, name)
	if err != nil || st.IsDir() {
		return nil, time.Time{}, false
	}
	data, err = fs.ReadFile(h.fsys, name)
	if err != nil {
		return nil, time.Time{}, false
	}
	return data, st.ModTime(), true
}

// isAsset reports whether a missing path looked like a file (and so should be
// a 404) rather than a route of the app (which gets index.html).
func isAsset(name string) bool {
	return name == "assets" || strings.HasPrefix(name, "assets/") || path.Ext(name) != ""
}
