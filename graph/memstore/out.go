package memstore

// Converting records to domain values. A batch (a page, a subgraph, search
// hits) takes its memory in a few blocks: one array of nodes or
// relationships, one of strings for all their id lists, one of ints for
// all their years, one of bytes for the derived relationship ids; so a
// subgraph of 500 nodes and 1,000 relationships costs a handful of
// allocations rather than thousands. Every value still owns its fields: the
// slices are cut to their length and capacity, each year has its own int.

import (
	"slices"
	"strings"
	"unsafe"

	"github.com/hmkg/hmkg/graph"
)

// outBlock hands out the memory of one batch; its zero value allocates
// every request on its own.
type outBlock struct {
	strs  []string
	ints  []int
	bytes []byte
}

func (b *outBlock) strings(n int) []string {
	if n > len(b.strs) {
		return make([]string, n)
	}
	s := b.strs[:n:n]
	b.strs = b.strs[n:]
	return s
}

func (b *outBlock) year(y int16) *int {
	if y == noYear {
		return nil
	}
	if len(b.ints) == 0 {
		b.ints = make([]int, 1)
	}
	p := &b.ints[0]
	b.ints = b.ints[1:]
	*p = int(y)
	return p
}

// str returns the bytes appended by add as a string sharing the block.
func (b *outBlock) str(add func([]byte) []byte) string {
	start := len(b.bytes)
	b.bytes = add(b.bytes)
	// Later appends write after this string (or into a new array), never
	// into it.
	return unsafe.String(unsafe.SliceData(b.bytes[start:]), len(b.bytes)-start)
}

func years(ys [numYears]int16) int {
	n := 0
	for _, y := range ys {
		if y != noYear {
			n++
		}
	}
	return n
}

// nodeOut converts a node record to the domain type (a fresh copy).
func (s *Store) nodeOut(h int32) *graph.Node {
	n := new(graph.Node)
	s.fillNode(n, h, &outBlock{})
	return n
}

// nodesOut converts the nodes hs, in that order.
func (s *Store) nodesOut(hs []int32) []*graph.Node {
	nsrc, nyear := 0, 0
	for _, h := range hs {
		nsrc += len(s.nodes[h].srcs)
		nyear += years(s.nodes[h].years)
	}
	b := outBlock{strs: make([]string, nsrc), ints: make([]int, nyear)}
	block := make([]graph.Node, len(hs))
	out := make([]*graph.Node, len(hs))
	for i, h := range hs {
		s.fillNode(&block[i], h, &b)
		out[i] = &block[i]
	}
	return out
}

func (s *Store) fillNode(n *graph.Node, h int32, b *outBlock) {
	r := &s.nodes[h]
	*n = graph.Node{
		ID: r.id(), Kind: kindOf(r.kind), Name: r.name(), Summary: r.summary(),
		Region: s.atoms[r.region], Country: s.atoms[r.country], Category: s.atoms[r.category], Role: s.atoms[r.role],
		StartYear: b.year(r.years[yStart]), EndYear: b.year(r.years[yEnd]),
		FoundedYear: b.year(r.years[yFounded]), Year: b.year(r.years[yYear]),
	}
	if e := r.ext; e != nil {
		n.Aliases = slices.Clone(e.aliases)
		n.Date, n.Publisher, n.URL, n.Question = e.date, e.publisher, e.url, e.question
		n.Disputes = graph.CloneDisputes(e.disputes)
	}
	n.SourceIDs = b.strings(len(r.srcs))
	for i, sh := range r.srcs {
		n.SourceIDs[i] = s.sources[sh].ID
	}
}

// relOut converts a relationship record to the domain type (a fresh copy).
func (s *Store) relOut(h int32) *graph.Relationship {
	r := new(graph.Relationship)
	s.fillRel(r, h, &outBlock{})
	return r
}

// relsOut returns the relationships hs as domain values sorted by id.
func (s *Store) relsOut(hs []int32) []*graph.Relationship {
	out := s.relsOutInOrder(hs)
	slices.SortFunc(out, func(a, b *graph.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// relsOutInOrder converts the relationships hs, in that order.
func (s *Store) relsOutInOrder(hs []int32) []*graph.Relationship {
	nstr, nyear, nbytes := 0, 0, 0
	for _, h := range hs {
		r := &s.rels[h]
		nstr += len(r.refs)
		if r.year != noYear {
			nyear++
		}
		if !r.custom {
			nbytes += len(s.nodes[r.from].id()) + len(s.nodes[r.to].id()) + len(typeOf(r.typ)) + 8
		}
	}
	b := outBlock{strs: make([]string, nstr), ints: make([]int, nyear), bytes: make([]byte, 0, nbytes)}
	block := make([]graph.Relationship, len(hs))
	out := make([]*graph.Relationship, len(hs))
	for i, h := range hs {
		s.fillRel(&block[i], h, &b)
		out[i] = &block[i]
	}
	return out
}

func (s *Store) fillRel(out *graph.Relationship, h int32, b *outBlock) {
	r := &s.rels[h]
	id := ""
	if r.custom {
		id = s.relIDs[h]
	} else {
		id = b.str(func(buf []byte) []byte { return s.appendDerivedID(buf, h) })
	}
	*out = graph.Relationship{
		ID: id, Type: typeOf(r.typ), From: s.nodes[r.from].id(), To: s.nodes[r.to].id(),
		Summary: r.summary, Year: b.year(r.year),
	}
	if ts := r.tensions(); len(ts) > 0 {
		out.TensionIDs = b.strings(len(ts))
		for i, t := range ts {
			out.TensionIDs[i] = s.nodes[t].id()
		}
	}
	out.SourceIDs = b.strings(int(r.nsrc))
	for i, sh := range r.refs[:r.nsrc] {
		out.SourceIDs[i] = s.sources[sh].ID
	}
	if x := s.relExtras[h]; x != nil {
		out.Status, out.Disputes = x.status, graph.CloneDisputes(x.disputes)
	}
}
