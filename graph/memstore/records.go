package memstore

// The in-memory records of nodes and relationships and the operations that
// keep the indexes over them consistent; Store and its life cycle are in
// store.go.
// They are one file (over 500 lines) because every index update must be
// read next to the record change it follows.

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"

	"github.com/hmkg/hmkg/graph"
)

// Year slots of a node record.
const (
	yStart = iota
	yEnd
	yFounded
	yYear
	numYears
)

// noYear marks an absent year; graph validation keeps years in
// graph.MinYear..graph.MaxYear, far inside int16.
const noYear = math.MinInt16

// nodeRec is a node with its adjacency lists (relationship handles).
type nodeRec struct {
	str           string // id, name and summary back to back
	nameAt, sumAt uint32
	ext           *nodeExt // nil when every field in it is empty
	srcs          []int32  // source handles
	out, in       []int32
	// Indexes into Store.atoms.
	region, country, category, role uint32
	years                           [numYears]int16
	kind                            graph.Code
}

// nodeExt holds the node fields that few nodes have.
type nodeExt struct {
	aliases                        []string
	date, publisher, url, question string
	disputes                       []*graph.Dispute
}

func (r *nodeRec) alive() bool     { return r.nameAt != 0 }
func (r *nodeRec) id() string      { return r.str[:r.nameAt] }
func (r *nodeRec) name() string    { return r.str[r.nameAt:r.sumAt] }
func (r *nodeRec) summary() string { return r.str[r.sumAt:] }
func (r *nodeRec) aliases() []string {
	if r.ext == nil {
		return nil
	}
	return r.ext.aliases
}

func (r *nodeRec) publisher() string {
	if r.ext == nil {
		return ""
	}
	return r.ext.publisher
}

// since is graph.Node.Since: the start, founding or event year.
func (r *nodeRec) since() (int, bool) {
	for _, i := range [...]int{yStart, yFounded, yYear} {
		if y := r.years[i]; y != noYear {
			return int(y), true
		}
	}
	return 0, false
}

// existsAsOf is graph.Node.ExistsAsOf.
func (r *nodeRec) existsAsOf(asOf *int) bool {
	if asOf == nil {
		return true
	}
	y, ok := r.since()
	return !ok || y <= *asOf
}

// relRec is a compact relationship: endpoints, sources and tensions are
// handles.
type relRec struct {
	summary  string
	refs     []int32 // nsrc source handles, then tension node handles
	from, to int32   // from < 0: deleted
	nsrc     int32
	year     int16 // noYear when undated
	typ      graph.Code
	custom   bool // the id is in Store.relIDs
}

// relExtra is what few relationships have: a status other than asserted
// and disputes.
type relExtra struct {
	status   graph.RelationshipStatus
	disputes []*graph.Dispute
}

// setRelExtra records the status and disputes of relationship h from r.
func (s *Store) setRelExtra(h int32, r *graph.Relationship) {
	if (r.Status == "" || r.Status == graph.StatusAsserted) && len(r.Disputes) == 0 {
		delete(s.relExtras, h)
		return
	}
	s.relExtras[h] = &relExtra{status: r.Status, disputes: graph.CloneDisputes(r.Disputes)}
}

// contested reports whether relationship h is DISPUTED or RETRACTED.
func (s *Store) contested(h int32) bool {
	x := s.relExtras[h]
	return x != nil && x.status != "" && x.status != graph.StatusAsserted
}

func (r *relRec) alive() bool       { return r.from >= 0 }
func (r *relRec) tensions() []int32 { return r.refs[r.nsrc:] }

// Records hold a kind or relationship type as its graph.Code, the fixed
// code of the vocabulary, in memory and on disk alike; nothing here depends
// on the order or the length of graph.Kinds and graph.RelTypes.

// codeCounts counts records per code. Every value of a graph.Code indexes
// it, so no code, known or not, can index it out of range.
type codeCounts [1 << 8]int

// A graph.Code must be one byte: codeCounts and the codec rely on it.
const _ = uint8(^graph.Code(0))

