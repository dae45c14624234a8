package memstore

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/hmkg/hmkg/graph"
)

// pathBudget bounds the depth-first enumeration of one path query; beyond
// it the paths found so far are returned.
const pathBudget = 2_000_000

// neighbours calls fn for every node reachable from h over one
// relationship in direction dir that passes types and asOf. A neighbour
// joined by parallel relationships is reported once per relationship.
func (s *Store) neighbours(h int32, dir graph.Direction, types uint64, asOf *int, fn func(w int32, rh int32)) {
	rec := &s.nodes[h]
	if dir != graph.DirectionIn {
		for _, rh := range rec.out {
			if s.relOK(rh, types, asOf) {
				fn(s.rels[rh].to, rh)
			}
		}
	}
	if dir != graph.DirectionOut {
		for _, rh := range rec.in {
			if s.relOK(rh, types, asOf) {
				fn(s.rels[rh].from, rh)
			}
		}
	}
}

func (s *Store) byID(a, b int32) int { return strings.Compare(s.nodes[a].id(), s.nodes[b].id()) }

// Neighbourhood is a breadth-first search from the seeds, level by level.
// Nodes are taken closest first and, within a level, by id, so a limit
// keeps the same nodes on every store. A Limit of 0 means
// graph.MaxNeighbourhoodSize. Nodes whose kind is filtered out are neither
// returned nor walked through.
func (s *Store) Neighbourhood(ctx context.Context, q graph.NeighbourhoodQuery) (*graph.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	limit, dir := q.Limit, q.Direction
	types, err := typeSet(q.Types)
	if err != nil {
		return nil, err
	}
	types = withContested(types, q.ExcludeContested)
	kinds, err := kindSet(q.Kinds)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// The nodes taken are marked in a pooled set, and the levels share one
	// pooled slice: got[:levelStart] are the nodes
	// of the earlier levels, got[levelStart:] the frontier.
	in := getSet()
	defer setPool.Put(in)
	sc := bfsPool.Get().(*bfsScratch)
	defer bfsPool.Put(sc)
	got := sc.got[:0]
	for _, id := range q.Seeds {
		h, ok := s.findNode(id)
		if !ok {
			return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
		}
		if !in.has(h) {
			in.mark(h)
			got = append(got, h)
		}
	}
	sg := &graph.Subgraph{}
	levelStart := 0
	for d := 0; d < q.Depth && levelStart < len(got); d++ {
		frontierEnd := len(got)
		for _, v := range got[levelStart:frontierEnd] {
			s.neighbours(v, dir, types, q.AsOf, func(w, _ int32) {
				if !in.has(w) && (kinds == 0 || kinds&(1<<s.nodes[w].kind) != 0) {
					in.mark(w)
					got = append(got, w)
				}
			})
		}
		// Within a level nodes are taken by id: when the limit cuts the
		// level, keep the room smallest ids.
		if next := got[frontierEnd:]; len(next) > limit-frontierEnd {
			room := max(limit-frontierEnd, 0)
			var kept []int32
			if room > 0 {
				kept = topK(next, room, s.byID) // a new slice
			}
			for _, w := range next {
				in.unmark(w)
			}
			for _, w := range kept {
				in.mark(w)
			}
			got = append(got[:frontierEnd], kept...)
			sg.Truncated = true
			break
		}
		levelStart = frontierEnd
	}
	slices.SortFunc(got, s.byID)
	sg.Nodes = s.nodesOut(got)
	rhs := sc.rels[:0]
	for _, h := range got {
		for _, rh := range s.nodes[h].out {
			if in.has(s.rels[rh].to) && s.relOK(rh, types, q.AsOf) {
				rhs = append(rhs, rh)
			}
		}
	}
	sg.Relationships = s.relsOut(rhs)
	sc.got, sc.rels = got, rhs
	return sg, graph.CtxError(ctx, "memstore.Neighbourhood")
}

// distScratch is ShortestPaths' distance array and the entries it set.
type distScratch struct {
	dist []int8
	set  []int32
}

var distPool = sync.Pool{New: func() any { return new(distScratch) }}

// bfsScratch holds the slices a neighbourhood reuses between requests.
type bfsScratch struct{ got, rels []int32 }

var bfsPool = sync.Pool{New: func() any { return new(bfsScratch) }}

