package memstore

// read.go holds the embedded store's read paths (lookups, the Nodes entry
// point and its filter compiler, relationships, stats; pages answered
// from indexes are in page.go); they share the index helpers below, which
// is why the file is a little over 500 lines.

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Node returns a copy of the node with the given id.
func (s *Store) Node(ctx context.Context, id string) (*graph.Node, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, ok := s.findNode(id)
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
	}
	return s.nodeOut(h), nil
}

// NodesByID returns copies of the nodes in the order of ids; nil for missing.
func (s *Store) NodesByID(ctx context.Context, ids []string) ([]*graph.Node, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return placeFound(ids, s.findNode, s.nodesOut), nil
}

// placeFound converts the records of the ids found in one batch and
// returns them in the order of ids, nil where an id is missing.
func placeFound[T any](ids []string, find func(string) (int32, bool), convert func([]int32) []*T) []*T {
	hs := make([]int32, 0, len(ids))
	for _, id := range ids {
		if h, ok := find(id); ok {
			hs = append(hs, h)
		}
	}
	found := convert(hs)
	out := make([]*T, len(ids))
	j := 0
	for i, id := range ids {
		if j < len(hs) {
			if h, ok := find(id); ok && h == hs[j] {
				out[i] = found[j]
				j++
			}
		}
	}
	return out
}

// Relationship returns a copy of the relationship with the given id.
func (s *Store) Relationship(ctx context.Context, id string) (*graph.Relationship, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, ok := s.findRel(id)
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "relationship %q not found", id)
	}
	return s.relOut(h), nil
}

// RelationshipsByID returns copies in the order of ids; nil for missing.
func (s *Store) RelationshipsByID(ctx context.Context, ids []string) ([]*graph.Relationship, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return placeFound(ids, s.findRel, s.relsOutInOrder), nil
}

// SourcesByID returns copies in the order of ids; nil for missing.
func (s *Store) SourcesByID(ctx context.Context, ids []string) ([]*graph.Source, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*graph.Source, len(ids))
	for i, id := range ids {
		if h, ok := s.srcIdx[id]; ok {
			out[i] = cloneSource(s.sources[h])
		}
	}
	return out, nil
}

