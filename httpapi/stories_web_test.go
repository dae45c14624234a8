package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hmkg/hmkg/httpapi"
	"github.com/hmkg/hmkg/web"
)

// storySite is the whole API with a stand-in dashboard build and one story.
func storySite(t *testing.T, cfg httpapi.Config) http.Handler {
	t.Helper()
	keys, err := httpapi.ParseAPIKeys("tester:" + testKey)
	if err != nil {
		t.Fatal(err)
	}
	page := func(name string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("<!doctype html><html><head><title>" + name + "</title></head><body>" + name + "</body></html>")}
	}
	cfg.Store = memstoreWithCurated(t)
	cfg.APIKeys = keys
	cfg.Dashboard = web.NewHandler(fstest.MapFS{"index.html": page("dashboard"), "embed.html": page("embed"), "graphiql.html": page("graphiql")})
	h := httpapi.New(cfg)
	c := &client{TB: t, H: h}
	res := c.Post(`mutation($in: StoryInput!) { upsertStory(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"id": "act-up-story", "title": "ACT UP & its <chapters>", "summary": "How ACT UP grew.",
		"steps": []any{
			map[string]any{"view": map[string]any{"seeds": []string{"act-up"}, "depth": 1}, "caption": "**ACT UP** was founded in 1987.", "citedNodeIds": []string{"act-up"}},
			map[string]any{"view": map[string]any{"seeds": []string{"act-up-london"}}, "caption": "A chapter.", "citedRelationshipIds": []string{"act-up-london:PART_OF:act-up"}},
		},
	}}, auth()...)
	if len(res.Errors) > 0 {
		t.Fatalf("create story: %+v", res.Errors)
	}
	return h
}

func getPage(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://hmkg.test"+target, nil))
	return rec
}

// Every page has the strict policy and may not be framed, except /embed/.
func TestSecurityHeaders(t *testing.T) {
	h := storySite(t, httpapi.Config{})
	for _, target := range []string{"/", "/graphiql", "/s/act-up-story", "/s/act-up-story/1", "/anything/else", "/graphql?query={stats{nodeCount}}", "/healthz", "/oembed?url=/s/act-up-story"} {
		rec := getPage(t, h, target)
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-eval") || strings.Contains(regexp.MustCompile(`script-src[^;]*`).FindString(csp), "unsafe-inline") {
			t.Errorf("%s: CSP %q allows inline or eval'd scripts", target, csp)
		}
		// Styles only from the server's files (GraphiQL: and its nonce).
		if style := regexp.MustCompile(`style-src[^;]*`).FindString(csp); style != "style-src 'self'" &&
			!(target == "/graphiql" && regexp.MustCompile(`^style-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' *$`).MatchString(style)) {
			t.Errorf("%s: CSP %q: want style-src 'self' (no inline style)", target, csp)
		}
		if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s: X-Frame-Options %q, want DENY", target, got)
		}
	}
	rec := getPage(t, h, "/graphiql")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<title>graphiql</title>") {
		t.Errorf("/graphiql: %d %q, want the built graphiql.html", rec.Code, rec.Body.String())
	}
	// GraphiQL's page carries the nonce of its policy, fresh each time.
	nonce := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(rec.Header().Get("Content-Security-Policy"))
	if nonce == nil || !strings.Contains(rec.Body.String(), `<meta name="csp-nonce" content="`+nonce[1]+`" />`) {
		t.Errorf("/graphiql: the page does not carry its policy's nonce: %q", rec.Body.String())
	}
	if again := getPage(t, h, "/graphiql").Header().Get("Content-Security-Policy"); nonce != nil && strings.Contains(again, nonce[1]) {
		t.Error("/graphiql: the nonce was reused")
	}
}

func TestEmbedFraming(t *testing.T) {
	rec := getPage(t, storySite(t, httpapi.Config{}), "/embed/s/act-up-story/1")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<title>embed</title>") {
		t.Fatalf("embed: %d %q", rec.Code, rec.Body.String())
	}
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors *") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("embed CSP %q: want frame-ancestors * and the strict script policy", csp)
	}
	if x := rec.Header().Get("X-Frame-Options"); x != "" {
		t.Errorf("embed X-Frame-Options %q, want none", x)
	}

	h := storySite(t, httpapi.Config{EmbedOrigins: []string{"https://blog.example", "https://cms.example"}})
	rec = getPage(t, h, "/embed/s/act-up-story")
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors https://blog.example https://cms.example") {
		t.Errorf("embed CSP with origins: %q", csp)
	}
	if rec := getPage(t, h, "/embed/s/no-such-story"); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "<title>embed</title>") {
		t.Errorf("embed of a missing story: %d, want 404 with the page (which says so)", rec.Code)
	}
}

