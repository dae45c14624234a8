package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	gg "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/hmkg/hmkg/graph"
)

// gonumLouvain runs gonum's Louvain (the implementation this package used
// before) on g's undirected simple graph and returns its modularity, for
// comparison only.
func gonumLouvain(g *simpleGraph) float64 {
	u := simple.NewUndirectedGraph()
	for i := range g.n {
		u.AddNode(simple.Node(i))
	}
	for a := range int32(g.n) {
		for _, b := range g.adj.row(a) {
			if a < b {
				u.SetEdge(simple.Edge{F: simple.Node(a), T: simple.Node(b)})
			}
		}
	}
	groups := community.Modularize(u, 1, rand.NewPCG(louvainSeed, louvainSeed)).Communities()
	return community.Q(u, groups, 1)
}

// The slice-based Louvain reaches at least gonum's modularity (less 0.01)
// on the tests' graphs, and its own modularity agrees with gonum's Q of the
// same partition.
func TestLouvainAgainstGonum(t *testing.T) {
	for name, sg := range map[string]*graph.Subgraph{"curated": curated(t), "synthetic-400": synthetic(t, 400), "synthetic-3000": synthetic(t, 3000)} {
		t.Run(name, func(t *testing.T) {
			g := build(sg)
			comm, err := louvain(context.Background(), g.adj, louvainSeed)
			if err != nil {
				t.Fatal(err)
			}
			ours := modularity(g.adj, comm)
			theirs := gonumLouvain(g)
			if ours < theirs-0.01 {
				t.Errorf("modularity %.4f, gonum's Louvain reaches %.4f", ours, theirs)
			}
			// gonum's Q of our partition must equal our modularity.
			u := simple.NewUndirectedGraph()
			for i := range g.n {
				u.AddNode(simple.Node(i))
			}
			for a := range int32(g.n) {
				for _, b := range g.adj.row(a) {
					if a < b {
						u.SetEdge(simple.Edge{F: simple.Node(a), T: simple.Node(b)})
					}
				}
			}
			groups := map[int32][]gg.Node{}
			for i, c := range comm {
				groups[c] = append(groups[c], simple.Node(i))
			}
			var parts [][]gg.Node
			for c := range int32(len(groups)) {
				parts = append(parts, groups[c])
			}
			if q := community.Q(u, parts, 1); math.Abs(q-ours) > 1e-9 {
				t.Errorf("our modularity %.12f, gonum's Q of the same communities %.12f", ours, q)
			}
			t.Logf("%d nodes, %d edges: modularity %.4f, gonum's Louvain %.4f", g.n, g.edges, ours, theirs)
		})
	}
}

// The figures do not depend on the number of workers: the sums run in a
// fixed order whatever the scheduling.
func TestBitwiseAcrossWorkers(t *testing.T) {
	sg := synthetic(t, 1500)
	one, err := AnalyzeWith(context.Background(), sg, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 7} {
		got, err := AnalyzeWith(context.Background(), sg, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, got) {
			for i := range one.Nodes {
				if one.Nodes[i] != got.Nodes[i] {
					t.Fatalf("%d workers: %+v, one worker %+v", w, got.Nodes[i], one.Nodes[i])
				}
			}
			t.Fatalf("%d workers: the communities or modularity differ from one worker's", w)
		}
	}
}

