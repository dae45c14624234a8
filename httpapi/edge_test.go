package httpapi_test

// Regression tests for the HTTP edge (issue 14): each case failed on the
// handler before httpapi, and runs through the real handler.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/httpapi"
)

// errorOf decodes an error response and checks its shape: JSON
// {"errors":[{"message","extensions":{"code"}}]} with a message and a code.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) (code, message string) {
	t.Helper()
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) == 0 {
		t.Fatalf("status %d: not a JSON error response (%v): %.300s", rec.Code, err, rec.Body)
	}
	e := body.Errors[0]
	code, _ = e.Extensions["code"].(string)
	if code == "" || e.Message == "" {
		t.Errorf("status %d: error without a code or message: %.300s", rec.Code, rec.Body)
	}
	return code, e.Message
}

func do(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func gqlRequest(method, query string, header ...string) *http.Request {
	var req *http.Request
	if method == http.MethodGet {
		req = httptest.NewRequest(method, "/graphql?query="+url.QueryEscape(query), nil)
	} else {
		body, _ := json.Marshal(map[string]any{"query": query})
		req = httptest.NewRequest(method, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// TestCORSClosedUnlessConfigured: with no HMKG_CORS_ORIGINS no origin gets
// CORS headers (rs/cors reads an empty list as "*"), except Gephi Lite's
// origin on GET /export.
func TestCORSClosedUnlessConfigured(t *testing.T) {
	h := httpapi.New(httpapi.Config{Store: memstoreWithCurated(t)})
	const evil = "https://evil.example.com"
	pre := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	pre.Header.Set("Origin", evil)
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	cases := map[string]*http.Request{
		"preflight":        pre,
		"GET query":        gqlRequest(http.MethodGet, `{ stats { nodeCount } }`, "Origin", evil),
		"POST query":       gqlRequest(http.MethodPost, `{ stats { nodeCount } }`, "Origin", evil),
		"export":           httptest.NewRequest(http.MethodGet, "/export?format=json&seed=act-up", nil),
		"Gephi Lite query": gqlRequest(http.MethodPost, `{ stats { nodeCount } }`, "Origin", httpapi.GephiLiteOrigin),
	}
	cases["export"].Header.Set("Origin", evil)
	for name, req := range cases {
		rec := do(h, req)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%s from %s: Access-Control-Allow-Origin = %q, want none", name, req.Header.Get("Origin"), got)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/export?format=gexf&seed=act-up", nil)
	req.Header.Set("Origin", httpapi.GephiLiteOrigin)
	rec := do(h, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != httpapi.GephiLiteOrigin {
		t.Errorf("export for Gephi Lite: status %d, Access-Control-Allow-Origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
}

// TestEveryErrorHasACode: errors that gqlgen's transports write by
// themselves, and the edge's own, all have extensions.code.
func TestEveryErrorHasACode(t *testing.T) {
	keys, _ := httpapi.ParseAPIKeys("tester:" + testKey)
	h := httpapi.New(httpapi.Config{Store: memstoreWithCurated(t), APIKeys: keys})
	post := func(contentType, body string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		return req
	}
	garbage := strings.Repeat("x", 10000)
	cases := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"mutation over GET", gqlRequest(http.MethodGet, `mutation { deleteNode(id: "act-up") }`, "Authorization", "Bearer "+testKey), http.StatusNotAcceptable, "BAD_REQUEST"},
		{"wrong content type", post("text/plain", `{"query":"{ stats { nodeCount } }"}`), http.StatusUnsupportedMediaType, "BAD_REQUEST"},
		{"no content type", post("", `{"query":"{ stats { nodeCount } }"}`), http.StatusUnsupportedMediaType, "BAD_REQUEST"},
		{"PUT", httptest.NewRequest(http.MethodPut, "/graphql", nil), http.StatusMethodNotAllowed, "BAD_REQUEST"},
		{"body not JSON", post("application/json", garbage), http.StatusBadRequest, "BAD_REQUEST"},
		{"bad variables over GET", httptest.NewRequest(http.MethodGet, "/graphql?query=%7Bstats%7BnodeCount%7D%7D&variables=nope", nil), http.StatusBadRequest, "BAD_REQUEST"},
		{"unknown path", httptest.NewRequest(http.MethodGet, "/nope", nil), http.StatusNotFound, "NOT_FOUND"},
		{"POST /healthz", httptest.NewRequest(http.MethodPost, "/healthz", nil), http.StatusMethodNotAllowed, "BAD_REQUEST"},
		{"export without format", httptest.NewRequest(http.MethodGet, "/export", nil), http.StatusBadRequest, "BAD_USER_INPUT"},
		{"export of an unknown seed", httptest.NewRequest(http.MethodGet, "/export?format=json&seed=no-such-node", nil), http.StatusNotFound, "NOT_FOUND"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, tc.req)
			code, msg := errorOf(t, rec)
			if rec.Code != tc.status || code != tc.code {
				t.Errorf("status %d code %q, want %d %q: %s", rec.Code, code, tc.status, tc.code, msg)
			}
			if strings.Contains(msg, "xxxxxxxxxxxxxxxxxxxx") {
				t.Errorf("the message echoes the body: %.100s", msg)
			}
		})
	}
}

// TestOversizedBodyIs413: a body over the limit is refused with 413,
// whether it declares its length or is chunked.
func TestOversizedBodyIs413(t *testing.T) {
	h := httpapi.New(httpapi.Config{Store: memstoreWithCurated(t), MaxBodyBytes: 1024})
	body := `{"query": "{ stats { nodeCount } }", "variables": {"pad": "` + strings.Repeat("p", 4096) + `"}}`
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if chunked {
			req.ContentLength = -1
			req.TransferEncoding = []string{"chunked"}
			req.Body = io.NopCloser(strings.NewReader(body)) // no length to read from
		}
		rec := do(h, req)
		code, _ := errorOf(t, rec)
		if rec.Code != http.StatusRequestEntityTooLarge || code != "PAYLOAD_TOO_LARGE" {
			t.Errorf("chunked=%v: status %d code %q, want 413 PAYLOAD_TOO_LARGE", chunked, rec.Code, code)
		}
	}
	// Under the limit, chunked is fine.
	small := `{"query": "{ stats { nodeCount } }"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", io.NopCloser(strings.NewReader(small)))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
	if rec := do(h, req); rec.Code != http.StatusOK {
		t.Errorf("small chunked body: %d %s", rec.Code, rec.Body)
	}
}

// TestBadAuthorizationOnlyMattersToMutations: public reads and /healthz
// ignore a wrong key; a mutation with a wrong key, or none, is 401.
func TestBadAuthorizationOnlyMattersToMutations(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		bad := []string{"Authorization", "Bearer not-a-key-not-a-key"}
		for _, req := range []*http.Request{
			gqlRequest(http.MethodPost, `{ node(id: "act-up") { name } }`, bad...),
			gqlRequest(http.MethodGet, `{ node(id: "act-up") { name } }`, bad...),
			httptest.NewRequest(http.MethodGet, "/healthz", nil),
			httptest.NewRequest(http.MethodGet, "/export?format=json&seed=act-up", nil),
		} {
			req.Header.Set(bad[0], bad[1])
			if rec := do(c.H, req); rec.Code != http.StatusOK {
				t.Errorf("%s %s with a wrong key: %d %.200s", req.Method, req.URL, rec.Code, rec.Body)
			}
		}
		del := `mutation { deleteNode(id: "act-up") }`
		for name, header := range map[string][]string{"wrong key": bad, "no key": nil} {
			rec := do(c.H, gqlRequest(http.MethodPost, del, header...))
			code, _ := errorOf(t, rec)
			if rec.Code != http.StatusUnauthorized || code != "UNAUTHENTICATED" {
				t.Errorf("mutation with %s: status %d code %q", name, rec.Code, code)
			}
		}
		var out struct{ Node struct{ Name string } }
		c.OK(`{ node(id: "act-up") { name } }`, nil, &out)
		if out.Node.Name == "" {
			t.Error("a refused mutation deleted act-up")
		}
	})
}

// TestErrorsQuoteAShortPrefix: an error about a huge input quotes at most a
// short prefix of it.
func TestErrorsQuoteAShortPrefix(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		long := strings.Repeat("a", 5000)
		check := func(name, msg string) {
			t.Helper()
			if len(msg) > 320 || strings.Contains(msg, strings.Repeat("a", 100)) {
				t.Errorf("%s: message of %d bytes quotes the input: %.120s…", name, len(msg), msg)
			}
		}
		for name, q := range map[string]string{
			"node id":      `{ node(id: "` + long + `") { id } }`,
			"unknown seed": `{ neighbourhood(id: "` + long + `") { truncated } }`,
			"cursor":       `{ nodes(after: "` + long + `") { totalCount } }`,
			"changes":      `{ changes(before: "` + long + `") { id } }`,
			"enum":         `{ nodes(kinds: [` + strings.ToUpper(long) + `]) { totalCount } }`,
		} {
			res := c.Post(q, nil)
			if len(res.Errors) == 0 {
				t.Errorf("%s: no error", name)
				continue
			}
			check(name, res.Errors[0].Message)
		}
		for _, target := range []string{"/export?format=json&depth=" + long, "/export?format=" + long,
			"/export?format=json&" + long + "=1", "/export?format=json&seed=" + long, "/export?format=json&type=" + long} {
			rec := get(c.H, target)
			_, msg := errorOf(t, rec)
			check(target[:30], msg)
		}
	})
}

// gatedStore holds every export (at SourcesByID, which each one calls)
// until the gate opens, as a slow export on a big graph would.
type gatedStore struct {
	graph.Store
	entered chan struct{}
	gate    chan struct{}
}

func (s *gatedStore) SourcesByID(ctx context.Context, ids []string) ([]*graph.Source, error) {
	s.entered <- struct{}{}
	<-s.gate
	return s.Store.SourcesByID(ctx, ids)
}

// TestExportConcurrencyCap: beyond ExportConcurrency exports at once, GET
// /export answers 429 TOO_MANY_REQUESTS with Retry-After at once, and
// GraphQL's exportSubgraph TOO_MANY_REQUESTS.
func TestExportConcurrencyCap(t *testing.T) {
	gs := &gatedStore{Store: memstoreWithCurated(t), entered: make(chan struct{}, 8), gate: make(chan struct{})}
	h := httpapi.New(httpapi.Config{Store: gs, ExportConcurrency: 2, RequestTimeout: 10 * time.Second})
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = get(h, fmt.Sprintf("/export?format=json&seed=act-up&depth=%d", i)).Code
		}()
	}
	<-gs.entered
	<-gs.entered
	start := time.Now()
	rec := get(h, "/export?format=json&seed=fda")
	code, msg := errorOf(t, rec)
	if rec.Code != http.StatusTooManyRequests || code != "TOO_MANY_REQUESTS" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("third export: status %d code %q Retry-After %q: %s", rec.Code, code, rec.Header().Get("Retry-After"), msg)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the refusal took %v", d)
	}
	// GraphQL's exportSubgraph shares the slots.
	c := &client{TB: t, H: h}
	if res := c.Post(`{ exportSubgraph(seeds: ["fda"], format: JSON) { nodeCount } }`, nil); res.Code() != "TOO_MANY_REQUESTS" {
		t.Errorf("exportSubgraph while the slots are full: %+v", res.Errors)
	}
	close(gs.gate)
	wg.Wait()
	if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
		t.Errorf("the running exports answered %v", codes)
	}
	if rec := get(h, "/export?format=json&seed=fda"); rec.Code != http.StatusOK {
		t.Errorf("after the others finished: %d", rec.Code)
	}
}

// TestOneAsOfRule: GET /export and every GraphQL field that takes asOf
// reject an implausible year the same way.
func TestOneAsOfRule(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		for _, year := range []int{99999, -99999} {
			rec := get(c.H, fmt.Sprintf("/export?format=json&seed=act-up&asOf=%d", year))
			code, httpMsg := errorOf(t, rec)
			if rec.Code != http.StatusBadRequest || code != "BAD_USER_INPUT" {
				t.Errorf("/export asOf=%d: status %d code %q", year, rec.Code, code)
			}
			for _, q := range []string{
				`query($y: Int) { neighbourhood(id: "act-up", asOf: $y) { truncated } }`,
				`query($y: Int) { node(id: "act-up") { relationships(asOf: $y) { totalCount } } }`,
				`query($y: Int) { exportSubgraph(seeds: ["act-up"], asOf: $y, format: JSON) { nodeCount } }`,
				`query($y: Int) { shortestPath(from: "act-up", to: "fda", asOf: $y) { length } }`,
			} {
				res := c.Post(q, map[string]any{"y": year})
				if res.Code() != "BAD_USER_INPUT" {
					t.Errorf("asOf %d in %.60s: code %q", year, q, res.Code())
				} else if msg := res.Errors[0].Message; !strings.Contains(msg, "asOf") || !strings.HasSuffix(httpMsg, strings.TrimPrefix(msg, "asOf: ")) {
					t.Errorf("asOf %d: GraphQL says %q, /export says %q", year, msg, httpMsg)
				}
			}
		}
	})
}

// failingStore fails Search with the given error, as a broken or
// unreachable database would.
type failingStore struct {
	graph.Store
	err error
}

func (s failingStore) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	return nil, fmt.Errorf("search: %w", s.err)
}

// TestOneErrorStory: the client sees a code and a safe message; only an
// internal error is logged at ERROR (with its cause); an unavailable store
// and a timeout are not, and driver text never reaches the client.
func TestOneErrorStory(t *testing.T) {
	const secret = "neo4j: connectivity error: dial tcp 10.0.0.7:7687: secret-driver-text"
	cases := []struct {
		name   string
		store  graph.Store
		code   string
		errLog bool
	}{
		{"internal", failingStore{memstoreWithCurated(t), fmt.Errorf("%s", secret)}, "INTERNAL", true},
		{"unavailable", failingStore{memstoreWithCurated(t), graph.Errorf(graph.EUNAVAILABLE, "%s", secret)}, "UNAVAILABLE", false},
		{"timeout", slowStore{memstoreWithCurated(t)}, "TIMEOUT", false},
		{"timeout the driver reports as unavailable", stuckStore{memstoreWithCurated(t)}, "TIMEOUT", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Locked: work that outlives its request's deadline may still log.
			var logs lockedBuffer
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			h := httpapi.New(httpapi.Config{Store: tc.store, Logger: log, RequestTimeout: 50 * time.Millisecond})
			c := &client{TB: t, H: h}
			res := c.Post(`{ search(text: "aids") { score } }`, nil)
			if res.Code() != tc.code {
				t.Fatalf("code %q, want %q: %+v", res.Code(), tc.code, res.Errors)
			}
			if strings.Contains(res.Errors[0].Message, "secret") || strings.Contains(res.Errors[0].Message, "7687") {
				t.Errorf("driver text reached the client: %q", res.Errors[0].Message)
			}
			errLines := strings.Count(logs.String(), "level=ERROR")
			if tc.errLog && (errLines != 1 || !strings.Contains(logs.String(), "secret-driver-text")) {
				t.Errorf("internal error: %d ERROR lines, want 1 with the cause:\n%s", errLines, logs.String())
			}
			if !tc.errLog && errLines > 0 {
				t.Errorf("%s logged at ERROR:\n%s", tc.code, logs.String())
			}
		})
	}
	// /export tells the same story.
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := httpapi.New(httpapi.Config{Store: unavailableStore{memstoreWithCurated(t)}, Logger: log})
	rec := get(h, "/export?format=json&seed=act-up")
	code, msg := errorOf(t, rec)
	if rec.Code != http.StatusServiceUnavailable || code != "UNAVAILABLE" || strings.Contains(msg, "secret") ||
		rec.Header().Get("Retry-After") == "" || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("/export with the store down: status %d code %q message %q, logs:\n%s", rec.Code, code, msg, logs.String())
	}
}

// stuckStore waits for the request's deadline, then reports what a driver
// without the context's cause would: the database unavailable.
type stuckStore struct{ graph.Store }

func (stuckStore) Search(ctx context.Context, _ graph.SearchQuery) ([]graph.SearchHit, error) {
	<-ctx.Done()
	return nil, graph.Errorf(graph.EUNAVAILABLE, "neo4j: secret-driver-text")
}

// unavailableStore is a store whose database cannot be reached.
type unavailableStore struct{ graph.Store }

func (unavailableStore) NodesByID(context.Context, []string) ([]*graph.Node, error) {
	return nil, graph.Errorf(graph.EUNAVAILABLE, "neo4j: secret-driver-text")
}

func (unavailableStore) Neighbourhood(context.Context, graph.NeighbourhoodQuery) (*graph.Subgraph, error) {
	return nil, graph.Errorf(graph.EUNAVAILABLE, "neo4j: secret-driver-text")
}

func (unavailableStore) Stats(context.Context) (*graph.Stats, error) {
	return nil, graph.Errorf(graph.EUNAVAILABLE, "neo4j: secret-driver-text")
}