// Sources returns copies of every source, sorted by id.
func (s *Store) Sources(ctx context.Context) ([]*graph.Source, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*graph.Source, len(s.sources))
	for i, src := range s.sources {
		out[i] = cloneSource(src)
	}
	slices.SortFunc(out, func(a, b *graph.Source) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Stats counts nodes per kind and relationships per type; every kind and
// type is present, with zero when there are none.
func (s *Store) Stats(ctx context.Context) (*graph.Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := &graph.Stats{
		DatasetName: s.dsName, DatasetVersion: s.dsVersion,
		Nodes: s.live, Relationships: s.nrels, Sources: len(s.sources),
		KindCounts:        make(map[graph.Kind]int, len(graph.Kinds)),
		RelTypeCounts:     make(map[graph.RelType]int, len(graph.RelTypes)),
		AuditEntriesCount: len(s.changes),
	}
	for _, k := range graph.Kinds {
		st.KindCounts[k] = s.kindCounts[kindCode(k)]
	}
	for _, t := range graph.RelTypes {
		st.RelTypeCounts[t] = s.typeCounts[typeCode(t)]
	}
	if n := len(s.changes); n > 0 {
		at := s.changes[n-1].At
		st.LastChangeAt = &at
	}
	return st, nil
}

// Changes returns audit entries newest first, older than before (0: newest),
// normalised by graph.ChangesQuery.
func (s *Store) Changes(ctx context.Context, before int64, limit int) ([]*graph.Change, error) {
	q := graph.ChangesQuery{Before: before, Limit: limit}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	before, limit = q.Before, q.Limit
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := len(s.changes)
	if before > 0 {
		i, _ = slices.BinarySearchFunc(s.changes, before, func(c graph.Change, id int64) int { return cmp.Compare(c.ID, id) })
	}
	out := []*graph.Change{}
	for i--; i >= 0 && len(out) < limit; i-- {
		c := s.changes[i]
		out = append(out, &c)
	}
	return out, nil
}

// Relationships returns the relationships touching any of q.NodeIDs, sorted
// by id. Unknown node ids are ignored.
func (s *Store) Relationships(ctx context.Context, q graph.RelQuery) ([]*graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	types, err := typeSet(q.Types)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.relsOut(s.relHandles(q, types)), nil
}

// relHandles returns the relationships of a normalised RelQuery, each
// once, in handle order. With q.PerNode set, each asked node contributes
// only its first PerNode relationships by id (graph.RelQuery.PerNode).
func (s *Store) relHandles(q graph.RelQuery, types uint64) []int32 {
	dir := q.Direction
	var hs []int32
	for _, id := range q.NodeIDs {
		h, ok := s.findNode(id)
		if !ok {
			continue
		}
		if q.PerNode > 0 && len(s.nodes[h].out)+len(s.nodes[h].in) >= max(hubDegree, 2*q.PerNode) {
			var ok bool
			if hs, ok = s.firstOfHub(hs, h, dir, types, q.AsOf, q.PerNode); ok {
				continue
			}
		}
		start := len(hs)
		if dir != graph.DirectionIn {
			for _, rh := range s.nodes[h].out {
				if s.relOK(rh, types, q.AsOf) {
					hs = append(hs, rh)
				}
			}
		}
		if dir != graph.DirectionOut {
			for _, rh := range s.nodes[h].in {
				// A self-loop is in both lists; with both directions
				// asked, it was met in the out list already.
				if dir == graph.DirectionBoth && s.rels[rh].from == h {
					continue
				}
				if s.relOK(rh, types, q.AsOf) {
					hs = append(hs, rh)
				}
			}
		}
		if q.PerNode > 0 && len(hs)-start > q.PerNode {
			hs = append(hs[:start], s.firstByID(hs[start:], q.PerNode)...)
		}
	}
	// A relationship is met twice when both its ends were asked for.
	slices.Sort(hs)
	return slices.Compact(hs)
}

// firstByID returns the k relationships of hs (more than k, no repeats)
// with the smallest ids, in no particular order. A bounded max-heap keeps
// the k smallest seen so far, so a hub's thousands of relationships cost
// one id comparison each, and only the kept ones' ids are allocated.
func (s *Store) firstByID(hs []int32, k int) []int32 {
	type kept struct {
		id string
		h  int32
	}
	heap := make([]kept, 0, k)
	less := func(i, j int) bool { return heap[i].id > heap[j].id } // max first
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(heap) {
				return
			}
			if c+1 < len(heap) && less(c+1, c) {
				c++
			}
			if !less(c, i) {
				return
			}
			heap[i], heap[c] = heap[c], heap[i]
			i = c
		}
	}
	var buf [160]byte
	for _, h := range hs {
		b := s.appendRelID(buf[:0], h)
		if len(heap) < k {
			heap = append(heap, kept{string(b), h})
			for i := len(heap) - 1; i > 0; {
				p := (i - 1) / 2
				if !less(i, p) {
					break
				}
				heap[i], heap[p] = heap[p], heap[i]
				i = p
			}
			continue
		}
		if string(b) >= heap[0].id {
			continue
		}
		heap[0] = kept{string(b), h}
		down(0)
	}
	out := make([]int32, len(heap))
	for i, x := range heap {
		out[i] = x.h
	}
	return out
}

// relOK reports whether a relationship has one of types (0: any) and
// belongs to the graph as of asOf, endpoints included.
func (s *Store) relOK(rh int32, types uint64, asOf *int) bool {
	r := &s.rels[rh]
	if types&assertedOnly != 0 && s.contested(rh) {
		return false
	}
	if t := types &^ assertedOnly; t != 0 && t&(1<<r.typ) == 0 {
		return false
	}
	if asOf == nil {
		return true
	}
	if r.year != noYear && int(r.year) > *asOf {
		return false
	}
	return s.nodes[r.from].existsAsOf(asOf) && s.nodes[r.to].existsAsOf(asOf)
}