// kindCode returns the code of a kind that validation has accepted.
func kindCode(k graph.Kind) graph.Code { c, _ := k.Code(); return c }

// typeCode returns the code of a relationship type that validation has
// accepted.
func typeCode(t graph.RelType) graph.Code { c, _ := t.Code(); return c }

// kindOf returns the kind of a code held by a record.
func kindOf(c graph.Code) graph.Kind { k, _ := graph.KindByCode(c); return k }

// typeOf returns the relationship type of a code held by a record.
func typeOf(c graph.Code) graph.RelType { t, _ := graph.RelTypeByCode(c); return t }

// atom returns the index of an interned copy of v.
func (s *Store) atom(v string) uint32 {
	if i, ok := s.atomIdx[v]; ok {
		return i
	}
	return s.newAtom(v)
}

// atomBytes is atom for bytes that must not be retained.
func (s *Store) atomBytes(v []byte) uint32 {
	if i, ok := s.atomIdx[string(v)]; ok {
		return i
	}
	return s.newAtom(string(v))
}

func (s *Store) newAtom(v string) uint32 {
	i := uint32(len(s.atoms))
	s.atoms = append(s.atoms, v)
	s.atomIdx[v] = i
	return i
}

func year16(p *int) int16 {
	if p == nil {
		return noYear
	}
	return int16(*p)
}

func yearPtr(y int16) *int {
	if y == noYear {
		return nil
	}
	v := int(y)
	return &v
}

// putSource inserts or replaces a source in memory.
func (s *Store) putSource(src *graph.Source) {
	c := cloneSource(src)
	if i, ok := s.srcIdx[c.ID]; ok {
		s.sources[i] = c
		return
	}
	s.srcIdx[c.ID] = int32(len(s.sources))
	s.sources = append(s.sources, c)
}

// makeNode builds the record of n; its sources must exist. Memory comes
// from a (nil for single writes).
func (s *Store) makeNode(n *graph.Node, a *arena) nodeRec {
	rec := nodeRec{
		str:    a.concat(n.ID, n.Name, n.Summary),
		nameAt: uint32(len(n.ID)), sumAt: uint32(len(n.ID) + len(n.Name)),
		region: s.atom(n.Region), country: s.atom(n.Country), category: s.atom(n.Category), role: s.atom(n.Role),
		years: [numYears]int16{year16(n.StartYear), year16(n.EndYear), year16(n.FoundedYear), year16(n.Year)},
		kind:  kindCode(n.Kind),
	}
	if len(n.Aliases) > 0 || n.Date != "" || n.Publisher != "" || n.URL != "" || n.Question != "" || len(n.Disputes) > 0 {
		rec.ext = &nodeExt{date: n.Date, publisher: n.Publisher, url: n.URL, question: n.Question,
			disputes: graph.CloneDisputes(n.Disputes)}
		if len(n.Aliases) > 0 {
			rec.ext.aliases = slices.Clone(n.Aliases)
		}
	}
	rec.srcs = a.int32s(len(n.SourceIDs))
	for i, id := range n.SourceIDs {
		rec.srcs[i] = s.srcIdx[id]
	}
	return rec
}

// putNode inserts or replaces a node in memory, keeping its relationships.
// With index set the search index is updated too.
func (s *Store) putNode(rec nodeRec, index bool) int32 {
	if h, ok := s.findNode(rec.id()); ok {
		old := &s.nodes[h]
		if index {
			s.search.remove(h, old)
		}
		s.unindex(h, recordOrders)
		if old.kind != rec.kind {
			s.dropKind(h, old.kind)
			s.addKind(h, rec.kind)
		}
		s.kindCounts[old.kind]--
		rec.out, rec.in = old.out, old.in
		*old = rec
		s.kindCounts[rec.kind]++
		s.reindex(h, recordOrders)
		if index {
			s.search.add(h, old)
		}
		return h
	}
	h := int32(len(s.nodes))
	s.nodes = append(s.nodes, rec)
	s.nodeIdx.insert(hashID(s.nodeIdx.seed, rec.id()), h)
	s.live++
	s.kindCounts[rec.kind]++
	s.addKind(h, rec.kind)
	s.reindex(h, allOrders)
	if index {
		s.search.add(h, &s.nodes[h])
	}
	return h
}

