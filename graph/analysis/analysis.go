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
// cost is O(n·m) time (betweenness, closeness and brokerage run one
// breadth-first search per node) and O(n+m) memory, so selections are
// capped at MaxNodes nodes.
//
// The metrics share one index-based graph and one breadth-first search,
// so they stay in one file although it is over 500 lines.
package analysis

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	gg "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/hmkg/hmkg/graph"
)

// MaxNodes caps the size of an analysed selection: betweenness and closeness
// cost one breadth-first search per node.
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
	n := len(g.ids)
	res := &Result{Nodes: make([]NodeMetrics, n), Edges: g.edges}
	for i := range n {
		res.Nodes[i] = NodeMetrics{
			ID: g.ids[i], Name: g.nodes[i].Name, Kind: g.nodes[i].Kind,
			Degree: len(g.adj[i]), InDegree: len(g.in[i]), OutDegree: len(g.out[i]),
		}
		if n > 1 {
			res.Nodes[i].DegreeCentrality = float64(len(g.adj[i])) / float64(n-1)
		}
	}
	if n == 0 {
		return res, nil
	}
	bc, cl, err := g.paths(ctx)
	if err != nil {
		return nil, err
	}
	brk, err := g.brokerage(ctx)
	if err != nil {
		return nil, err
	}
	pr := g.pageRank()
	ev := g.eigenvector()
	for i := range n {
		res.Nodes[i].Betweenness = bc[i]
		res.Nodes[i].Closeness = cl[i]
		res.Nodes[i].Brokerage = brk[i]
		res.Nodes[i].PageRank = pr[i]
		res.Nodes[i].Eigenvector = ev[i]
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Communities, res.Modularity = g.communities(res.Nodes)
	return res, nil
}

// simpleGraph is a selection as index-based adjacency lists: node i is
// ids[i] (sorted), adj the undirected simple graph, out/in the directed one.
type simpleGraph struct {
	ids          []string
	nodes        []*graph.Node
	adj, out, in [][]int
	edges        int
}

func build(sg *graph.Subgraph) *simpleGraph {
	nodes := slices.Clone(sg.Nodes)
	nodes = slices.DeleteFunc(nodes, func(n *graph.Node) bool { return n == nil })
	slices.SortFunc(nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) })
	nodes = slices.CompactFunc(nodes, func(a, b *graph.Node) bool { return a.ID == b.ID })
	g := &simpleGraph{nodes: nodes, ids: make([]string, len(nodes))}
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		g.ids[i] = n.ID
		index[n.ID] = i
	}
	n := len(nodes)
	g.adj, g.out, g.in = make([][]int, n), make([][]int, n), make([][]int, n)
	undirected := make(map[[2]int]bool)
	directed := make(map[[2]int]bool)
	for _, r := range sg.Relationships {
		if r == nil {
			continue
		}
		u, okU := index[r.From]
		v, okV := index[r.To]
		if !okU || !okV || u == v {
			continue
		}
		if !directed[[2]int{u, v}] {
			directed[[2]int{u, v}] = true
			g.out[u] = append(g.out[u], v)
			g.in[v] = append(g.in[v], u)
		}
		a, b := min(u, v), max(u, v)
		if !undirected[[2]int{a, b}] {
			undirected[[2]int{a, b}] = true
			g.adj[a] = append(g.adj[a], b)
			g.adj[b] = append(g.adj[b], a)
			g.edges++
		}
	}
	for i := range n {
		slices.Sort(g.adj[i])
		slices.Sort(g.out[i])
		slices.Sort(g.in[i])
	}
	return g
}

// bfs holds the per-source state of Brandes' algorithm, reused across sources.
type bfs struct {
	dist  []int
	sigma []float64
	delta []float64
	order []int
	preds [][]int
}

func newBFS(n int) *bfs {
	return &bfs{dist: make([]int, n), sigma: make([]float64, n), delta: make([]float64, n), order: make([]int, 0, n), preds: make([][]int, n)}
}