// assertedOnly, set in a type set beside the type codes (all below 32),
// leaves out DISPUTED and RETRACTED relationships.
const assertedOnly uint64 = 1 << 63

// withContested adds assertedOnly to types when contested relationships
// are to be left out.
func withContested(types uint64, exclude bool) uint64 {
	if exclude {
		return types | assertedOnly
	}
	return types
}

// typeSet validates types and returns them as a bit set of their codes (0
// = any type); TestVocabularyFitsBitSets keeps every code below 32.
func typeSet(types []graph.RelType) (uint64, error) {
	var set uint64
	for _, t := range types {
		i, ok := t.Code()
		if !ok {
			return 0, graph.Errorf(graph.EINVALID, "unknown relationship type %q", t)
		}
		set |= 1 << i
	}
	return set, nil
}

// Nodes returns a filtered, sorted page of nodes.
func (s *Store) Nodes(ctx context.Context, q graph.NodeQuery) (*graph.NodePage, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	hs, total, ok := s.indexedPage(q)
	if !ok {
		var err error
		if hs, total, err = s.scanPage(q); err != nil {
			return nil, err
		}
	}
	page := &graph.NodePage{Total: total, Nodes: s.nodesOut(hs)}
	return page, graph.CtxError(ctx, "memstore.Nodes")
}

// onlyIDs returns the id list of a filter whose IDs field bounds the result.
func onlyIDs(f *graph.NodeFilter) []string {
	if f == nil || f.IDs == nil {
		return nil
	}
	return f.IDs
}