// makeRel builds the record of r; its endpoints, tensions and sources must
// exist.
func (s *Store) makeRel(r *graph.Relationship, a *arena) relRec {
	rec := relRec{
		from: s.mustNode(r.From), to: s.mustNode(r.To), typ: typeCode(r.Type), summary: r.Summary,
		year: year16(r.Year), nsrc: int32(len(r.SourceIDs)),
	}
	rec.refs = a.int32s(len(r.SourceIDs) + len(r.TensionIDs))
	for i, id := range r.SourceIDs {
		rec.refs[i] = s.srcIdx[id]
	}
	for i, id := range r.TensionIDs {
		rec.refs[len(r.SourceIDs)+i] = s.mustNode(id)
	}
	return rec
}

// putRel inserts or replaces the relationship id in memory. Unless defer
// is set, it is linked into its endpoints' adjacency lists; deferred new
// relationships are linked later by linkFrom.
func (s *Store) putRel(id string, rec relRec, deferLink bool) int32 {
	if h, ok := s.findRel(id); ok {
		old := &s.rels[h]
		s.unlink(h)
		s.typeCounts[old.typ]--
		rec.custom = old.custom
		*old = rec
		s.link(h)
		s.typeCounts[rec.typ]++
		return h
	}
	h := int32(len(s.rels))
	s.rels = append(s.rels, rec)
	var buf [128]byte
	if string(s.appendDerivedID(buf[:0], h)) != id {
		s.rels[h].custom = true
		s.relIDs[h] = id
	}
	s.relIdx.insert(hashID(s.relIdx.seed, id), h)
	if !deferLink {
		s.link(h)
	}
	s.nrels++
	s.typeCounts[rec.typ]++
	return h
}

// appendDerivedID appends graph.RelationshipID of relationship h.
func (s *Store) appendDerivedID(b []byte, h int32) []byte {
	r := &s.rels[h]
	b = append(b, s.nodes[r.from].id()...)
	b = append(b, ':')
	b = append(b, typeOf(r.typ)...)
	b = append(b, ':')
	b = append(b, s.nodes[r.to].id()...)
	if r.year != noYear {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(r.year), 10)
	}
	return b
}

// appendRelID appends the id of relationship h.
func (s *Store) appendRelID(b []byte, h int32) []byte {
	if s.rels[h].custom {
		return append(b, s.relIDs[h]...)
	}
	return s.appendDerivedID(b, h)
}

// relID returns the id of relationship h.
func (s *Store) relID(h int32) string {
	if s.rels[h].custom {
		return s.relIDs[h]
	}
	var buf [128]byte
	return string(s.appendDerivedID(buf[:0], h))
}

// findNode returns the handle of the node with the given id.
func (s *Store) findNode(id string) (int32, bool) {
	return s.nodeIdx.find(hashID(s.nodeIdx.seed, id), func(h int32) bool { return s.nodes[h].id() == id })
}

// findNodeBytes is findNode for an id in bytes.
func (s *Store) findNodeBytes(id []byte) (int32, bool) {
	return s.nodeIdx.find(hashIDBytes(s.nodeIdx.seed, id), func(h int32) bool { return s.nodes[h].id() == string(id) })
}

// mustNode returns the handle of a node known to exist.
func (s *Store) mustNode(id string) int32 {
	h, _ := s.findNode(id)
	return h
}

// findRel returns the handle of the relationship with the given id.
func (s *Store) findRel(id string) (int32, bool) {
	var buf [128]byte
	return s.relIdx.find(hashID(s.relIdx.seed, id), func(h int32) bool {
		return string(s.appendRelID(buf[:0], h)) == id
	})
}

