package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/httpapi"
)

func TestGraphQLOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		res := c.Raw(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ node(id: "act-up") { name } }`), nil)
		if res.Status != http.StatusOK || len(res.Errors) > 0 {
			t.Fatalf("GET query: status %d errors %+v", res.Status, res.Errors)
		}
		if !strings.HasPrefix(res.ContentType, "application/graphql-response+json") {
			t.Errorf("Content-Type = %q", res.ContentType)
		}
		var st struct {
			Stats struct {
				DatasetName string
				NodeCount   int
				Kinds       []struct {
					Kind  string
					Count int
				}
			}
		}
		c.OK(`{ stats { datasetName nodeCount kinds { kind count } } }`, nil, &st)
		sum := 0
		for _, k := range st.Stats.Kinds {
			sum += k.Count
		}
		if st.Stats.DatasetName != "health-movements" || sum != st.Stats.NodeCount || len(st.Stats.Kinds) != 7 {
			t.Errorf("stats = %+v", st.Stats)
		}
	})
}

func TestHealthAndReadiness(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		for _, p := range []string{"/healthz", "/readyz"} {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			rec := httptest.NewRecorder()
			c.H.ServeHTTP(rec, req)
			b, _ := io.ReadAll(rec.Body)
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d %s", p, rec.Code, b)
			}
		}
	})
}

func TestCORSAllowList(t *testing.T) {
	h := httpapi.New(httpapi.Config{Store: memstoreWithCurated(t), CORSOrigins: []string{"https://dash.example.org"}})
	for origin, allowed := range map[string]bool{"https://dash.example.org": true, "https://evil.example.com": false} {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("Access-Control-Allow-Origin")
		if allowed && got != origin || !allowed && got != "" {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin = %q", origin, got)
		}
	}
}

func TestRequestTimeoutAnswersWithTimeout(t *testing.T) {
	h := httpapi.New(httpapi.Config{Store: slowStore{memstoreWithCurated(t)}, RequestTimeout: 50 * time.Millisecond})
	c := &client{TB: t, H: h}
	res := c.Post(`{ search(text: "aids") { score } }`, nil)
	if res.Code() != "TIMEOUT" {
		t.Errorf("slow request: code %q, errors %+v", res.Code(), res.Errors)
	}
}

// slowStore makes Search wait for its context, as a stuck database would.
type slowStore struct{ graph.Store }

func (s slowStore) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	<-ctx.Done()
	return nil, fmt.Errorf("search: %w", ctx.Err())
}