// run does a breadth-first search from s counting shortest paths.
func (b *bfs) run(adj [][]int, s int) {
	for i := range b.dist {
		b.dist[i] = -1
		b.sigma[i] = 0
		b.delta[i] = 0
		b.preds[i] = b.preds[i][:0]
	}
	b.order = b.order[:0]
	b.dist[s], b.sigma[s] = 0, 1
	b.order = append(b.order, s)
	for head := 0; head < len(b.order); head++ {
		v := b.order[head]
		for _, w := range adj[v] {
			if b.dist[w] < 0 {
				b.dist[w] = b.dist[v] + 1
				b.order = append(b.order, w)
			}
			if b.dist[w] == b.dist[v]+1 {
				b.sigma[w] += b.sigma[v]
				b.preds[w] = append(b.preds[w], v)
			}
		}
	}
}

// paths computes betweenness (Brandes) and closeness with one breadth-first
// search per node, normalised as networkx does for undirected graphs.
func (g *simpleGraph) paths(ctx context.Context) (bc, cl []float64, err error) {
	n := len(g.ids)
	bc, cl = make([]float64, n), make([]float64, n)
	b := newBFS(n)
	for s := range n {
		if s%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		b.run(g.adj, s)
		// Closeness: (r-1)/Σd · (r-1)/(n-1) over the r nodes reached.
		total := 0
		for _, v := range b.order {
			total += b.dist[v]
		}
		if r := len(b.order); total > 0 && n > 1 {
			cl[s] = float64(r-1) / float64(total) * float64(r-1) / float64(n-1)
		}
		for i := len(b.order) - 1; i >= 0; i-- {
			w := b.order[i]
			for _, v := range b.preds[w] {
				b.delta[v] += b.sigma[v] / b.sigma[w] * (1 + b.delta[w])
			}
			if w != s {
				bc[w] += b.delta[w]
			}
		}
	}
	// Every unordered pair was counted from both ends; networkx's
	// normalisation for undirected graphs is 1/((n-1)(n-2)) on that sum.
	if n > 2 {
		scale := 1 / float64((n-1)*(n-2))
		for i := range bc {
			bc[i] *= scale
		}
	}
	return bc, cl, nil
}

