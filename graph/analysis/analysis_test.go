package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
)

func node(id string, k graph.Kind) *graph.Node { return &graph.Node{ID: id, Kind: k, Name: id} }

func rel(from, to string) *graph.Relationship {
	return &graph.Relationship{ID: from + "-" + to, From: from, To: to, Type: graph.RelInvolved}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// A star of an organisation at the centre with four leaves, one of them a
// movement and two institutions: every figure has a closed form.
func TestStar(t *testing.T) {
	sg := &graph.Subgraph{Nodes: []*graph.Node{
		node("hub", graph.KindOrganisation), node("a", graph.KindInstitution), node("b", graph.KindInstitution),
		node("c", graph.KindOrganisation), node("d", graph.KindMovement),
	}}
	for _, leaf := range []string{"a", "b", "c", "d"} {
		sg.Relationships = append(sg.Relationships, rel("hub", leaf))
	}
	// A parallel relationship and its reverse must not count twice, nor a self-loop.
	sg.Relationships = append(sg.Relationships, rel("hub", "a"), rel("a", "hub"), rel("a", "a"))
	res, err := Analyze(context.Background(), sg)
	if err != nil {
		t.Fatal(err)
	}
	hub, leaf := res.Node("hub"), res.Node("c")
	if hub.Degree != 4 || hub.OutDegree != 4 || hub.InDegree != 1 || res.Edges != 4 {
		t.Errorf("hub degree %d out %d in %d, edges %d; want 4, 4, 1, 4", hub.Degree, hub.OutDegree, hub.InDegree, res.Edges)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"hub degree centrality", hub.DegreeCentrality, 1},
		{"hub betweenness", hub.Betweenness, 1},
		{"leaf betweenness", leaf.Betweenness, 0},
		{"hub closeness", hub.Closeness, 1},
		{"leaf closeness", leaf.Closeness, 4.0 / 7},
		// Both movement–institution paths (d–hub–a, d–hub–b) pass through
		// the hub; networkx halves subset betweenness on undirected graphs.
		{"hub brokerage", hub.Brokerage, 1},
		{"institution brokerage", res.Node("a").Brokerage, 0},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var sum float64
	for _, m := range res.Nodes {
		sum += m.PageRank
	}
	if !near(sum, 1) {
		t.Errorf("PageRank sums to %v, want 1", sum)
	}
	if hub.PageRank <= leaf.PageRank {
		t.Errorf("the hub, linked from a, should outrank the leaf c: %v <= %v", hub.PageRank, leaf.PageRank)
	}
	if got := res.Brokers(5); len(got) != 1 || got[0].ID != "hub" {
		t.Errorf("brokers: %v, want only the hub", got)
	}
}

func TestEmptyAndIsolated(t *testing.T) {
	res, err := Analyze(context.Background(), &graph.Subgraph{})
	if err != nil || len(res.Nodes) != 0 {
		t.Fatalf("empty selection: %v, %v", res, err)
	}
	res, err = Analyze(context.Background(), &graph.Subgraph{Nodes: []*graph.Node{node("x", graph.KindPerson), node("y", graph.KindPerson)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Communities) != 2 || res.Modularity != 0 {
		t.Errorf("two isolated nodes: %d communities, modularity %v; want 2 and 0", len(res.Communities), res.Modularity)
	}
}

func TestCapAndCancel(t *testing.T) {
	big := &graph.Subgraph{}
	for i := range MaxNodes + 1 {
		big.Nodes = append(big.Nodes, node(fmt.Sprintf("n%d", i), graph.KindPerson))
	}
	if _, err := Analyze(context.Background(), big); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("a selection over MaxNodes: got %v, want EINVALID", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, curated(t)); err == nil {
		t.Error("a cancelled analysis returned no error")
	}
}

// Communities are deterministic, cover every node once and name themselves
// after their most central members.
func TestCommunities(t *testing.T) {
	sg := curated(t)
	a, err := Analyze(context.Background(), sg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Analyze(context.Background(), sg)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, c := range a.Communities {
		if fmt.Sprint(c.Members) != fmt.Sprint(b.Communities[i].Members) {
			t.Fatalf("community %d differs between two runs on the same data", i)
		}
		if c.Label == "" {
			t.Errorf("community %d has no label", i)
		}
		for _, id := range c.Members {
			seen[id]++
			if got := a.Node(id).Community; got != i {
				t.Errorf("%s: node says community %d, list says %d", id, got, i)
			}
		}
	}
	if len(seen) != len(a.Nodes) {
		t.Errorf("communities cover %d of %d nodes", len(seen), len(a.Nodes))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s is in %d communities", id, n)
		}
	}
	if a.Modularity < 0.3 {
		t.Errorf("modularity %v: Louvain should find clear structure in the curated graph", a.Modularity)
	}
}

func curated(t testing.TB) *graph.Subgraph {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	return &graph.Subgraph{Nodes: d.Nodes, Relationships: d.Relationships}
}

func synthetic(t testing.TB, nodes int) *graph.Subgraph {
	t.Helper()
	d := synth.Generate(nodes, 6, 7)
	return &graph.Subgraph{Nodes: d.Nodes, Relationships: d.Relationships}
}

// TestMatchesNetworkx compares every metric with networkx 3 on the same
// selection: the curated graph and a synthetic one.
func TestMatchesNetworkx(t *testing.T) {
	py := pycheckPython(t)
	for name, sg := range map[string]*graph.Subgraph{"curated": curated(t), "synthetic": synthetic(t, 400)} {
		t.Run(name, func(t *testing.T) {
			res, err := Analyze(context.Background(), sg)
			if err != nil {
				t.Fatal(err)
			}
			ref := networkx(t, py, sg, res)
			if ref.Edges != res.Edges {
				t.Errorf("undirected simple graph: %d edges, networkx %d", res.Edges, ref.Edges)
			}
			bad := 0
			for _, m := range res.Nodes {
				want, ok := ref.Nodes[m.ID]
				if !ok {
					t.Fatalf("networkx has no node %s", m.ID)
				}
				for _, c := range []struct {
					metric    string
					got, want float64
				}{
					{"degree", float64(m.Degree), want.Degree},
					{"inDegree", float64(m.InDegree), want.InDegree},
					{"outDegree", float64(m.OutDegree), want.OutDegree},
					{"degreeCentrality", m.DegreeCentrality, want.DegreeCentrality},
					{"betweenness", m.Betweenness, want.Betweenness},
					{"closeness", m.Closeness, want.Closeness},
					{"pageRank", m.PageRank, want.PageRank},
					{"eigenvector", m.Eigenvector, want.Eigenvector},
					{"brokerage", m.Brokerage, want.Brokerage},
				} {
					if !near(c.got, c.want) {
						if bad++; bad <= 20 {
							t.Errorf("%s %s = %.15g, networkx %.15g", m.ID, c.metric, c.got, c.want)
						}
					}
				}
			}
			if !near(res.Modularity, ref.ModularityOfOurs) {
				t.Errorf("modularity of our communities %v, networkx computes %v", res.Modularity, ref.ModularityOfOurs)
			}
			if math.Abs(res.Modularity-ref.LouvainModularity) > 0.02 {
				t.Errorf("modularity %v, networkx's own Louvain reaches %v (allowed difference 0.02)", res.Modularity, ref.LouvainModularity)
			}
			t.Logf("%d nodes, %d edges, %d communities, modularity %.4f (networkx Louvain %.4f)", len(res.Nodes), res.Edges, len(res.Communities), res.Modularity, ref.LouvainModularity)
		})
	}
}

type reference struct {
	Nodes map[string]struct {
		Degree, InDegree, OutDegree              float64
		DegreeCentrality, Betweenness, Closeness float64
		PageRank, Eigenvector, Brokerage         float64
	} `json:"nodes"`
	Edges             int     `json:"edges"`
	ModularityOfOurs  float64 `json:"modularityOfOurs"`
	LouvainModularity float64 `json:"louvainModularity"`
}

func networkx(t *testing.T, py string, sg *graph.Subgraph, res *Result) *reference {
	t.Helper()
	type nd struct {
		ID   string     `json:"id"`
		Kind graph.Kind `json:"kind"`
	}
	in := struct {
		Nodes       []nd        `json:"nodes"`
		Edges       [][2]string `json:"edges"`
		Communities [][]string  `json:"communities"`
	}{}
	for _, n := range sg.Nodes {
		in.Nodes = append(in.Nodes, nd{n.ID, n.Kind})
	}
	for _, r := range sg.Relationships {
		in.Edges = append(in.Edges, [2]string{r.From, r.To})
	}
	for _, c := range res.Communities {
		in.Communities = append(in.Communities, c.Members)
	}
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("..", "..", "scripts", "pycheck", "metrics.py"))
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("networkx: %v\n%s", err, stderr.String())
	}
	var ref reference
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("networkx output: %v", err)
	}
	return &ref
}

