package memstore

// Ordered node pages without sorting every node per request.
//
// An order index is every live node handle sorted by one NodeOrder field,
// ascending, ties by id (the YEAR index puts undated nodes last). A page of
// a single-key order is read from it directly: ascending is the index in
// sequence; descending is its groups of equal keys from the last to the
// first, each group still by id, then (YEAR) the undated nodes by id, which
// is exactly the order of Store.comparator. An index is built on first use
// (under the read lock, guarded by ordMu) and from then on kept up to date
// by every write: a node's position moves when its key changes (a new
// relationship changes two degrees). A bulk import drops the indexes, and
// the next ordered page rebuilds the one it needs.
//
// byKind lists the live handles of each kind in handle order, so that a
// filter naming kinds scans only those nodes.

import (
	"cmp"
	"iter"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Order index slots.
const (
	ordID = iota
	ordName
	ordKind
	ordYear
	ordDegree
	numOrders
)

// orderSlot returns the index slot of a field.
func orderSlot(f graph.OrderField) (int, bool) {
	switch f {
	case graph.OrderByID:
		return ordID, true
	case graph.OrderByName:
		return ordName, true
	case graph.OrderByKind:
		return ordKind, true
	case graph.OrderByYear:
		return ordYear, true
	case graph.OrderByDegree:
		return ordDegree, true
	}
	return 0, false
}

// orderIndex is one order index; hs is nil until built.
type orderIndex struct {
	built bool
	hs    []int32
}

func (r *nodeRec) degree() int { return len(r.out) + len(r.in) }

// keyCompare compares nodes a and b by the key of slot f alone, ascending,
// undated nodes after dated ones; 0 means the same key.
func (s *Store) keyCompare(f int, a, b int32) int {
	na, nb := &s.nodes[a], &s.nodes[b]
	switch f {
	case ordName:
		return compareFold(na.name(), nb.name())
	case ordKind:
		return strings.Compare(string(kindOf(na.kind)), string(kindOf(nb.kind)))
	case ordYear:
		ya, oka := na.since()
		yb, okb := nb.since()
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return 1
		case !okb:
			return -1
		}
		return cmp.Compare(ya, yb)
	case ordDegree:
		return cmp.Compare(na.degree(), nb.degree())
	}
	return strings.Compare(na.id(), nb.id())
}

// fullCompare is the index order: the key, then the id.
func (s *Store) fullCompare(f int, a, b int32) int {
	if c := s.keyCompare(f, a, b); c != 0 {
		return c
	}
	return strings.Compare(s.nodes[a].id(), s.nodes[b].id())
}

// orderHandles returns index f, building it if needed. The caller holds at
// least the read lock; the result is valid while it does.
func (s *Store) orderHandles(f int) []int32 {
	s.ordMu.Lock()
	defer s.ordMu.Unlock()
	return s.buildOrder(f)
}