// ShortestPaths returns the first K loopless paths from q.From to q.To in
// the order (length, then the sequence of node ids compared element by
// element), following relationships in either direction. That order is a
// total order on paths, so every store returns the same paths even when
// several are equally short; between two consecutive nodes joined by
// parallel relationships the one with the smallest id is reported.
//
// Method: a breadth-first search from q.To gives each node's distance to
// the target (computed lazily, one level at a time); then, for each length L
// from 1 to MaxLength, a depth-first search from q.From that visits
// neighbours in id order and prunes every node farther from the target than
// the steps left enumerates the paths of exactly length L in order. For K=1
// this walks the shortest-path DAG and never backtracks.
//
// MaxLength 0 means graph.MaxPathLength; K 0 means 1. From == To gives one
// path of length 0.
func (s *Store) ShortestPaths(ctx context.Context, q graph.PathQuery) ([]*graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	maxLen, k := q.MaxLength, q.K
	types, err := typeSet(q.Types)
	if err != nil {
		return nil, err
	}
	types = withContested(types, q.ExcludeContested)
	s.mu.RLock()
	defer s.mu.RUnlock()
	from, ok := s.findNode(q.From)
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", q.From)
	}
	to, ok := s.findNode(q.To)
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", q.To)
	}
	out := []*graph.Path{}
	if !s.nodes[from].existsAsOf(q.AsOf) || !s.nodes[to].existsAsOf(q.AsOf) {
		return out, nil
	}
	if from == to {
		return append(out, &graph.Path{Nodes: []*graph.Node{s.nodeOut(from)}, Relationships: []*graph.Relationship{}}), nil
	}
	// dist[v] is 1 + v's distance to the target, 0 while unknown.
	// It is a pooled array, so every entry set is listed in sc.got and
	// cleared before the array goes back.
	dc := distPool.Get().(*distScratch)
	if len(dc.dist) < len(s.nodes) {
		dc.dist = make([]int8, len(s.nodes)+len(s.nodes)/8)
	}
	dist := dc.dist
	defer func() {
		for _, h := range dc.set {
			dist[h] = 0
		}
		dc.set = dc.set[:0]
		distPool.Put(dc)
	}()
	dist[to] = 1
	dc.set = append(dc.set, to)
	frontier, depth := []int32{to}, 0
	extend := func(d int) {
		for depth < d && len(frontier) > 0 {
			var next []int32
			for _, v := range frontier {
				s.neighbours(v, graph.DirectionBoth, types, q.AsOf, func(w, _ int32) {
					if dist[w] == 0 {
						dist[w] = int8(depth + 2)
						dc.set = append(dc.set, w)
						next = append(next, w)
					}
				})
			}
			frontier, depth = next, depth+1
		}
	}
	onPath := make(map[int32]bool, maxLen+1)
	walk := []int32{from}
	onPath[from] = true
	budget := pathBudget
	var found [][]int32
	var dfs func(v int32, rem int) bool // false stops the search
	dfs = func(v int32, rem int) bool {
		if budget--; budget < 0 {
			return false
		}
		var cand []int32
		s.neighbours(v, graph.DirectionBoth, types, q.AsOf, func(w, _ int32) {
			dw := int(dist[w]) - 1
			if dw < 0 || dw > rem-1 || onPath[w] || (w == to) != (rem == 1) {
				return
			}
			cand = append(cand, w)
		})
		slices.SortFunc(cand, s.byID)
		cand = slices.Compact(cand)
		for _, w := range cand {
			walk = append(walk, w)
			if rem == 1 {
				found = append(found, slices.Clone(walk))
				walk = walk[:len(walk)-1]
				if len(found) == k {
					return false
				}
				continue
			}
			onPath[w] = true
			more := dfs(w, rem-1)
			onPath[w] = false
			walk = walk[:len(walk)-1]
			if !more {
				return false
			}
		}
		return true
	}
	for l := 1; l <= maxLen && len(found) < k && budget >= 0; l++ {
		extend(l - 1)
		if dist[from] == 0 && len(frontier) == 0 {
			break // the target's component is exhausted without reaching from
		}
		dfs(from, l)
		if err := graph.CtxError(ctx, "memstore.ShortestPaths"); err != nil {
			return nil, err
		}
	}
	if budget < 0 {
		s.cfg.logger.Warn("path search stopped at its budget", "from", q.From, "to", q.To, "found", len(found))
	}
	for _, hs := range found {
		p := &graph.Path{Nodes: make([]*graph.Node, len(hs)), Relationships: make([]*graph.Relationship, len(hs)-1)}
		for i, h := range hs {
			p.Nodes[i] = s.nodeOut(h)
			if i > 0 {
				p.Relationships[i-1] = s.relOut(s.edgeBetween(hs[i-1], h, types, q.AsOf))
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// edgeBetween returns the usable relationship between u and v (either
// direction) with the smallest id.
func (s *Store) edgeBetween(u, v int32, types uint64, asOf *int) int32 {
	best, bestID := int32(-1), ""
	s.neighbours(u, graph.DirectionBoth, types, asOf, func(w, rh int32) {
		if w != v {
			return
		}
		if id := s.relID(rh); best < 0 || id < bestID {
			best, bestID = rh, id
		}
	})
	return best
}
