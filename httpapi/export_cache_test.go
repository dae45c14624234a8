package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/httpapi"
)

func getWith(h http.Handler, target string, header map[string]string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	h.ServeHTTP(rec, req)
	return rec
}

// TestExportCacheAndGephiLite: the link the dashboard gives Gephi Lite is
// cacheable (ETag from dataset and selection, public max-age, 304 on a
// match), changes its ETag when the data changes, and answers Gephi
// Lite's origin with CORS; errors are not cached and other origins get no
// CORS headers from the export.
func TestExportCacheAndGephiLite(t *testing.T) {
	s := memstoreWithCurated(t)
	h := httpapi.New(httpapi.Config{Store: s, CORSOrigins: []string{"https://dash.example.org"}})
	const target = "/export?format=gexf&seed=act-up&depth=2"
	gephi := map[string]string{"Origin": httpapi.GephiLiteOrigin}
	first := getWith(h, target, gephi)
	if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), "<gexf") {
		t.Fatalf("status %d: %.200s", first.Code, first.Body)
	}
	tag := first.Header().Get("ETag")
	if len(tag) < 10 || first.Header().Get("Cache-Control") != "public, max-age=300" ||
		first.Header().Get("Access-Control-Allow-Origin") != httpapi.GephiLiteOrigin ||
		!strings.Contains(first.Header().Get("Access-Control-Expose-Headers"), "Content-Disposition") {
		t.Errorf("headers %v", first.Header())
	}
	// Same selection spelt differently: same ETag. Another selection: another.
	if got := getWith(h, "/export?depth=2&seed=act-up&format=GEXF", nil).Header().Get("ETag"); got != tag {
		t.Errorf("reordered query: ETag %s, want %s", got, tag)
	}
	if got := getWith(h, "/export?format=gexf&seed=act-up&depth=1", nil).Header().Get("ETag"); got == tag || got == "" {
		t.Errorf("another depth: ETag %q", got)
	}
	again := getWith(h, target, map[string]string{"Origin": httpapi.GephiLiteOrigin, "If-None-Match": tag})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != tag {
		t.Errorf("revalidation: %d, %d bytes, ETag %q", again.Code, again.Body.Len(), again.Header().Get("ETag"))
	}
	// A change to the data changes the ETag.
	if err := s.UpsertNode(context.Background(), &graph.Node{ID: "new-group", Kind: graph.KindOrganisation, Name: "New group",
		SourceIDs: firstSource(t, s)}, "test"); err != nil {
		t.Fatal(err)
	}
	changed := getWith(h, target, map[string]string{"If-None-Match": tag})
	if changed.Code != http.StatusOK || changed.Header().Get("ETag") == tag {
		t.Errorf("after a change: %d, ETag %q (was %q)", changed.Code, changed.Header().Get("ETag"), tag)
	}
	// Errors are not cached.
	bad := getWith(h, "/export?format=gexf&seed=no-such-node", gephi)
	if bad.Code != http.StatusNotFound || bad.Header().Get("ETag") != "" || bad.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("error: %d ETag %q Cache-Control %q", bad.Code, bad.Header().Get("ETag"), bad.Header().Get("Cache-Control"))
	}
	// Other origins are not let in by the export.
	evil := getWith(h, target, map[string]string{"Origin": "https://evil.example.com"})
	if got := evil.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("evil origin: Access-Control-Allow-Origin %q", got)
	}
	// Gephi Lite's origin is let in by GET /export only.
	gql := getWith(h, "/graphql?query="+url.QueryEscape("{ stats { nodeCount } }"), gephi)
	if got := gql.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("/graphql from Gephi Lite: Access-Control-Allow-Origin %q", got)
	}
	if got, want := httpapi.GephiLiteURL("https://hmkg.example.org/export?format=gexf&seed=act-up"),
		"https://gephi.org/gephi-lite/?file=https%3A%2F%2Fhmkg.example.org%2Fexport%3Fformat%3Dgexf%26seed%3Dact-up"; got != want {
		t.Errorf("GephiLiteURL = %s", got)
	}
}

func firstSource(t *testing.T, s graph.Store) []string {
	t.Helper()
	ss, err := s.Sources(context.Background())
	if err != nil || len(ss) == 0 {
		t.Fatalf("sources: %v", err)
	}
	return []string{ss[0].ID}
}
