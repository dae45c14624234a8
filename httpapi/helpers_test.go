package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/httpapi"
)

const testKey = "test-key-0123456789abcdef"

// gqlResponse is a GraphQL response with the HTTP status it came with.
type gqlResponse struct {
	Status      int
	ContentType string
	Data        json.RawMessage `json:"data"`
	Errors      []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// client sends GraphQL documents through the real HTTP handler.
type client struct {
	tb testing.TB
	h  http.Handler
}

func newClient(tb testing.TB, store graph.Store) *client {
	tb.Helper()
	keys, err := httpapi.ParseAPIKeys("tester:" + testKey)
	if err != nil {
		tb.Fatal(err)
	}
	h := httpapi.New(httpapi.Config{Store: store, APIKeys: keys, Introspection: true})
	return &client{tb: tb, h: h}
}

func (c *client) post(query string, vars map[string]any, header ...string) *gqlResponse {
	c.tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.tb.Fatal(err)
	}
	return c.raw(http.MethodPost, "/graphql", body, header...)
}

func (c *client) raw(method, target string, body []byte, header ...string) *gqlResponse {
	c.tb.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := &gqlResponse{Status: rec.Code, ContentType: rec.Header().Get("Content-Type")}
	if err := json.Unmarshal(rec.Body.Bytes(), res); err != nil {
		c.tb.Fatalf("response is not JSON (status %d): %v\n%s", rec.Code, err, rec.Body.String())
	}
	return res
}

// ok sends a document that must succeed and decodes its data into out.
func (c *client) ok(query string, vars map[string]any, out any) {
	c.tb.Helper()
	res := c.post(query, vars)
	if len(res.Errors) > 0 {
		c.tb.Fatalf("unexpected errors: %+v", res.Errors)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		c.tb.Fatalf("decode data: %v\n%s", err, res.Data)
	}
}

func auth() []string { return []string{"Authorization", "Bearer " + testKey} }

// curatedStore returns each store under test loaded with the curated data.
func curatedStores(t *testing.T) map[string]graph.Store {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	stores := openStores(t)
	for name, s := range stores {
		if err := s.Import(context.Background(), d, "test"); err != nil {
			t.Fatalf("%s: import curated data: %v", name, err)
		}
	}
	return stores
}

func eachStore(t *testing.T, f func(t *testing.T, c *client, s graph.Store)) {
	for name, s := range curatedStores(t) {
		t.Run(name, func(t *testing.T) { f(t, newClient(t, s), s) })
	}
}

func memstoreWithCurated(t *testing.T) graph.Store {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

// lockedBuffer is a bytes.Buffer that a server's goroutines may write
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
