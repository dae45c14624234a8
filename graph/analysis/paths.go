package analysis

import (
	"context"
	"slices"
	"sync"

	"github.com/hmkg/hmkg/graph"
)

// pathBlocks is the number of fixed blocks the sources are cut into for the
// parallel breadth-first searches. It does not depend on the number of
// workers, so the sums, added block by block in block order, are bitwise
// the same on any machine; 64 blocks keep two to a few dozen workers busy.
const pathBlocks = 64

// pathMetrics are the figures that need one breadth-first search per source.
type pathMetrics struct {
	betweenness, closeness, brokerage []float64
}

// paths computes betweenness (Brandes) and closeness from one breadth-first
// search per node, and brokerage from the same searches of the movements,
// normalised as networkx does for undirected graphs.
//
// The sources are cut into pathBlocks contiguous blocks; workers take
// blocks in order, each block sums its sources' contributions in source
// order into its own partial vectors, and the partials are added to the
// totals strictly in block order (a finished block waits for the ones
// before it). So the figures do not depend on the workers or the
// scheduling, and at most a few partial vectors are alive at once.
func (g *simpleGraph) paths(ctx context.Context, nWorkers int) (*pathMetrics, error) {
	n := g.n
	// The searches run on a copy of the graph renumbered in breadth-first
	// order, so that neighbours have nearby numbers and a search's state
	// (dist, sigma, coefficients) is read from fewer cache lines; the
	// figures are mapped back to the node order at the end.
	perm, adj := bfsOrder(g.adj)
	res := &pathMetrics{betweenness: make([]float64, n), closeness: make([]float64, n), brokerage: make([]float64, n)}
	movement := make([]bool, n)
	target := make([]bool, n)
	for i, old := range perm {
		movement[i] = g.nodes[old].Kind == graph.KindMovement
		target[i] = g.nodes[old].Kind == graph.KindInstitution
	}
	blocks := min(pathBlocks, n)
	blockOf := func(b int) (lo, hi int) { return b * n / blocks, (b + 1) * n / blocks }

	type partial struct{ bc, brk []float64 }
	var (
		mu       sync.Mutex
		next     int // the next block a worker takes
		merged   int // blocks added to the totals so far
		done     = make([]*partial, blocks)
		free     []*partial
		firstErr error
	)
	take := func() (int, *partial, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= blocks || firstErr != nil {
			return 0, nil, false
		}
		b := next
		next++
		var p *partial
		if k := len(free); k > 0 {
			p, free = free[k-1], free[:k-1]
		} else {
			p = &partial{bc: make([]float64, n), brk: make([]float64, n)}
		}
		return b, p, true
	}
	// finish records block b's partial and adds every finished block that
	// is next in order to the totals, then recycles its vectors.
	finish := func(b int, p *partial) {
		mu.Lock()
		defer mu.Unlock()
		done[b] = p
		for merged < blocks && done[merged] != nil {
			q := done[merged]
			done[merged] = nil
			for i, v := range q.bc {
				res.betweenness[i] += v
			}
			for i, v := range q.brk {
				res.brokerage[i] += v
			}
			clear(q.bc)
			clear(q.brk)
			free = append(free, q)
			merged++
		}
	}
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}

	var wg sync.WaitGroup
	for range min(nWorkers, blocks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSearch(n)
			for {
				b, p, ok := take()
				if !ok {
					return
				}
				lo, hi := blockOf(b)
				for src := lo; src < hi; src++ {
					if err := ctx.Err(); err != nil {
						fail(err)
						return
					}
					res.closeness[src] = s.run(adj, int32(src), n)
					s.accumulate(adj, p.bc)
					if movement[src] {
						s.accumulateSubset(adj, target, p.brk)
					}
					s.reset()
				}
				finish(b, p)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	// Every unordered pair was counted from both ends; networkx's
	// normalisation for undirected graphs is 1/((n-1)(n-2)) on that sum.
	if n > 2 {
		scale := 1 / (float64(n-1) * float64(n-2))
		for i := range res.betweenness {
			res.betweenness[i] *= scale
		}
	}
	// networkx halves subset betweenness on undirected graphs.
	for i := range res.brokerage {
		res.brokerage[i] *= 0.5
	}
	out := &pathMetrics{betweenness: make([]float64, n), closeness: make([]float64, n), brokerage: make([]float64, n)}
	for i, old := range perm {
		out.betweenness[old] = res.betweenness[i]
		out.closeness[old] = res.closeness[i]
		out.brokerage[old] = res.brokerage[i]
	}
	return out, nil
}

// bfsOrder numbers the nodes of adj in breadth-first order (each component
// from its lowest node, neighbours in ascending order) and returns perm,
// perm[new] = old, and adj renumbered with ascending rows.
func bfsOrder(adj csr) ([]int32, csr) {
	n := len(adj.off) - 1
	perm := make([]int32, 0, n)
	rank := make([]int32, n) // rank[old] = new
	for i := range rank {
		rank[i] = -1
	}
	for root := range int32(n) {
		if rank[root] >= 0 {
			continue
		}
		rank[root] = int32(len(perm))
		perm = append(perm, root)
		for head := len(perm) - 1; head < len(perm); head++ {
			for _, w := range adj.row(perm[head]) {
				if rank[w] < 0 {
					rank[w] = int32(len(perm))
					perm = append(perm, w)
				}
			}
		}
	}
	out := csr{off: make([]int32, n+1), nbr: make([]int32, len(adj.nbr))}
	for i, old := range perm {
		row := out.nbr[out.off[i]:out.off[i]]
		for _, w := range adj.row(old) {
			row = append(row, rank[w])
		}
		slices.Sort(row)
		out.off[i+1] = out.off[i] + int32(len(row))
	}
	return perm, out
}

// search is one worker's state for Brandes' algorithm, reused across
// sources: only the nodes a search reached are reset after it.
type search struct {
	dist  []int32
	sigma []float64
	delta []float64
	order []int32
}

func newSearch(n int) *search {
	s := &search{dist: make([]int32, n), sigma: make([]float64, n), delta: make([]float64, n), order: make([]int32, 0, n)}
	for i := range s.dist {
		s.dist[i] = -1
	}
	return s
}

// run does a breadth-first search from src counting shortest paths and
// returns src's closeness, networkx's closeness_centrality with the
// Wasserman–Faust formula: (r-1)/Σd · (r-1)/(n-1) over the r nodes reached.
func (s *search) run(adj csr, src int32, n int) float64 {
	dist, sigma := s.dist, s.sigma
	order := s.order[:0]
	dist[src], sigma[src] = 0, 1
	order = append(order, src)
	var total int64
	for head := 0; head < len(order); head++ {
		v := order[head]
		dv, sv := dist[v], sigma[v]
		total += int64(dv)
		for _, w := range adj.nbr[adj.off[v]:adj.off[v+1]] {
			switch dw := dist[w]; {
			case dw < 0:
				dist[w] = dv + 1
				sigma[w] = sv
				order = append(order, w)
			case dw == dv+1:
				sigma[w] += sv
			}
		}
	}
	s.order = order
	r := len(order)
	if total == 0 || n <= 1 {
		return 0
	}
	return float64(r-1) / float64(total) * float64(r-1) / float64(n-1)
}

// accumulate adds the last search's pair dependencies (Brandes) to bc.
// It pulls rather than pushes: a node's dependency is
// δ(v) = σ(v) · Σ (1+δ(w))/σ(w) over its successors w (neighbours one step
// farther from the source), so each node, taken farthest first, reads its
// successors' coefficients (1+δ(w))/σ(w) and writes only its own; no
// predecessor lists are kept and no scattered writes are made.
func (s *search) accumulate(adj csr, bc []float64) {
	dist, sigma, coef, order := s.dist, s.sigma, s.delta, s.order
	for i := len(order) - 1; i > 0; i-- {
		v := order[i]
		next := dist[v] + 1
		var sum float64
		for _, w := range adj.nbr[adj.off[v]:adj.off[v+1]] {
			if dist[w] == next {
				sum += coef[w]
			}
		}
		d := sigma[v] * sum
		bc[v] += d
		coef[v] = (1 + d) / sigma[v]
	}
}

// accumulateSubset adds the last search's dependencies on paths that end at
// a target (networkx's betweenness_centrality_subset) to out, pulling as
// accumulate does with coefficients (δ(w) + [w is a target])/σ(w). It
// reuses delta, so it overwrites accumulate's coefficients.
func (s *search) accumulateSubset(adj csr, target []bool, out []float64) {
	dist, sigma, coef, order := s.dist, s.sigma, s.delta, s.order
	for i := len(order) - 1; i > 0; i-- {
		v := order[i]
		next := dist[v] + 1
		var sum float64
		for _, w := range adj.nbr[adj.off[v]:adj.off[v+1]] {
			if dist[w] == next {
				sum += coef[w]
			}
		}
		d := sigma[v] * sum
		out[v] += d
		if target[v] {
			d++
		}
		coef[v] = d / sigma[v]
	}
}

// reset clears what the last search touched.
func (s *search) reset() {
	for _, v := range s.order {
		s.dist[v] = -1
		s.sigma[v] = 0
		s.delta[v] = 0
	}
	s.order = s.order[:0]
}