// brokerage is networkx's betweenness_centrality_subset(G, sources =
// movements, targets = institutions, normalized=False) on the undirected
// simple graph: each shortest path from a movement to an institution adds
// its share to the nodes strictly inside it, halved as networkx does for
// undirected graphs.
func (g *simpleGraph) brokerage(ctx context.Context) ([]float64, error) {
	n := len(g.ids)
	out := make([]float64, n)
	target := make([]bool, n)
	for i, nd := range g.nodes {
		target[i] = nd.Kind == graph.KindInstitution
	}
	b := newBFS(n)
	for s, nd := range g.nodes {
		if nd.Kind != graph.KindMovement {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b.run(g.adj, s)
		for i := len(b.order) - 1; i >= 0; i-- {
			w := b.order[i]
			coeff := b.delta[w] / b.sigma[w]
			if target[w] {
				coeff = (1 + b.delta[w]) / b.sigma[w]
			}
			for _, v := range b.preds[w] {
				b.delta[v] += b.sigma[v] * coeff
			}
			if w != s {
				out[w] += b.delta[w]
			}
		}
	}
	for i := range out {
		out[i] *= 0.5
	}
	return out, nil
}

// pageRank is networkx's pagerank on the directed simple graph: power
// iteration from a uniform start, x = α·(Σ x_u/out(u) over predecessors u +
// dangling mass/n) + (1-α)/n, until the L1 change is below n·tol. It sums
// in node order, so the same graph gives bitwise the same figures on every
// run and every store (gonum's PageRank sums in map order and does not).
func (g *simpleGraph) pageRank() []float64 {
	n := len(g.ids)
	x := make([]float64, n)
	last := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	for range pageRankMaxIt {
		copy(last, x)
		var dangling float64
		for u := range n {
			if len(g.out[u]) == 0 {
				dangling += last[u]
			}
		}
		base := PageRankAlpha*dangling/float64(n) + (1-PageRankAlpha)/float64(n)
		var diff float64
		for v := range n {
			var s float64
			for _, u := range g.in[v] {
				s += last[u] / float64(len(g.out[u]))
			}
			x[v] = PageRankAlpha*s + base
			diff += math.Abs(x[v] - last[v])
		}
		if diff < float64(n)*pageRankTol {
			break
		}
	}
	// The iteration keeps the vector's sum; make it exactly a distribution.
	var sum float64
	for _, v := range x {
		sum += v
	}
	if sum > 0 {
		for i := range x {
			x[i] /= sum
		}
	}
	return x
}

// eigenvector is networkx's eigenvector_centrality: power iteration on
// A+I from a uniform start, each step scaled to unit Euclidean norm, until
// the L1 change is below n·tol. gonum has no eigenvector centrality; the
// iteration is networkx's own so that graphs that are not connected give
// the same answer too.
func (g *simpleGraph) eigenvector() []float64 {
	n := len(g.ids)
	x := make([]float64, n)
	last := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	for range eigenMaxIt {
		copy(last, x)
		// x = (A+I)·last
		for v := range n {
			for _, u := range g.adj[v] {
				x[u] += last[v]
			}
		}
		var norm float64
		for _, v := range x {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			norm = 1
		}
		var diff float64
		for i := range x {
			x[i] /= norm
			diff += math.Abs(x[i] - last[i])
		}
		if diff < float64(n)*eigenTol {
			break
		}
	}
	return x
}

// communities runs gonum's Louvain with a fixed seed on the undirected
// simple graph (nodes in id order, so the same data gives the same
// communities) and scores them with gonum's modularity Q.
func (g *simpleGraph) communities(metrics []NodeMetrics) ([]Community, float64) {
	n := len(g.ids)
	u := simple.NewUndirectedGraph()
	for i := range n {
		u.AddNode(simple.Node(i))
	}
	for a := range n {
		for _, b := range g.adj[a] {
			if a < b {
				u.SetEdge(simple.Edge{F: simple.Node(a), T: simple.Node(b)})
			}
		}
	}
	var groups [][]gg.Node
	if g.edges == 0 {
		// Louvain has nothing to move: every node is its own community.
		for i := range n {
			groups = append(groups, []gg.Node{simple.Node(i)})
		}
	} else {
		groups = community.Modularize(u, 1, rand.NewPCG(louvainSeed, louvainSeed)).Communities()
	}
	q := 0.0
	if g.edges > 0 {
		q = community.Q(u, groups, 1)
	}
	byCentrality := func(a, b int) int {
		if c := cmp.Compare(metrics[b].PageRank, metrics[a].PageRank); c != 0 {
			return c
		}
		return strings.Compare(g.ids[a], g.ids[b])
	}
	type group struct{ members []int }
	gs := make([]group, 0, len(groups))
	for _, grp := range groups {
		m := make([]int, 0, len(grp))
		for _, nd := range grp {
			m = append(m, int(nd.ID()))
		}
		if len(m) == 0 {
			continue
		}
		slices.SortFunc(m, byCentrality)
		gs = append(gs, group{m})
	}
	slices.SortFunc(gs, func(a, b group) int {
		if c := cmp.Compare(len(b.members), len(a.members)); c != 0 {
			return c
		}
		return strings.Compare(g.ids[a.members[0]], g.ids[b.members[0]])
	})
	out := make([]Community, len(gs))
	for ci, grp := range gs {
		c := Community{Index: ci, Members: make([]string, len(grp.members))}
		var names []string
		for j, i := range grp.members {
			c.Members[j] = g.ids[i]
			metrics[i].Community = ci
			if j < labelMembers {
				names = append(names, g.nodes[i].Name)
			}
		}
		c.Label = strings.Join(names, " · ")
		for _, i := range grp.members {
			metrics[i].CommunityLabel = c.Label
		}
		out[ci] = c
	}
	return out, q
}