func (s *Store) comparator(order []*graph.NodeOrder) func(a, b int32) int {
	return func(a, b int32) int {
		na, nb := &s.nodes[a], &s.nodes[b]
		for _, o := range order {
			var c int
			switch o.Field {
			case graph.OrderByName:
				c = compareFold(na.name(), nb.name())
			case graph.OrderByKind:
				c = strings.Compare(string(kindOf(na.kind)), string(kindOf(nb.kind)))
			case graph.OrderByID:
				c = strings.Compare(na.id(), nb.id())
			case graph.OrderByDegree:
				c = cmp.Compare(len(na.out)+len(na.in), len(nb.out)+len(nb.in))
			case graph.OrderByYear:
				ya, oka := na.since()
				yb, okb := nb.since()
				switch {
				case !oka && !okb:
				case !oka:
					return 1 // nulls last in both directions
				case !okb:
					return -1
				default:
					c = cmp.Compare(ya, yb)
				}
			}
			if o.Descending() {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(na.id(), nb.id())
	}
}

// compareFold orders names as people expect, ignoring case ("Hearing"
// before "HIV"); names equal but for case fall back to a plain comparison
// so the order stays total. It matches Cypher's ORDER BY toLower(n.name),
// n.name. ASCII is compared without allocating.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca >= 0x80 || cb >= 0x80 {
			if c := strings.Compare(strings.ToLower(a[i:]), strings.ToLower(b[i:])); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// compile turns a filter, normalised by graph.NodeQuery.Normalize, into a
// predicate over live node handles.
func (s *Store) compile(f *graph.NodeFilter) (func(int32) bool, error) {
	if f == nil {
		return func(int32) bool { return true }, nil
	}
	var preds []func(int32) bool
	if f.IDs != nil {
		set := make(map[string]bool, len(f.IDs))
		for _, id := range f.IDs {
			set[id] = true
		}
		preds = append(preds, func(h int32) bool { return set[s.nodes[h].id()] })
	}
	if len(f.Kinds) > 0 {
		ks, err := kindSet(f.Kinds)
		if err != nil {
			return nil, err
		}
		preds = append(preds, func(h int32) bool { return ks&(1<<s.nodes[h].kind) != 0 })
	}
	if f.NameContains != nil {
		sub := strings.ToLower(*f.NameContains)
		preds = append(preds, func(h int32) bool {
			n := &s.nodes[h]
			if containsFold(n.name(), sub) {
				return true
			}
			for _, a := range n.aliases() {
				if containsFold(a, sub) {
					return true
				}
			}
			return false
		})
	}
	if f.RegionContains != nil {
		// Regions and countries are interned: test each distinct value once.
		sub := strings.ToLower(*f.RegionContains)
		match := make([]bool, len(s.atoms))
		for i, a := range s.atoms {
			match[i] = a != "" && containsFold(a, sub)
		}
		preds = append(preds, func(h int32) bool {
			n := &s.nodes[h]
			return match[n.region] || match[n.country]
		})
	}
	if f.Category != nil {
		c, ok := s.atomIdx[*f.Category]
		preds = append(preds, func(h int32) bool { return ok && s.nodes[h].category == c })
	}
	if f.YearFrom != nil || f.YearTo != nil {
		from, to := f.YearFrom, f.YearTo
		preds = append(preds, func(h int32) bool {
			y, ok := s.nodes[h].since()
			return ok && (from == nil || y >= *from) && (to == nil || y <= *to)
		})
	}
	if rf := f.HasRelationship; rf != nil {
		dir := rf.Direction
		var types uint64
		if rf.Type != nil {
			var err error
			if types, err = typeSet([]graph.RelType{*rf.Type}); err != nil {
				return nil, err
			}
		}
		other := int32(-1)
		if rf.OtherID != nil {
			h, ok := s.findNode(*rf.OtherID)
			if !ok {
				return func(int32) bool { return false }, nil
			}
			other = h
		}
		preds = append(preds, func(h int32) bool {
			rec := &s.nodes[h]
			if dir != graph.DirectionIn {
				for _, rh := range rec.out {
					if s.relOK(rh, types, nil) && (other < 0 || s.rels[rh].to == other) {
						return true
					}
				}
			}
			if dir != graph.DirectionOut {
				for _, rh := range rec.in {
					if s.relOK(rh, types, nil) && (other < 0 || s.rels[rh].from == other) {
						return true
					}
				}
			}
			return false
		})
	}
	if f.CitesSource != nil {
		src, ok := s.srcIdx[*f.CitesSource]
		preds = append(preds, func(h int32) bool { return ok && slices.Contains(s.nodes[h].srcs, src) })
	}
	for _, sub := range f.And {
		p, err := s.compile(sub)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	if len(f.Or) > 0 {
		var alts []func(int32) bool
		for _, sub := range f.Or {
			p, err := s.compile(sub)
			if err != nil {
				return nil, err
			}
			alts = append(alts, p)
		}
		preds = append(preds, func(h int32) bool {
			for _, p := range alts {
				if p(h) {
					return true
				}
			}
			return false
		})
	}
	if f.Not != nil {
		p, err := s.compile(f.Not)
		if err != nil {
			return nil, err
		}
		preds = append(preds, func(h int32) bool { return !p(h) })
	}
	return func(h int32) bool {
		for _, p := range preds {
			if !p(h) {
				return false
			}
		}
		return true
	}, nil
}

// containsFold reports whether s contains sub (already lower-case) ignoring
// case, without allocating for ASCII text.
func containsFold(s, sub string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), sub)
		}
	}
	n := len(sub)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

// Exemplifying returns the relationships citing any of tensionIDs as a
// tension, sorted by id. It scans every relationship: tensions are few and
// the episodes query is rare next to traversals.
func (s *Store) Exemplifying(ctx context.Context, tensionIDs []string) ([]*graph.Relationship, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var want []int32
	for _, id := range tensionIDs {
		if h, ok := s.findNode(id); ok {
			want = append(want, h)
		}
	}
	var hs []int32
	if len(want) > 0 {
		for i := range s.rels {
			r := &s.rels[i]
			if r.alive() && int(r.nsrc) < len(r.refs) && slices.ContainsFunc(r.tensions(), func(t int32) bool { return slices.Contains(want, t) }) {
				hs = append(hs, int32(i))
			}
		}
	}
	return s.relsOut(hs), nil
}