// buildOrder builds index f if needed; ordMu (or the write lock) is held.
func (s *Store) buildOrder(f int) []int32 {
	ix := &s.ord[f]
	if ix.built {
		return ix.hs
	}
	if f == ordID {
		hs := make([]int32, 0, s.live)
		for h := range s.nodes {
			if s.nodes[h].alive() {
				hs = append(hs, int32(h))
			}
		}
		byID := func(a, b int32) int { return strings.Compare(s.nodes[a].id(), s.nodes[b].id()) }
		if !slices.IsSortedFunc(hs, byID) { // Open loads nodes in id order
			// Sorting the ids beside their handles reads each record once.
			keys := make([]keyed, len(hs))
			for i, h := range hs {
				keys[i] = keyed{s.nodes[h].id(), "", h}
			}
			slices.SortFunc(keys, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
			for i, k := range keys {
				hs[i] = k.h
			}
		}
		*ix = orderIndex{built: true, hs: hs}
		return hs
	}
	ids := s.buildOrder(ordID)
	hs := slices.Clone(ids)
	if f == ordName {
		keys := make([]keyed, len(ids))
		for i, h := range ids {
			keys[i] = keyed{s.nodes[h].name(), s.nodes[h].id(), h}
		}
		slices.SortFunc(keys, func(a, b keyed) int {
			if c := compareFold(a.key, b.key); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		for i, k := range keys {
			hs[i] = k.h
		}
	} else {
		// A small integer key over the id order: sort key<<32 | rank in the
		// id order, which keeps ties by id.
		keys := make([]uint64, len(ids))
		ranks := kindRanks()
		for i, h := range ids {
			keys[i] = uint64(s.intKey(f, h, &ranks))<<32 | uint64(i)
		}
		slices.Sort(keys)
		for i, k := range keys {
			hs[i] = ids[uint32(k)]
		}
	}
	*ix = orderIndex{built: true, hs: hs}
	return hs
}

// keyed is a node's sort key (and id) beside its handle, so that sorting
// does not reach into the records for every comparison.
type keyed struct {
	key, id string
	h       int32
}

// intKey is the key of slot f (KIND, YEAR or DEGREE) as a non-negative
// integer whose order is keyCompare's.
func (s *Store) intKey(f int, h int32, kindRank *[1 << 8]uint16) uint32 {
	n := &s.nodes[h]
	switch f {
	case ordKind:
		return uint32(kindRank[n.kind])
	case ordYear:
		y, ok := n.since()
		if !ok {
			return 1 << 31
		}
		return uint32(y - graph.MinYear)
	default:
		return uint32(n.degree())
	}
}

// kindRanks orders kind codes by kind name, as keyCompare does. It is
// computed when needed: the vocabulary can be extended at start-up.
func kindRanks() (r [1 << 8]uint16) {
	kinds := slices.Clone(graph.Kinds)
	slices.Sort(kinds)
	for i, k := range kinds {
		r[kindCode(k)] = uint16(i + 1) // 0: an unknown code, named ""
	}
	return r
}

// dropOrders forgets every order index (before a bulk change).
func (s *Store) dropOrders() {
	for f := range s.ord {
		s.ord[f] = orderIndex{}
	}
}

// position returns where h is (or would go) in index f.
func (s *Store) position(f int, hs []int32, h int32) (int, bool) {
	return slices.BinarySearchFunc(hs, h, func(x, h int32) int { return s.fullCompare(f, x, h) })
}

// unindex removes h from the built indexes in mask (bits of slots); call
// it before h's keys change, and reindex after.
func (s *Store) unindex(h int32, mask uint) {
	for f := range s.ord {
		if ix := &s.ord[f]; ix.built && mask&(1<<f) != 0 {
			if i, ok := s.position(f, ix.hs, h); ok {
				ix.hs = slices.Delete(ix.hs, i, i+1)
			}
		}
	}
}

// reindex inserts h into the built indexes in mask.
func (s *Store) reindex(h int32, mask uint) {
	for f := range s.ord {
		if ix := &s.ord[f]; ix.built && mask&(1<<f) != 0 {
			if i, ok := s.position(f, ix.hs, h); !ok {
				ix.hs = slices.Insert(ix.hs, i, h)
			}
		}
	}
}

const (
	allOrders    uint = 1<<numOrders - 1
	degreeOrder  uint = 1 << ordDegree
	recordOrders      = allOrders &^ degreeOrder // what a node upsert may change
)

// moveDegrees repositions the endpoints of relationship rh in the degree
// index around change, which alters their adjacency lists.
func (s *Store) moveDegrees(rh int32, change func()) {
	if !s.ord[ordDegree].built {
		change()
		return
	}
	from, to := s.rels[rh].from, s.rels[rh].to
	s.unindex(from, degreeOrder)
	if to != from {
		s.unindex(to, degreeOrder)
	}
	change()
	s.reindex(from, degreeOrder)
	if to != from {
		s.reindex(to, degreeOrder)
	}
}

// addKind and dropKind keep byKind.
func (s *Store) addKind(h int32, k graph.Code) {
	l := s.byKind[k]
	if n := len(l); n == 0 || l[n-1] < h {
		s.byKind[k] = append(l, h)
		return
	}
	if i, ok := slices.BinarySearch(l, h); !ok {
		s.byKind[k] = slices.Insert(l, i, h)
	}
}

func (s *Store) dropKind(h int32, k graph.Code) {
	if i, ok := slices.BinarySearch(s.byKind[k], h); ok {
		s.byKind[k] = slices.Delete(s.byKind[k], i, i+1)
	}
}

// nullStart returns where the undated nodes begin in index f (len(hs) for
// every slot but YEAR).
func (s *Store) nullStart(f int, hs []int32) int {
	if f != ordYear {
		return len(hs)
	}
	i, _ := slices.BinarySearchFunc(hs, true, func(h int32, _ bool) int {
		if _, ok := s.nodes[h].since(); ok {
			return -1
		}
		return 1
	})
	return i
}

// group returns the bounds [lo, hi) of the run of equal keys around
// position q of hs[:m].
func (s *Store) group(f int, hs []int32, m, q int) (lo, hi int) {
	h := hs[q]
	lo, hi = q, q+1
	if lo > 0 && s.keyCompare(f, hs[lo-1], h) == 0 {
		lo, _ = slices.BinarySearchFunc(hs[:q], h, func(x, h int32) int { return s.keyCompare(f, x, h) })
	}
	if hi < m && s.keyCompare(f, hs[hi], h) == 0 {
		n, _ := slices.BinarySearchFunc(hs[q:m], h, func(x, h int32) int {
			if s.keyCompare(f, x, h) <= 0 {
				return -1
			}
			return 1
		})
		hi = q + n
	}
	return lo, hi
}

// ordered yields the handles of index f in the order of the single key
// (f, desc), starting at position from.
func (s *Store) ordered(f int, desc bool, from int) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		hs := s.orderHandles(f)
		if !desc {
			for _, h := range hs[min(from, len(hs)):] {
				if !yield(h) {
					return
				}
			}
			return
		}
		m := s.nullStart(f, hs)
		if from < m {
			// Descending position p of hs[:m] lies in the group holding
			// ascending position m-1-p; that group fills descending
			// positions [m-hi, m-lo) in ascending order.
			lo, hi := s.group(f, hs, m, m-1-from)
			for i := lo + from - (m - hi); ; {
				for ; i < hi; i++ {
					if !yield(hs[i]) {
						return
					}
				}
				if lo == 0 {
					break
				}
				lo, hi = s.group(f, hs, m, lo-1)
				i = lo
			}
			from = m
		}
		for _, h := range hs[min(from, len(hs)):] {
			if !yield(h) {
				return
			}
		}
	}
}
