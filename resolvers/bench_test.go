package resolvers_test

import (
	"cmp"
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

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
	"github.com/hmkg/hmkg/httpapi"
	"github.com/hmkg/hmkg/internal/apitest"
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
	// gqlgen is h without the compiled read path.
	gqlgen http.Handler
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
		s = apitest.OpenNeo4j(b)
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
	g.gqlgen = httpapi.New(httpapi.Config{Store: s, DisableCompiledReads: true})
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
	g.postTo(b, g.h, query)
}

// postTo runs one GraphQL request through h.
func (g *benchGraph) postTo(b *testing.B, h http.Handler, query string) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(query))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
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
// Each question runs with the compiled read path (compiled) and through
// gqlgen's executor (gqlgen), then both alternated in one loop (ratio:
// compiled-ms, gqlgen-ms and their ratio under the same machine load).
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
					for _, path := range []struct {
						name string
						h    http.Handler
					}{{"compiled", g.h}, {"gqlgen", g.gqlgen}} {
						b.Run(path.name, func(b *testing.B) {
							b.ReportAllocs()
							// Warm up outside the timed loop: Neo4j plans
							// and compiles each new Cypher shape on first use.
							for range 3 {
								g.postTo(b, path.h, queries[w])
							}
							for b.Loop() {
								g.postTo(b, path.h, queries[w])
							}
						})
					}
					b.Run("ratio", func(b *testing.B) {
						var on, off time.Duration
						for b.Loop() {
							t0 := time.Now()
							g.postTo(b, g.h, queries[w])
							t1 := time.Now()
							g.postTo(b, g.gqlgen, queries[w])
							on, off = on+t1.Sub(t0), off+time.Since(t1)
						}
						n := float64(b.N)
						b.ReportMetric(float64(on.Nanoseconds())/n/1e6, "compiled-ms")
						b.ReportMetric(float64(off.Nanoseconds())/n/1e6, "gqlgen-ms")
						b.ReportMetric(float64(on)/float64(off), "ratio")
					})
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

// ratioQuestions are the six questions of issue 10, each as a GraphQL
// request and as the hand-written Cypher a Neo4j user would send to answer
// it (same fields, same limits).
var ratioQuestions = []struct {
	name, gql, cypher string
	params            map[string]any
}{
	{"NodeSources", `{ node(id: "act-up") { id name summary sources { id title url } } }`,
		`MATCH (n:Node {id: $id})
OPTIONAL MATCH (s:Source) WHERE s.id IN n.sources
RETURN n.id, n.name, n.summary, collect(s {.id, .title, .url}) AS sources`,
		map[string]any{"id": "act-up"}},
	{"Challenged", `{ node(id: "act-up") { relationships(types: [CHALLENGED]) { nodes { year summary sources { url } from { id name } to { id name } } } } }`,
		`MATCH (:Node {id: $id})-[r:CHALLENGED]-()
WITH r, startNode(r) AS a, endNode(r) AS b ORDER BY r.id LIMIT 50
OPTIONAL MATCH (s:Source) WHERE s.id IN r.sources
RETURN r.year, r.summary, collect(s.url) AS urls, a.id, a.name, b.id, b.name`,
		map[string]any{"id": "act-up"}},
	{"Search", `{ search(text: "ACT UP", first: 10) { score node { id name } } }`,
		`CALL db.index.fulltext.queryNodes('node_search', $q) YIELD node, score
RETURN node.id, node.name, score ORDER BY score DESC LIMIT 10`,
		map[string]any{"q": "act OR up"}},
	{"Neighbourhood2Hop", `{ neighbourhood(id: "act-up", depth: 2, limit: 500) { nodes { id name } relationships { id type } } }`,
		`MATCH (:Node {id: $id})-[*0..2]-(m)
WITH collect(DISTINCT m) AS ns
UNWIND ns AS a
OPTIONAL MATCH (a)-[r]->(b) WHERE b IN ns
RETURN [n IN ns | n {.id, .name}] AS nodes, collect(r {.id, type: type(r)}) AS rels`,
		map[string]any{"id": "act-up"}},
	{"ShortestPath", `{ shortestPath(from: "act-up", to: "nhs-england", maxLength: 8) { length nodes { id } relationships { id } } }`,
		`MATCH p = SHORTEST 1 (:Node {id: $from})-[]-{1,8}(:Node {id: $to})
RETURN length(p), [n IN nodes(p) | n.id], [r IN relationships(p) | r.id]`,
		map[string]any{"from": "act-up", "to": "nhs-england"}},
	{"MovementsMembers", `{ nodes(kinds: [MOVEMENT], first: 20, orderBy: [{field: NAME}]) { nodes { id name ... on Movement { organisations { id name } } } } }`,
		`MATCH (m:Movement)
WITH m ORDER BY toLower(m.name), m.name, m.id LIMIT 20
OPTIONAL MATCH (o:Organisation)-[:PART_OF]->(m)
RETURN m.id, m.name, collect(o {.id, .name}) AS organisations`,
		nil},
}

// BenchmarkNeo4jRatio answers issue 10's six questions on Neo4j through the
// full GraphQL handler and as hand-written Cypher through the driver,
// alternating the two in one loop so that both see the same machine load,
// and reports each one's mean and their ratio (gql/cypher, target ≤ 1.25).
func BenchmarkNeo4jRatio(b *testing.B) {
	cfg, ok := neo4jtest.Config(b)
	if !ok {
		b.Skip("NEO4J_URI not set")
	}
	benchMu.Lock()
	delete(benchGraphs, "neo4j-curated") // an earlier benchmark closed its store
	benchMu.Unlock()
	g := loadBenchGraph(b, "neo4j-curated")
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { drv.Close(context.Background()) })
	db := cmp.Or(cfg.Database, "neo4j")
	raw := func(b *testing.B, cypher string, params map[string]any) {
		res, err := neo4j.ExecuteQuery(context.Background(), drv, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(db), neo4j.ExecuteQueryWithReadersRouting())
		if err != nil || len(res.Records) == 0 {
			b.Fatalf("raw cypher: %v (%d records)", err, len(res.Records))
		}
	}
	for _, q := range ratioQuestions {
		b.Run(q.name, func(b *testing.B) {
			body := fmt.Sprintf(`{"query": %q}`, q.gql)
			for range 5 { // Neo4j plans each new statement on first use
				g.post(b, body)
				raw(b, q.cypher, q.params)
			}
			var gql, cy time.Duration
			n := 0
			counter, _ := g.store.(interface{ Queries() int64 })
			var stmts int64
			if counter != nil {
				stmts = counter.Queries()
			}
			for b.Loop() {
				t0 := time.Now()
				g.post(b, body)
				t1 := time.Now()
				raw(b, q.cypher, q.params)
				gql, cy = gql+t1.Sub(t0), cy+time.Since(t1)
				n++
			}
			b.ReportMetric(float64(gql.Microseconds())/float64(n)/1000, "gql-ms")
			b.ReportMetric(float64(cy.Microseconds())/float64(n)/1000, "cypher-ms")
			b.ReportMetric(float64(gql)/float64(cy), "ratio")
			if counter != nil {
				// Cypher statements per GraphQL request (issue 10: one).
				b.ReportMetric(float64(counter.Queries()-stmts)/float64(n), "stmts/op")
			}
		})
	}
}
