// Package analysis computes network metrics and communities over a
// selection of the knowledge graph, with the definitions and normalisation
// of networkx 3 so that a researcher can check every number against the
// reference implementation:
//
//   - the undirected simple graph of the selection (parallel relationships
//     collapsed, self-loops dropped) gives degree, degree centrality,
//     betweenness, closeness, eigenvector centrality, communities,
//     modularity and brokerage;
//   - the directed simple graph gives in- and out-degree and PageRank.
//
// Analyze is a pure function of a graph.Subgraph: it knows no store. Its
// cost is O(n·m) time (betweenness, closeness and brokerage share one
// breadth-first search per node, run by GOMAXPROCS workers over a compact
// int32 adjacency, csr.go and paths.go) and O(n+m) memory; PageRank and
// eigenvector centrality are power iterations over the same adjacency
// (vector.go) and communities a slice-based Louvain (louvain.go, which says
// why not gonum's). Selections are capped at MaxNodes nodes.
package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// MaxNodes caps the size of an analysed selection: betweenness and closeness
// cost one breadth-first search per node, so the time grows as n·m. At the
// cap (10k nodes, 30k edges) the searches take 7.4 s of CPU on the loaded
// 2-core machine, shared by both cores; 100k nodes take minutes (README,
// Benchmarks, "Network metrics"), far past a request's deadline, so the
// cap stays.
const MaxNodes = 10000

// Fixed parameters of the metrics (networkx's defaults where it has them).
const (
	// PageRankAlpha is the damping factor of PageRank.
	PageRankAlpha = 0.85
	// pageRankTol and eigenTol are far tighter than networkx's defaults
	// (1e-6) so that the figures are the fixed points themselves, which
	// networkx reaches with a tight tol too.
	pageRankTol   = 1e-13
	pageRankMaxIt = 100000
	eigenTol      = 1e-14
	eigenMaxIt    = 100000
	// louvainSeed makes community detection deterministic for the same data.
	louvainSeed = 20260101
	// labelMembers is how many of a community's most central members name it.
	labelMembers = 2
)

// NodeMetrics are one node's figures within the analysed selection.
type NodeMetrics struct {
	ID   string
	Name string
	Kind graph.Kind
	// Degree is the number of distinct neighbours (undirected simple graph).
	Degree int
	// InDegree and OutDegree count distinct predecessors and successors.
	InDegree, OutDegree int
	// DegreeCentrality is Degree / (n-1), networkx's degree_centrality.
	DegreeCentrality float64
	// Betweenness is networkx's betweenness_centrality (normalized).
	Betweenness float64
	// Closeness is networkx's closeness_centrality (Wasserman-Faust
	// improved formula for graphs that are not connected).
	Closeness float64
	// PageRank is networkx's pagerank with alpha 0.85 on the directed graph.
	PageRank float64
	// Eigenvector is networkx's eigenvector_centrality (unit Euclidean norm).
	Eigenvector float64
	// Brokerage is networkx's betweenness_centrality_subset with movements
	// as sources and institutions as targets, not normalised: the share of
	// shortest movement–institution paths that pass through the node.
	Brokerage float64
	// Community is the index of the node's community in Result.Communities.
	Community int
	// CommunityLabel is the label of that community.
	CommunityLabel string
}

// Community is a group of nodes found by Louvain modularity optimisation.
type Community struct {
	Index int
	// Members are node ids, most central (PageRank) first.
	Members []string
	// Label names the community by its most central members.
	Label string
}

// Result is the analysis of one selection.
type Result struct {
	// Nodes are sorted by id.
	Nodes []NodeMetrics
	// Communities are sorted by size, largest first, then by first member.
	Communities []Community
	// Modularity of the communities on the undirected simple graph.
	Modularity float64
	// Edges is the number of edges of the undirected simple graph.
	Edges int
}

// Node returns the metrics of the node with the given id, or nil.
func (r *Result) Node(id string) *NodeMetrics {
	i, ok := slices.BinarySearchFunc(r.Nodes, id, func(m NodeMetrics, id string) int { return strings.Compare(m.ID, id) })
	if !ok {
		return nil
	}
	return &r.Nodes[i]
}

// Brokers returns up to k nodes with positive brokerage, highest first,
// ties by id.
func (r *Result) Brokers(k int) []*NodeMetrics {
	var out []*NodeMetrics
	for i := range r.Nodes {
		if r.Nodes[i].Brokerage > 0 {
			out = append(out, &r.Nodes[i])
		}
	}
	slices.SortStableFunc(out, func(a, b *NodeMetrics) int {
		if c := cmp.Compare(b.Brokerage, a.Brokerage); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if k >= 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

// Analyze computes every metric over sg. Relationships whose endpoints are
// not both in sg.Nodes are ignored. It returns EINVALID when the selection
// has more than MaxNodes nodes, and stops with ctx's error when ctx ends.
func Analyze(ctx context.Context, sg *graph.Subgraph) (*Result, error) {
	return AnalyzeWith(ctx, sg, Options{})
}

// Options tune AnalyzeWith.
type Options struct {
	// MaxNodes raises or lowers the cap on the selection's size (benchmarks
	// and the command line analyse larger graphs); 0 means MaxNodes.
	MaxNodes int
	// Workers is how many goroutines share the breadth-first searches; 0
	// means GOMAXPROCS. The figures are bitwise the same for any value.
	Workers int
}

// AnalyzeWith is Analyze with options.
func AnalyzeWith(ctx context.Context, sg *graph.Subgraph, opt Options) (*Result, error) {
	limit := opt.MaxNodes
	if limit <= 0 {
		limit = MaxNodes
	}
	if len(sg.Nodes) > limit {
		return nil, graph.Errorf(graph.EINVALID, "the selection has %d nodes; metrics are computed for at most %d (narrow it with seeds, depth, kinds or types)", len(sg.Nodes), limit)
	}
	g := build(sg)
	n := g.n
	res := &Result{Nodes: make([]NodeMetrics, n), Edges: g.edges}
	for i := range n {
		res.Nodes[i] = NodeMetrics{
			ID: g.ids[i], Name: g.nodes[i].Name, Kind: g.nodes[i].Kind,
			Degree: g.adj.degree(i), InDegree: g.in.degree(i), OutDegree: g.out.degree(i),
		}
		if n > 1 {
			res.Nodes[i].DegreeCentrality = float64(g.adj.degree(i)) / float64(n-1)
		}
	}
	if n == 0 {
		return res, nil
	}
	p, err := g.paths(ctx, workers(opt.Workers))
	if err != nil {
		return nil, err
	}
	pr, err := g.pageRank(ctx)
	if err != nil {
		return nil, err
	}
	ev, err := g.eigenvector(ctx)
	if err != nil {
		return nil, err
	}
	for i := range n {
		res.Nodes[i].Betweenness = p.betweenness[i]
		res.Nodes[i].Closeness = p.closeness[i]
		res.Nodes[i].Brokerage = p.brokerage[i]
		res.Nodes[i].PageRank = pr[i]
		res.Nodes[i].Eigenvector = ev[i]
	}
	comm, err := louvain(ctx, g.adj, louvainSeed)
	if err != nil {
		return nil, err
	}
	res.Communities = g.communities(comm, res.Nodes)
	res.Modularity = modularity(g.adj, comm)
	return res, nil
}
