package memstore

// Node pages answered from the order indexes and the per-kind lists of
// order.go, when the query allows it; Store.scanPage answers the rest.

import (
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// kindsOnly returns the kind set of a filter that restricts nothing but
// kinds (0 and true for no filter).
func kindsOnly(f *graph.NodeFilter) (uint64, bool, error) {
	if f == nil {
		return 0, true, nil
	}
	if f.IDs != nil || f.NameContains != nil || f.RegionContains != nil || f.Category != nil ||
		f.YearFrom != nil || f.YearTo != nil || f.HasRelationship != nil || f.CitesSource != nil ||
		len(f.And) > 0 || len(f.Or) > 0 || f.Not != nil {
		return 0, false, nil
	}
	ks, err := kindSet(f.Kinds)
	return ks, err == nil, err
}

// indexedPage answers a page whose filter is nil or kinds only and whose
// order has one key (or none: by id) from an order index. ok is false when
// the query does not fit, or when walking the index would cost more than
// a scan.
func (s *Store) indexedPage(q graph.NodeQuery) (page []int32, total int, ok bool) {
	f, desc := ordID, false
	switch {
	case len(q.OrderBy) == 0:
	case len(q.OrderBy) == 1 || q.OrderBy[0].Field == graph.OrderByID:
		f, _ = orderSlot(q.OrderBy[0].Field)
		desc = q.OrderBy[0].Descending()
	default:
		return nil, 0, false
	}
	kinds, fits, _ := kindsOnly(q.Filter)
	if !fits {
		return nil, 0, false
	}
	total = s.live
	if kinds != 0 {
		total = 0
		for k := range s.byKind {
			if kinds&(1<<k) != 0 && k < 64 {
				total += len(s.byKind[k])
			}
		}
	}
	end := q.Offset + q.Limit
	if q.Offset >= total || q.Limit == 0 {
		return nil, total, true
	}
	if f == ordID && kinds != 0 {
		return s.kindsByID(kinds, desc, q.Offset, q.Limit), total, true
	}
	from, skip, budget := q.Offset, 0, s.live
	if kinds != 0 {
		// Walking the index visits about end·live/total nodes if the kinds
		// are spread evenly along the order. They need not be (synthetic
		// ids start with the kind, so by id each kind is one run), so the
		// walk gives up after a few times that and the page is scanned.
		expect := float64(end) * float64(s.live) / float64(total)
		if expect > float64(s.live)/16 {
			return nil, 0, false
		}
		from, skip, budget = 0, q.Offset, max(4*int(expect), 4096)
	}
	page = make([]int32, 0, min(q.Limit, total-q.Offset))
	for h := range s.ordered(f, desc, from) {
		if budget--; budget < 0 {
			return nil, 0, false
		}
		if kinds != 0 && kinds&(1<<s.nodes[h].kind) == 0 {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		page = append(page, h)
		if len(page) == cap(page) {
			break
		}
	}
	return page, total, true
}

// kindsByID returns a page of the nodes of some kinds by id. The KIND
// index holds each kind as one run sorted by id; one kind's page is a
// slice of its run, several kinds' runs are merged.
func (s *Store) kindsByID(kinds uint64, desc bool, offset, limit int) []int32 {
	hs := s.orderHandles(ordKind)
	var runs [][]int32
	for k := range s.byKind {
		if k >= 64 || kinds&(1<<k) == 0 || len(s.byKind[k]) == 0 {
			continue
		}
		name := string(kindOf(graph.Code(k)))
		byKind := func(h int32, name string) int { return strings.Compare(string(kindOf(s.nodes[h].kind)), name) }
		lo, _ := slices.BinarySearchFunc(hs, name, byKind)
		runs = append(runs, hs[lo:lo+len(s.byKind[k])])
	}
	page := make([]int32, 0, limit)
	if len(runs) == 1 {
		run := runs[0]
		for i := offset; i < len(run) && len(page) < limit; i++ {
			if desc {
				page = append(page, run[len(run)-1-i])
			} else {
				page = append(page, run[i])
			}
		}
		return page
	}
	pos := make([]int, len(runs))
	for n := 0; len(page) < limit; n++ {
		best := -1
		for i, run := range runs {
			if pos[i] == len(run) {
				continue
			}
			if best < 0 {
				best = i
				continue
			}
			a, b := s.nodes[at(run, pos[i], desc)].id(), s.nodes[at(runs[best], pos[best], desc)].id()
			if (a < b) != desc {
				best = i
			}
		}
		if best < 0 {
			break
		}
		if n >= offset {
			page = append(page, at(runs[best], pos[best], desc))
		}
		pos[best]++
	}
	return page
}

// at returns the i-th element of run from its start, or from its end when
// desc.
func at(run []int32, i int, desc bool) int32 {
	if desc {
		return run[len(run)-1-i]
	}
	return run[i]
}

// candidates returns the live handles a filter can match: those of its
// kinds when it names kinds at the top level, else nil (every node).
func (s *Store) candidates(f *graph.NodeFilter) ([]int32, bool) {
	if f == nil || len(f.Kinds) == 0 {
		return nil, false
	}
	ks, err := kindSet(f.Kinds)
	if err != nil {
		return nil, false
	}
	var hs []int32
	n := 0
	for k := range s.byKind {
		if k < 64 && ks&(1<<k) != 0 {
			n += len(s.byKind[k])
		}
	}
	hs = make([]int32, 0, n)
	for k := range s.byKind {
		if k < 64 && ks&(1<<k) != 0 {
			hs = append(hs, s.byKind[k]...)
		}
	}
	return hs, true
}

// scanPage answers a page by testing every candidate node against the
// filter and sorting (or selecting the top of) the matches.
func (s *Store) scanPage(q graph.NodeQuery) ([]int32, int, error) {
	f := q.Filter
	var cand []int32
	byKind := false
	if onlyIDs(f) == nil {
		// The kinds' lists replace the kind test.
		if cand, byKind = s.candidates(f); byKind {
			rest := *f
			rest.Kinds = nil
			f = &rest
		}
	}
	match, err := s.compile(f)
	if err != nil {
		return nil, 0, err
	}
	var hs []int32
	if ids := onlyIDs(q.Filter); ids != nil {
		for _, id := range ids {
			if h, ok := s.findNode(id); ok && !slices.Contains(hs, h) && match(h) {
				hs = append(hs, h)
			}
		}
	} else if byKind {
		hs = cand[:0]
		for _, h := range cand {
			if match(h) {
				hs = append(hs, h)
			}
		}
	} else {
		for h := range s.nodes {
			if s.nodes[h].alive() && match(int32(h)) {
				hs = append(hs, int32(h))
			}
		}
	}
	total := len(hs)
	end := q.Offset + q.Limit
	if q.Offset >= len(hs) || q.Limit == 0 {
		return nil, total, nil
	}
	compare := s.comparator(q.OrderBy)
	if end < len(hs)/8 {
		hs = topK(hs, end, compare)
	} else {
		slices.SortFunc(hs, compare)
	}
	return hs[q.Offset:min(end, len(hs))], total, nil
}
