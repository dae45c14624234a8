package analysis

import (
	"cmp"
	"runtime"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// csr is an adjacency in compressed sparse rows: the neighbours of node i
// are nbr[off[i]:off[i+1]], in ascending order. Node indexes are int32 so
// that a 100k-node graph's 600k arcs take 2.4 MB and stay in cache longer
// than slices of slices would.
type csr struct {
	off []int32
	nbr []int32
}

func (c csr) degree(i int) int    { return int(c.off[i+1] - c.off[i]) }
func (c csr) row(i int32) []int32 { return c.nbr[c.off[i]:c.off[i+1]] }

// simpleGraph is a selection by node index: node i is ids[i] (sorted), adj
// the undirected simple graph, out and in the directed one.
type simpleGraph struct {
	n            int
	ids          []string
	nodes        []*graph.Node
	adj, out, in csr
	edges        int
}

// build turns sg into index-based simple graphs. Arcs are packed into
// uint64 keys (from<<32 | to) and sorted, which both drops duplicates and
// yields every row already in ascending order, without a map per pair.
func build(sg *graph.Subgraph) *simpleGraph {
	nodes := slices.Clone(sg.Nodes)
	nodes = slices.DeleteFunc(nodes, func(n *graph.Node) bool { return n == nil })
	slices.SortFunc(nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) })
	nodes = slices.CompactFunc(nodes, func(a, b *graph.Node) bool { return a.ID == b.ID })
	n := len(nodes)
	g := &simpleGraph{n: n, nodes: nodes, ids: make([]string, n)}
	index := make(map[string]int32, n)
	for i, nd := range nodes {
		g.ids[i] = nd.ID
		index[nd.ID] = int32(i)
	}
	arcs := make([]uint64, 0, len(sg.Relationships))
	for _, r := range sg.Relationships {
		if r == nil {
			continue
		}
		u, okU := index[r.From]
		v, okV := index[r.To]
		if !okU || !okV || u == v {
			continue
		}
		arcs = append(arcs, uint64(u)<<32|uint64(v))
	}
	slices.Sort(arcs)
	arcs = slices.Compact(arcs)
	g.out = fromSorted(n, arcs)
	// The in-rows: the same arcs reversed, sorted again.
	rev := make([]uint64, len(arcs))
	for i, a := range arcs {
		rev[i] = a<<32 | a>>32
	}
	slices.Sort(rev)
	g.in = fromSorted(n, rev)
	// The undirected simple graph: both directions of every arc, sorted and
	// deduplicated, so u→v and v→u give one edge.
	both := slices.Concat(arcs, rev)
	slices.Sort(both)
	both = slices.Compact(both)
	g.adj = fromSorted(n, both)
	g.edges = len(both) / 2
	return g
}

// fromSorted builds a csr from sorted, distinct arc keys from<<32 | to.
func fromSorted(n int, arcs []uint64) csr {
	c := csr{off: make([]int32, n+1), nbr: make([]int32, len(arcs))}
	for i, a := range arcs {
		c.off[a>>32+1]++
		c.nbr[i] = int32(uint32(a))
	}
	for i := range n {
		c.off[i+1] += c.off[i]
	}
	return c
}

// workers is the number of goroutines for w (0: GOMAXPROCS).
func workers(w int) int {
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, w)
}

// communities turns a community index per node into Communities: members
// most central (PageRank) first, largest community first, then by first
// member; it sets each node's Community and CommunityLabel.
func (g *simpleGraph) communities(comm []int32, metrics []NodeMetrics) []Community {
	byCentrality := func(a, b int) int {
		if c := cmp.Compare(metrics[b].PageRank, metrics[a].PageRank); c != 0 {
			return c
		}
		return strings.Compare(g.ids[a], g.ids[b])
	}
	k := 0
	for _, c := range comm {
		k = max(k, int(c)+1)
	}
	groups := make([][]int, k)
	for i, c := range comm {
		groups[c] = append(groups[c], i)
	}
	groups = slices.DeleteFunc(groups, func(m []int) bool { return len(m) == 0 })
	for _, m := range groups {
		slices.SortFunc(m, byCentrality)
	}
	slices.SortFunc(groups, func(a, b []int) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(g.ids[a[0]], g.ids[b[0]])
	})
	out := make([]Community, len(groups))
	for ci, members := range groups {
		c := Community{Index: ci, Members: make([]string, len(members))}
		var names []string
		for j, i := range members {
			c.Members[j] = g.ids[i]
			metrics[i].Community = ci
			if j < labelMembers {
				names = append(names, g.nodes[i].Name)
			}
		}
		c.Label = strings.Join(names, " · ")
		for _, i := range members {
			metrics[i].CommunityLabel = c.Label
		}
		out[ci] = c
	}
	return out
}
