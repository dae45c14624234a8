package resolvers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/httpapi"
)

// benchGraph is a loaded store plus the ids and words the workload uses.
type benchGraph struct {
	store         graph.Store
	h             http.Handler
	hub, from, to string
	text          string
	loadTime      time.Duration
	heapAfterLoad uint64
	nodes, rels   int
}

var (
	benchMu     sync.Mutex
	benchGraphs = map[string]*benchGraph{}
)

// benchSizes are the synthetic graph sizes; HMKG_BENCH_SCALE adds a larger
// one (make bench-scale sets 1000000).
func benchSizes() []int {
	sizes := []int{10_000, 100_000}
	if s, err := strconv.Atoi(os.Getenv("HMKG_BENCH_SCALE")); err == nil && s > 0 {
		sizes = append(sizes, s)
	}
	return sizes
}

func loadBenchGraph(b *testing.B, name string) *benchGraph {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if g, ok := benchGraphs[name]; ok {
		return g
	}
	// Drop the previous graph first so that heap figures are per graph.
	for k := range benchGraphs {
		delete(benchGraphs, k)
	}
	runtime.GC()
	var d *graph.Dataset
	g := &benchGraph{}
	if name == "curated" || name == "neo4j-curated" {
		var err error
		if d, err = data.Curated(); err != nil {
			b.Fatal(err)
		}
		// The same queries as graph/neo4jstore's raw Cypher benchmarks, so
		// the two can be compared as a ratio.
		g.hub, g.from, g.to, g.text = "act-up", "act-up", "nhs-england", "mental health"
	} else {
		n, _ := strconv.Atoi(strings.TrimPrefix(name, "synthetic-"))
		d = synth.Generate(n, 6, 1)
		g.hub, g.from, g.to = d.Nodes[7].ID, d.Nodes[11].ID, d.Nodes[n/2].ID
		g.text = "patient rights movement"
	}
	g.nodes, g.rels = len(d.Nodes), len(d.Relationships)
	var s graph.Store = memstore.New()
	if name == "neo4j-curated" {
		s = openNeo4j(b)
	}
	start := time.Now()
	if err := s.Import(context.Background(), d, "bench"); err != nil {
		b.Fatal(err)
	}
	g.loadTime = time.Since(start)
	d = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	g.heapAfterLoad = ms.HeapAlloc
	g.store = s
	g.h = httpapi.New(httpapi.Config{Store: s})
	benchGraphs[name] = g
	return g
}

func benchGraphNames() []string {
	names := []string{"curated"}
	if os.Getenv("NEO4J_URI") != "" {
		names = append(names, "neo4j-curated")
	}
	for _, n := range benchSizes() {
		names = append(names, fmt.Sprintf("synthetic-%d", n))
	}
	return names
}

// post runs one GraphQL request through the full HTTP handler.
func (g *benchGraph) post(b *testing.B, query string) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(query))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		b.Fatalf("query failed: %d %s", rec.Code, rec.Body.String())
	}
}

func gqlBody(query string, args ...any) string {
	q := fmt.Sprintf(query, args...)
	return fmt.Sprintf(`{"query": %q}`, q)
}

// BenchmarkGraphQL runs the researcher workload through the HTTP handler:
// full-text search, a 2-hop neighbourhood, a shortest path and a nested
// query that touches every loader, on the curated and synthetic graphs.
func BenchmarkGraphQL(b *testing.B) {
	for _, name := range benchGraphNames() {
		b.Run(name, func(b *testing.B) {
			g := loadBenchGraph(b, name)
			queries := map[string]string{
				"Search":        gqlBody(`{ search(text: %q, first: 10) { score node { id name } } }`, g.text),
				"Neighbourhood": gqlBody(`{ neighbourhood(id: %q, depth: 2, limit: 500) { truncated nodes { id name } relationships { id type } } }`, g.hub),
				"ShortestPath":  gqlBody(`{ shortestPath(from: %q, to: %q, maxLength: 8) { length nodes { id } relationships { id } } }`, g.from, g.to),
				"Nested": gqlBody(`{ nodes(first: 20, orderBy: [{field: DEGREE, direction: DESC}]) { nodes { id name sources { url }
					relationships(first: 10) { nodes { type from { id name } to { id name } sources { url } } } } } }`),
			}
			for _, w := range []string{"Search", "Neighbourhood", "ShortestPath", "Nested"} {
				b.Run(w, func(b *testing.B) {
					b.ReportAllocs()
					// Warm up outside the timed loop: Neo4j plans and
					// compiles each new Cypher shape on first use.
					for range 3 {
						g.post(b, queries[w])
					}
					for b.Loop() {
						g.post(b, queries[w])
					}
				})
			}
		})
	}
}

// BenchmarkLoad reports how long an import takes and the heap the loaded
// embedded store holds, per graph.
func BenchmarkLoad(b *testing.B) {
	for _, name := range benchGraphNames() {
		b.Run(name, func(b *testing.B) {
			benchMu.Lock()
			delete(benchGraphs, name)
			benchMu.Unlock()
			var g *benchGraph
			for b.Loop() {
				benchMu.Lock()
				delete(benchGraphs, name)
				benchMu.Unlock()
				g = loadBenchGraph(b, name)
			}
			b.ReportMetric(float64(g.loadTime.Milliseconds()), "load-ms")
			b.ReportMetric(float64(g.heapAfterLoad)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(g.rels)/g.loadTime.Seconds(), "rels/s")
		})
	}
}