// A graph in pieces: isolated nodes, a path and a triangle. Closeness uses
// the Wasserman–Faust formula per component and betweenness counts only
// paths inside a component.
func TestDisconnected(t *testing.T) {
	sg := &graph.Subgraph{Nodes: []*graph.Node{
		node("a", graph.KindMovement), node("b", graph.KindOrganisation), node("c", graph.KindInstitution),
		node("x", graph.KindPerson), node("y", graph.KindPerson), node("z", graph.KindPerson), node("lone", graph.KindEvent),
	}, Relationships: []*graph.Relationship{rel("a", "b"), rel("b", "c"), rel("x", "y"), rel("y", "z"), rel("z", "x")}}
	res, err := AnalyzeWith(context.Background(), sg, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	n := 7.0
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		// b is on the one a–c path: 1 pair of (n-1)(n-2)/2 = 15.
		{"b betweenness", res.Node("b").Betweenness, 1 / 15.0},
		{"x betweenness", res.Node("x").Betweenness, 0},
		// b reaches 2 nodes at total distance 2: (2/2)·(2/6).
		{"b closeness", res.Node("b").Closeness, 2.0 / 2 * 2 / (n - 1)},
		{"a closeness", res.Node("a").Closeness, 2.0 / 3 * 2 / (n - 1)},
		{"lone closeness", res.Node("lone").Closeness, 0},
		{"b brokerage", res.Node("b").Brokerage, 0.5},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if res.Node("x").Community != res.Node("y").Community || res.Node("x").Community == res.Node("a").Community {
		t.Errorf("the triangle should be one community apart from the path: %+v", res.Communities)
	}
	if res.Node("lone").Community == res.Node("a").Community || res.Node("lone").Community == res.Node("x").Community {
		t.Errorf("an isolated node should be alone: %+v", res.Communities)
	}
}

// A cancelled context stops every phase, including one already past the
// breadth-first searches.
func TestCancelLouvain(t *testing.T) {
	g := build(synthetic(t, 500))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := louvain(ctx, g.adj, louvainSeed); err == nil {
		t.Error("louvain ignored a cancelled context")
	}
	if _, err := g.pageRank(ctx); err == nil {
		t.Error("pageRank ignored a cancelled context")
	}
	if _, err := g.eigenvector(ctx); err == nil {
		t.Error("eigenvector ignored a cancelled context")
	}
	if _, err := g.paths(ctx, 2); err == nil {
		t.Error("paths ignored a cancelled context")
	}
}

// BenchmarkLouvainVsGonum runs this package's Louvain and gonum's on the
// same synthetic graph alternately in one loop (HMKG_LOUVAIN_BENCH_NODES,
// default 5000) and reports each one's time and modularity and the ratio.
func BenchmarkLouvainVsGonum(b *testing.B) {
	nodes := 5000
	if v := os.Getenv("HMKG_LOUVAIN_BENCH_NODES"); v != "" {
		var err error
		if nodes, err = strconv.Atoi(v); err != nil || nodes < 2 {
			b.Fatalf("HMKG_LOUVAIN_BENCH_NODES=%q: want a number over 1", v)
		}
	}
	g := build(synthetic(b, nodes))
	var ours, theirs time.Duration
	var qOurs, qTheirs float64
	for b.Loop() {
		t0 := time.Now()
		comm, err := louvain(context.Background(), g.adj, louvainSeed)
		if err != nil {
			b.Fatal(err)
		}
		qOurs = modularity(g.adj, comm)
		t1 := time.Now()
		qTheirs = gonumLouvain(g)
		ours, theirs = ours+t1.Sub(t0), theirs+time.Since(t1)
	}
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "slices-ms/op")
	b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "gonum-ms/op")
	b.ReportMetric(float64(theirs)/float64(ours), "gonum/slices")
	b.ReportMetric(qOurs, "Q-slices")
	b.ReportMetric(qTheirs, "Q-gonum")
}

// BenchmarkPathsWorkers runs the breadth-first searches with one worker
// and with GOMAXPROCS workers alternately in one loop on a synthetic graph
// (HMKG_PATHS_BENCH_NODES, default 5000) and reports the speed-up.
func BenchmarkPathsWorkers(b *testing.B) {
	nodes := 5000
	if v := os.Getenv("HMKG_PATHS_BENCH_NODES"); v != "" {
		var err error
		if nodes, err = strconv.Atoi(v); err != nil || nodes < 2 {
			b.Fatalf("HMKG_PATHS_BENCH_NODES=%q: want a number over 1", v)
		}
	}
	g := build(synthetic(b, nodes))
	var one, all time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := g.paths(context.Background(), 1); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := g.paths(context.Background(), workers(0)); err != nil {
			b.Fatal(err)
		}
		one, all = one+t1.Sub(t0), all+time.Since(t1)
	}
	b.ReportMetric(float64(one.Milliseconds())/float64(b.N), "1worker-ms/op")
	b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "allworkers-ms/op")
	b.ReportMetric(float64(one)/float64(all), "speedup")
	b.ReportMetric(float64(workers(0)), "workers")
}
