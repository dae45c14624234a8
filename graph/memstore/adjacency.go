package memstore

import (
	"slices"
	"strings"
	"sync"

	"github.com/hmkg/hmkg/graph"
)

// A page of a node's relationships is its first k by id
// (graph.RelQuery.PerNode). For an ordinary node, a bounded heap over its
// few relationships finds them (firstByID). For a hub, with hundreds or
// thousands, building every id for every page would be most of the
// request, so the hub's relationships are sorted by id once and kept here
// until the next write; a page is then a walk from the start of that list.

// hubDegree is the number of relationships from which a node's sorted
// list is cached; maxCachedHubs bounds how many are kept at once.
const (
	hubDegree     = 24
	maxCachedHubs = 4096
)

// adjacencyCache holds hubs' relationship handles sorted by id.
type adjacencyCache struct {
	mu     sync.Mutex
	sorted map[int32][]int32
}

// clear forgets every list; writers call it under the store's write lock.
func (c *adjacencyCache) clear() {
	c.mu.Lock()
	c.sorted = nil
	c.mu.Unlock()
}

// hubByID returns every relationship of hub h (out and in, each once)
// sorted by id, building and caching the list on first use; nil when the
// cache is full. Callers hold the store's read lock.
func (s *Store) hubByID(h int32) []int32 {
	c := &s.hubs
	c.mu.Lock()
	l, ok := c.sorted[h]
	full := len(c.sorted) >= maxCachedHubs
	c.mu.Unlock()
	if ok {
		return l
	}
	if full {
		return nil
	}
	rec := &s.nodes[h]
	type idh struct {
		id string
		h  int32
	}
	all := make([]idh, 0, len(rec.out)+len(rec.in))
	for _, rh := range rec.out {
		all = append(all, idh{s.relID(rh), rh})
	}
	for _, rh := range rec.in {
		if s.rels[rh].from != h { // a self-loop is in the out list too
			all = append(all, idh{s.relID(rh), rh})
		}
	}
	slices.SortFunc(all, func(a, b idh) int { return strings.Compare(a.id, b.id) })
	l = make([]int32, len(all))
	for i, x := range all {
		l[i] = x.h
	}
	c.mu.Lock()
	if c.sorted == nil {
		c.sorted = map[int32][]int32{}
	}
	c.sorted[h] = l
	c.mu.Unlock()
	return l
}

// firstOfHub appends to hs the first k relationships by id of hub h that
// go in direction dir and pass relOK; false when the hub's list is not
// available (the cache is full).
func (s *Store) firstOfHub(hs []int32, h int32, dir graph.Direction, types uint64, asOf *int, k int) ([]int32, bool) {
	l := s.hubByID(h)
	if l == nil {
		return hs, false
	}
	n := 0
	for _, rh := range l {
		r := &s.rels[rh]
		if (dir == graph.DirectionOut && r.from != h) || (dir == graph.DirectionIn && r.to != h) {
			continue
		}
		if !s.relOK(rh, types, asOf) {
			continue
		}
		hs = append(hs, rh)
		if n++; n == k {
			break
		}
	}
	return hs, true
}
