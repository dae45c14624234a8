package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
	"github.com/hmkg/hmkg/httpapi"
	"github.com/hmkg/hmkg/reliability/gqlfuzz"
)

// fuzzDocs is how many documents a run sends to the embedded store
// (HMKG_FUZZ_DOCS overrides); Neo4j gets a tenth.
const fuzzDocs = 3000

const fuzzSeed = 20261201

// requestTimeout is the handler's per-request timeout in the fuzz runs;
// no answer may take longer.
const requestTimeout = 5 * time.Second

func TestFuzzGraphQL(t *testing.T) {
	n := fuzzDocs
	if s := os.Getenv("HMKG_FUZZ_DOCS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("HMKG_FUZZ_DOCS=%q: %v", s, err)
		}
		n = v
	}
	if testing.Short() {
		n /= 10
	}
	t.Run("memstore", func(t *testing.T) {
		fuzz(t, curated(t, memstore.New()), n)
	})
	t.Run("neo4j", func(t *testing.T) {
		s := neo4jtest.Open(t)
		if s == nil {
			t.Skip("NEO4J_URI not set")
		}
		fuzz(t, curated(t, s), n/10)
	})
}

func curated(t *testing.T, s graph.Store) graph.Store {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Import(context.Background(), d, "fuzz"); err != nil {
		t.Fatalf("import curated data: %v", err)
	}
	return s
}

func fuzz(t *testing.T, store graph.Store, n int) {
	keys, err := httpapi.ParseAPIKeys("fuzzer:fuzz-key-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	h := httpapi.New(httpapi.Config{Store: store, Logger: slog.New(slog.DiscardHandler), APIKeys: keys, Introspection: true, RequestTimeout: requestTimeout})
	post := func(doc gqlfuzz.Document) (int, []byte, time.Duration) {
		body, err := json.Marshal(map[string]any{"query": doc.Query, "variables": doc.Variables})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		// Every document carries the key, so generated mutations reach
		// their resolvers too (reads ignore it).
		req.Header.Set("Authorization", "Bearer fuzz-key-0123456789abcdef")
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes(), time.Since(start)
	}

	iq, err := gqlfuzz.IntrospectionQuery()
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := post(gqlfuzz.Document{Query: iq})
	var intro struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &intro); err != nil || status != http.StatusOK {
		t.Fatalf("introspection: status %d, %v: %.300s", status, err, body)
	}
	schema, err := gqlfuzz.ParseIntrospection(intro.Data)
	if err != nil {
		t.Fatal(err)
	}

	gen := gqlfuzz.NewGenerator(schema, fuzzSeed)
	codes := map[string]int{}
	failures, executed, timeouts := 0, 0, 0
	var slowest time.Duration
	for i := range n {
		doc := gen.Next()
		status, body, took := post(doc)
		slowest = max(slowest, took)
		v := gqlfuzz.Judge(status, body)
		if v.Executed {
			executed++
		}
		if v.TimedOut {
			timeouts++
		}
		for c, k := range v.Codes {
			codes[c] += k
		}
		if took > requestTimeout+time.Second {
			v.Problems = append(v.Problems, "answered in "+took.String())
		}
		if len(v.Problems) > 0 {
			failures++
			if failures <= 20 {
				t.Errorf("document %d: %v\nquery: %s\nvariables: %.500v", i, v.Problems, doc.Query, doc.Variables)
			}
		}
	}
	var seen []string
	for c, k := range codes {
		seen = append(seen, c+"="+strconv.Itoa(k))
	}
	sort.Strings(seen)
	t.Logf("%d documents (%d reached the resolvers), %d failed, slowest %v, error codes %v", n, executed, failures, slowest, seen)
	// A document answered TIMEOUT at the deadline is a kept promise (a
	// shared machine under the race detector can be that slow for one), but
	// more than 1% would mean work that the cost limits let grow too far.
	if timeouts > n/100 {
		t.Errorf("%d of %d documents timed out: more than 1%%", timeouts, n)
	}
	if executed < n/4 {
		t.Errorf("only %d of %d documents reached the resolvers: the generator exercises validation, not the resolvers", executed, n)
	}
}