// pycheckPython returns the venv python that scripts/pycheck/setup made.
// Without HMKG_PYCHECK=1 (make test sets it) the test is skipped; in CI a
// missing venv is a failure.
func pycheckPython(t *testing.T) string {
	t.Helper()
	if os.Getenv("HMKG_PYCHECK") != "1" && os.Getenv("CI") == "" {
		t.Skip("set HMKG_PYCHECK=1 (after scripts/pycheck/setup) to compare metrics with networkx")
	}
	py := os.Getenv("HMKG_PYCHECK_PYTHON")
	if py == "" {
		py = filepath.Join("..", "..", ".venv", "bin", "python")
	}
	if _, err := os.Stat(py); err != nil {
		t.Fatalf("networkx venv missing (%v); run scripts/pycheck/setup", err)
	}
	return py
}

// BenchmarkAnalyze measures the metrics on the curated graph and a 5k-node
// synthetic one; HMKG_ANALYSIS_BENCH_NODES=100000 (scripts/bench sets it)
// adds a synthetic graph of that size, analysed with the cap raised.
func BenchmarkAnalyze(b *testing.B) {
	cases := []struct {
		name string
		sg   *graph.Subgraph
	}{{"curated", curated(b)}, {"synthetic-5k", synthetic(b, 5000)}}
	if v := os.Getenv("HMKG_ANALYSIS_BENCH_NODES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("HMKG_ANALYSIS_BENCH_NODES=%q: want a positive number", v)
		}
		cases = append(cases, struct {
			name string
			sg   *graph.Subgraph
		}{fmt.Sprintf("synthetic-%d", n), synthetic(b, n)})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := AnalyzeWith(context.Background(), c.sg, Options{MaxNodes: len(c.sg.Nodes)})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Edges), "edges")
			}
		})
	}
}
