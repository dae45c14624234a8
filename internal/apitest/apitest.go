// Package apitest is what the HTTP and GraphQL tests share: a client that
// sends real GraphQL documents through the real handler (httpapi.New) and
// the stores they run on (the embedded store, and Neo4j when NEO4J_URI is
// set). Only _test.go files import it.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
	"github.com/hmkg/hmkg/httpapi"
)

// TestKey is the API key NewClient's server accepts, for the actor "tester".
const TestKey = "test-key-0123456789abcdef"

// Response is a GraphQL response with the HTTP status it came with.
type Response struct {
	Status      int
	ContentType string
	Data        json.RawMessage `json:"data"`
	Errors      []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code is the extensions.code of the first error, "" when there is none.
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Client sends GraphQL documents through an HTTP handler.
type Client struct {
	TB testing.TB
	H  http.Handler
}

// NewClient serves store through the whole HTTP API (TestKey authorises
// mutations; introspection is on).
func NewClient(tb testing.TB, store graph.Store) *Client {
	tb.Helper()
	keys, err := httpapi.ParseAPIKeys("tester:" + TestKey)
	if err != nil {
		tb.Fatal(err)
	}
	return &Client{TB: tb, H: httpapi.New(httpapi.Config{Store: store, APIKeys: keys, Introspection: true})}
}

// Post sends a document with its variables; header is name, value pairs.
func (c *Client) Post(query string, vars map[string]any, header ...string) *Response {
	c.TB.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.TB.Fatal(err)
	}
	return c.Raw(http.MethodPost, "/graphql", body, header...)
}

// Raw sends any request and decodes the JSON answer.
func (c *Client) Raw(method, target string, body []byte, header ...string) *Response {
	c.TB.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	c.H.ServeHTTP(rec, req)
	res := &Response{Status: rec.Code, ContentType: rec.Header().Get("Content-Type")}
	if err := json.Unmarshal(rec.Body.Bytes(), res); err != nil {
		c.TB.Fatalf("response is not JSON (status %d): %v\n%s", rec.Code, err, rec.Body.String())
	}
	return res
}

// OK sends a document that must succeed and decodes its data into out.
func (c *Client) OK(query string, vars map[string]any, out any) {
	c.TB.Helper()
	res := c.Post(query, vars)
	if len(res.Errors) > 0 {
		c.TB.Fatalf("unexpected errors: %+v", res.Errors)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		c.TB.Fatalf("decode data: %v\n%s", err, res.Data)
	}
}

// Auth is the header pair that signs a request with TestKey.
func Auth() []string { return []string{"Authorization", "Bearer " + TestKey} }

// OpenNeo4j returns an emptied Neo4j store, locked for this test, when
// NEO4J_URI is set (in CI it must be), or nil.
func OpenNeo4j(tb testing.TB) graph.Store {
	tb.Helper()
	if s := neo4jtest.Open(tb); s != nil {
		return s
	}
	tb.Log("NEO4J_URI not set: running on the embedded store only")
	return nil
}

// OpenStores returns an empty store of every kind under test, keyed by
// name: the embedded store, and Neo4j when NEO4J_URI is set (fails in CI
// when it is not; see neo4jtest).
func OpenStores(t *testing.T) map[string]graph.Store {
	t.Helper()
	stores := map[string]graph.Store{"memstore": memstore.New()}
	if s := OpenNeo4j(t); s != nil {
		stores["neo4j"] = s
	}
	return stores
}

// CuratedStores returns each store under test loaded with the curated data.
func CuratedStores(t *testing.T) map[string]graph.Store {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	stores := OpenStores(t)
	for name, s := range stores {
		if err := s.Import(context.Background(), d, "test"); err != nil {
			t.Fatalf("%s: import curated data: %v", name, err)
		}
	}
	return stores
}

// EachStore runs f on every store under test, loaded with the curated
// data, with a client for it.
func EachStore(t *testing.T, f func(t *testing.T, c *Client, s graph.Store)) {
	for name, s := range CuratedStores(t) {
		t.Run(name, func(t *testing.T) { f(t, NewClient(t, s), s) })
	}
}