func (s *Store) link(h int32) {
	s.moveDegrees(h, func() {
		r := &s.rels[h]
		s.nodes[r.from].out = append(s.nodes[r.from].out, h)
		s.nodes[r.to].in = append(s.nodes[r.to].in, h)
	})
}

// linkFrom links the relationships with handles from start on, which are
// not linked yet, giving every touched node adjacency lists of exactly the
// needed size carved from shared blocks.
func (s *Store) linkFrom(start int32, a *arena) {
	if int(start) >= len(s.rels) {
		return
	}
	outN := make([]int32, len(s.nodes))
	inN := make([]int32, len(s.nodes))
	for h := start; int(h) < len(s.rels); h++ {
		if r := &s.rels[h]; r.alive() {
			outN[r.from]++
			inN[r.to]++
		}
	}
	grow := func(hs []int32, extra int32) []int32 {
		if extra == 0 {
			return hs
		}
		n := a.int32s(len(hs) + int(extra))
		copy(n, hs)
		return n[:len(hs)]
	}
	for v := range s.nodes {
		rec := &s.nodes[v]
		rec.out = grow(rec.out, outN[v])
		rec.in = grow(rec.in, inN[v])
	}
	for h := start; int(h) < len(s.rels); h++ {
		if s.rels[h].alive() {
			s.link(h)
		}
	}
}

func (s *Store) unlink(h int32) {
	s.moveDegrees(h, func() {
		r := &s.rels[h]
		s.nodes[r.from].out = removeHandle(s.nodes[r.from].out, h)
		s.nodes[r.to].in = removeHandle(s.nodes[r.to].in, h)
	})
}

func removeHandle(hs []int32, h int32) []int32 {
	if i := slices.Index(hs, h); i >= 0 {
		return slices.Delete(hs, i, i+1)
	}
	return hs
}

// deleteRel removes a relationship from memory.
func (s *Store) deleteRel(h int32) {
	r := &s.rels[h]
	s.unlink(h)
	var buf [128]byte
	s.relIdx.remove(hashID(s.relIdx.seed, string(s.appendRelID(buf[:0], h))), h)
	if r.custom {
		delete(s.relIDs, h)
	}
	delete(s.relExtras, h)
	s.typeCounts[r.typ]--
	s.nrels--
	*r = relRec{from: -1, to: -1}
}

// deleteNode removes a node and its relationships from memory, and strips
// it from the tensions of other relationships and from reports' publishers.
func (s *Store) deleteNode(h int32) {
	rec := &s.nodes[h]
	for _, rh := range slices.Concat(rec.out, rec.in) {
		if s.rels[rh].alive() {
			s.deleteRel(rh)
		}
	}
	id := rec.id()
	if kindOf(rec.kind) == graph.KindTension {
		for i := range s.rels {
			if r := &s.rels[i]; r.alive() && slices.Contains(r.tensions(), h) {
				refs := slices.Clone(r.refs)
				kept := slices.DeleteFunc(refs[r.nsrc:], func(t int32) bool { return t == h })
				r.refs = refs[:int(r.nsrc)+len(kept)]
			}
		}
	}
	for i := range s.nodes {
		if o := &s.nodes[i]; o.alive() && o.ext != nil && o.ext.publisher == id {
			ext := *o.ext
			ext.publisher = ""
			o.ext = &ext
		}
	}
	s.search.remove(h, rec)
	s.unindex(h, allOrders)
	s.dropKind(h, rec.kind)
	s.kindCounts[rec.kind]--
	s.nodeIdx.remove(hashID(s.nodeIdx.seed, id), h)
	s.live--
	*rec = nodeRec{}
}

type lookup struct{ s *Store }

func (l lookup) HasSource(id string) bool { _, ok := l.s.srcIdx[id]; return ok }

func (l lookup) NodeKind(id string) graph.Kind {
	if h, ok := l.s.findNode(id); ok {
		return kindOf(l.s.nodes[h].kind)
	}
	return ""
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneSource(src *graph.Source) *graph.Source {
	c := *src
	c.Year = cloneInt(src.Year)
	return &c
}

func seqKey(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}
