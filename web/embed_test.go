package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, target string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

var built = fstest.MapFS{
	"index.html":             {Data: []byte("<!doctype html><title>hmkg</title><div id=app></div>")},
	"assets/index-abc12.js":  {Data: []byte("console.log('hi')")},
	"assets/index-abc12.css": {Data: []byte("body{}")},
	"favicon.svg":            {Data: []byte("<svg/>")},
	".keep":                  {Data: nil},
}

func TestHandlerServesIndexForAppRoutes(t *testing.T) {
	h := NewHandler(built)
	for _, target := range []string{"/", "/index.html", "/?n=act-up&sel=act-up", "/explore/act-up", "/a/b/c"} {
		res := get(t, h, http.MethodGet, target)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d, want 200", target, res.StatusCode)
		}
		if b := body(t, res); !strings.Contains(b, "<title>hmkg</title>") {
			t.Errorf("GET %s: body %q is not index.html", target, b)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", target, ct)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", target, cc)
		}
	}
}

func TestHandlerCachesHashedAssets(t *testing.T) {
	h := NewHandler(built)
	res := get(t, h, http.MethodGet, "/assets/index-abc12.js")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	if b := body(t, res); b != "console.log('hi')" {
		t.Errorf("body %q", b)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q, want a long immutable cache", cc)
	}
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("Content-Type %q, want javascript", ct)
	}
	res = get(t, h, http.MethodGet, "/assets/index-abc12.css")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("css Content-Type %q", ct)
	}
	// Unhashed top-level files are revalidated.
	res = get(t, h, http.MethodGet, "/favicon.svg")
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("favicon: status %d Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}

func TestHandlerMissingAssetIs404(t *testing.T) {
	h := NewHandler(built)
	for _, target := range []string{"/assets/gone-123.js", "/robots.txt", "/assets/"} {
		res := get(t, h, http.MethodGet, target)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, res.StatusCode)
		}
	}
}

func TestHandlerHidesDotFilesAndEscapes(t *testing.T) {
	h := NewHandler(built)
	// .keep exists but is not served as itself; "../" cannot climb out of the FS.
	for _, target := range []string{"/.keep", "/../../etc/passwd", "/assets/../index.html"} {
		res := get(t, h, http.MethodGet, target)
		b := body(t, res)
		if res.StatusCode == http.StatusOK && !strings.Contains(b, "<title>hmkg</title>") {
			t.Errorf("GET %s: served %q", target, b)
		}
	}
}

func TestHandlerRejectsWrites(t *testing.T) {
	h := NewHandler(built)
	res := get(t, h, http.MethodPost, "/")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /: status %d, want 405", res.StatusCode)
	}
	if allow := res.Header.Get("Allow"); allow != "GET, HEAD" {
		t.Errorf("Allow %q", allow)
	}
	res = get(t, h, http.MethodHead, "/")
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD /: status %d", res.StatusCode)
	}
}

func TestHandlerNotBuilt(t *testing.T) {
	h := NewHandler(fstest.MapFS{".keep": {Data: nil}})
	for _, target := range []string{"/", "/some/route"} {
		res := get(t, h, http.MethodGet, target)
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("GET %s: status %d, want 503", target, res.StatusCode)
		}
		if b := body(t, res); !strings.Contains(b, "dashboard not built: run make web") {
			t.Errorf("GET %s: body %q lacks the hint", target, b)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q", ct)
		}
	}
}

// TestEmbeddedHandler checks the real embedded dist/: either a built
// dashboard (index.html and its assets) or the 503 page, never anything else.
func TestEmbeddedHandler(t *testing.T) {
	h := Handler()
	res := get(t, h, http.MethodGet, "/")
	b := body(t, res)
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("unbuilt dashboard: status %d, want 503", res.StatusCode)
		}
		return
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(b, `<div id="cy"`) {
		t.Fatalf("built dashboard: status %d, body does not look like the app", res.StatusCode)
	}
	assets, err := fs.ReadDir(sub, "assets")
	if err != nil || len(assets) == 0 {
		t.Fatalf("built dashboard has no assets: %v", err)
	}
	for _, a := range assets {
		if !strings.Contains(b, "/assets/"+a.Name()) {
			continue
		}
		r := get(t, h, http.MethodGet, "/assets/"+a.Name())
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET /assets/%s: status %d", a.Name(), r.StatusCode)
		}
	}
}
