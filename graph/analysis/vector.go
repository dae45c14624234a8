package analysis

import (
	"context"
	"math"
)

// ctxEvery is how many iterations of a power method run between two looks
// at the context.
const ctxEvery = 16

// pageRank is networkx's pagerank on the directed simple graph: power
// iteration from a uniform start, x = α·(Σ x_u/out(u) over predecessors u +
// dangling mass/n) + (1-α)/n, until the L1 change is below n·tol. It sums
// in node order, so the same graph gives bitwise the same figures on every
// run and every store (gonum's PageRank sums in map order and does not).
// Each step gathers over the in-rows of the CSR with the shares x_u/out(u)
// computed once per node.
func (g *simpleGraph) pageRank(ctx context.Context) ([]float64, error) {
	n := g.n
	x := make([]float64, n)
	last := make([]float64, n)
	share := make([]float64, n)
	outDeg := make([]float64, n)
	var dangling []int32
	for u := range n {
		outDeg[u] = float64(g.out.degree(u))
		if outDeg[u] == 0 {
			dangling = append(dangling, int32(u))
		}
	}
	for i := range x {
		x[i] = 1 / float64(n)
	}
	for it := range pageRankMaxIt {
		if it%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		x, last = last, x
		var mass float64
		for _, u := range dangling {
			mass += last[u]
		}
		for u := range n {
			if outDeg[u] > 0 {
				share[u] = last[u] / outDeg[u]
			}
		}
		base := PageRankAlpha*mass/float64(n) + (1-PageRankAlpha)/float64(n)
		var diff float64
		for v := range n {
			var s float64
			for _, u := range g.in.nbr[g.in.off[v]:g.in.off[v+1]] {
				s += share[u]
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
	return x, nil
}

// eigenvector is networkx's eigenvector_centrality: power iteration on
// A+I from a uniform start, each step scaled to unit Euclidean norm, until
// the L1 change is below n·tol. gonum has no eigenvector centrality; the
// iteration is networkx's own so that graphs that are not connected give
// the same answer too. Each step gathers x_v = last_v + Σ last_u over v's
// row, in ascending u.
func (g *simpleGraph) eigenvector(ctx context.Context) ([]float64, error) {
	n := g.n
	x := make([]float64, n)
	last := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	for it := range eigenMaxIt {
		if it%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		x, last = last, x
		var norm float64
		for v := range n {
			s := last[v]
			for _, u := range g.adj.nbr[g.adj.off[v]:g.adj.off[v+1]] {
				s += last[u]
			}
			x[v] = s
			norm += s * s
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
	return x, nil
}