func TestPermalinkDiscovery(t *testing.T) {
	h := storySite(t, httpapi.Config{})
	rec := getPage(t, h, "/s/act-up-story/1")
	body := rec.Body.String()
	want := `<link rel="alternate" type="application/json+oembed" href="http://hmkg.test/oembed?format=json&amp;url=http%3A%2F%2Fhmkg.test%2Fs%2Fact-up-story%2F1" title="ACT UP &amp; its &lt;chapters&gt;" />`
	if rec.Code != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, "<title>dashboard</title>") {
		t.Errorf("permalink: %d\n%s\nwant the dashboard with %s", rec.Code, body, want)
	}
	if rec := getPage(t, h, "/s/no-such-story"); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "oembed") {
		t.Errorf("missing story: %d %q", rec.Code, rec.Body.String())
	}
	if rec := getPage(t, h, "/s/act-up-story/x"); rec.Code != http.StatusBadRequest {
		t.Errorf("bad step: %d, want 400", rec.Code)
	}
}

func TestOEmbed(t *testing.T) {
	h := storySite(t, httpapi.Config{PublicURL: "https://hmkg.example.org/"})
	rec := getPage(t, h, "/oembed?format=json&maxwidth=600&url="+strings.ReplaceAll("https://hmkg.example.org/s/act-up-story/1", ":", "%3A"))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("oembed: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	var o map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"version": "1.0", "type": "rich", "title": "ACT UP & its <chapters>", "author_name": "tester",
		"provider_url": "https://hmkg.example.org/", "width": 600.0, "height": 520.0} {
		if o[k] != v {
			t.Errorf("oembed %s = %v, want %v", k, o[k], v)
		}
	}
	wantHTML := `<iframe src="https://hmkg.example.org/embed/s/act-up-story/1" width="600" height="520" title="ACT UP &amp; its &lt;chapters&gt;"`
	if s, _ := o["html"].(string); !strings.HasPrefix(s, wantHTML) {
		t.Errorf("oembed html %q, want it to start %q", s, wantHTML)
	}
	for target, status := range map[string]int{
		"/oembed?url=https://hmkg.example.org/s/act-up-story&format=xml": http.StatusNotImplemented,
		"/oembed?format=json":                           http.StatusBadRequest,
		"/oembed?url=https://hmkg.example.org/about":    http.StatusNotFound,
		"/oembed?url=https://hmkg.example.org/s/nope":   http.StatusNotFound,
		"/oembed?url=/embed/s/act-up-story&maxheight=0": http.StatusBadRequest,
	} {
		if rec := getPage(t, h, target); rec.Code != status || !strings.Contains(rec.Body.String(), `"code"`) {
			t.Errorf("%s: %d %s, want %d with an error code", target, rec.Code, rec.Body.String(), status)
		}
	}
}

// The export is one file: its only script is inline and allowed by its
// hash, and nothing in it points at a network resource to load.
func TestStoryExportHTML(t *testing.T) {
	rec := getPage(t, storySite(t, httpapi.Config{}), "/s/act-up-story/export.html")
	if rec.Code != http.StatusOK {
		t.Fatalf("export: %d %s", rec.Code, rec.Body.String())
	}
	body := rec.Body.String()
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'none'; script-src 'sha256-") || !strings.Contains(body, `http-equiv="Content-Security-Policy"`) {
		t.Errorf("export CSP header %q / meta missing", csp)
	}
	for _, bad := range []string{" src=", "<link", "@import", "url(http"} {
		if strings.Contains(body, bad) {
			t.Errorf("export contains %q: it would load something", bad)
		}
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="story-data">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no story data in the export")
	}
	var data struct {
		Story struct {
			Title string
			Steps []struct {
				CaptionHTML string `json:"captionHtml"`
				CitedNodes  []struct {
					Sources []struct{ URL string }
				} `json:"citedNodes"`
				Graph struct {
					Nodes []struct{ ID string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
		t.Fatal(err)
	}
	if data.Story.Title != "ACT UP & its <chapters>" || len(data.Story.Steps) != 2 {
		t.Fatalf("export data: %+v", data.Story)
	}
	s0 := data.Story.Steps[0]
	if !strings.Contains(s0.CaptionHTML, "<strong>ACT UP</strong>") || len(s0.CitedNodes) != 1 || len(s0.CitedNodes[0].Sources) == 0 || len(s0.Graph.Nodes) < 2 {
		t.Errorf("step 0 in the export: %+v", s0)
	}
	if rec := getPage(t, storySite(t, httpapi.Config{}), "/s/nope/export.html"); rec.Code != http.StatusNotFound {
		t.Errorf("export of a missing story: %d", rec.Code)
	}
}
