// Package memstore is the embedded graph.Store: the whole graph lives in
// compact in-memory indexes behind a sync.RWMutex, and every accepted
// mutation is committed (with fsync) to a single bbolt file before it is
// acknowledged. Open rebuilds the indexes from that file.
//
// Layout of the bbolt file: buckets "sources", "nodes" and "rels" map ids to
// binary records (see codec.go; the format is named in "meta" under
// "format", and Open refuses any other); "meta" also holds the name and
// version of the last imported dataset; "audit" maps a big-endian sequence
// number to the JSON of a graph.Change.
//
// In memory, nodes and relationships are addressed by dense int32 handles.
// A node keeps its id, name and summary in one string, its short repeated
// attributes (region, country, category, role) as indexes into a table of
// interned strings, its years as int16 and its sources as source handles.
// A relationship keeps no id when its id is the one graph.RelationshipID
// derives (the usual case). Node and relationship ids are found through
// open-addressing hash tables of handles (idTable) rather than maps keyed
// by strings.
package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
)

var _ graph.Store = (*Store)(nil)

// FileName is the name of the bbolt file inside the data directory.
const FileName = "hmkg.db"

var (
	bucketSources = []byte("sources")
	bucketNodes   = []byte("nodes")
	bucketRels    = []byte("rels")
	bucketMeta    = []byte("meta")
	bucketAudit   = []byte("audit")
)

// Option configures a Store.
type Option func(*config)

type config struct {
	logger  *slog.Logger
	now     func() time.Time
	timeout time.Duration
	noSync  bool
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithClock sets the clock used to stamp audit entries (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithLockTimeout sets how long Open waits for another process to release
// the data file (default 1s); after that Open fails with EUNAVAILABLE.
func WithLockTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithoutSync skips fsync on commit. Only for benchmarks and bulk loads
// whose data can be reloaded: an acknowledged write may be lost on a crash.
func WithoutSync() Option { return func(c *config) { c.noSync = true } }

// Store is the embedded graph store. The zero value is not usable; call New
// or Open.
type Store struct {
	mu     sync.RWMutex
	cfg    config
	db     *bolt.DB // nil for a purely in-memory store
	closed bool

	// A deleted node keeps its slot with an empty record so that handles
	// stay stable; likewise a deleted relationship (from < 0).
	nodes   []nodeRec
	nodeIdx idTable
	live    int

	rels   []relRec
	relIdx idTable
	relIDs map[int32]string // ids that graph.RelationshipID does not derive
	nrels  int

	sources []*graph.Source
	srcIdx  map[string]int32

	atoms   []string // interned short strings; atoms[0] is ""
	atomIdx map[string]uint32

	kindCounts [numKinds]int
	typeCounts []int

	search *searchIndex

	dsName, dsVersion string
	changes           []graph.Change // oldest first
	seq               int64
}

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
	kind                            uint8
}

// nodeExt holds the node fields that few nodes have.
type nodeExt struct {
	aliases                        []string
	date, publisher, url, question string
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
	typ      uint8
	custom   bool // the id is in Store.relIDs
}

func (r *relRec) alive() bool       { return r.from >= 0 }
func (r *relRec) tensions() []int32 { return r.refs[r.nsrc:] }

const numKinds = 7

var kindIndex = func() map[graph.Kind]uint8 {
	m := make(map[graph.Kind]uint8, len(graph.Kinds))
	for i, k := range graph.Kinds {
		m[k] = uint8(i)
	}
	return m
}()

var typeIndex = func() map[graph.RelType]uint8 {
	m := make(map[graph.RelType]uint8, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		m[t] = uint8(i)
	}
	return m
}()

// New returns an empty store that lives only in memory. Nothing is written
// to disk; use it in tests and benchmarks.
func New(opts ...Option) *Store {
	s := &Store{}
	s.cfg = config{logger: slog.Default(), now: time.Now, timeout: time.Second}
	for _, o := range opts {
		o(&s.cfg)
	}
	s.nodeIdx.init(0)
	s.relIDs = make(map[int32]string)
	s.srcIdx = make(map[string]int32)
	s.atoms = []string{""}
	s.atomIdx = map[string]uint32{"": 0}
	s.typeCounts = make([]int, len(graph.RelTypes))
	s.search = newSearchIndex()
	s.relIdx.init(0)
	return s
}

// Open opens (creating if needed) the store kept in dir and rebuilds the
// in-memory indexes from it. Only one process may hold a data directory.
func Open(dir string, opts ...Option) (*Store, error) {
	s := New(opts...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, graph.Errorf(graph.EUNAVAILABLE, "create data directory %s: %v", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: s.cfg.timeout, NoSync: s.cfg.noSync})
	if err != nil {
		return nil, graph.Errorf(graph.EUNAVAILABLE, "open %s: %v", path, err)
	}
	s.db = db
	start := time.Now()
	if err := s.load(); err != nil {
		db.Close()
		return nil, fmt.Errorf("memstore: load %s: %w", path, err)
	}
	s.cfg.logger.Info("memstore opened", "path", path, "nodes", s.live, "relationships", s.nrels,
		"sources", len(s.sources), "took", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// Close releases the data file. The store must not be used afterwards.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			return fmt.Errorf("memstore: close: %w", err)
		}
	}
	return nil
}

// Ping reports EUNAVAILABLE once the store is closed.
func (s *Store) Ping(ctx context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return graph.Errorf(graph.EUNAVAILABLE, "store is closed")
	}
	return graph.CtxError(ctx, "memstore.Ping")
}

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
		kind:  kindIndex[n.Kind],
	}
	if len(n.Aliases) > 0 || n.Date != "" || n.Publisher != "" || n.URL != "" || n.Question != "" {
		rec.ext = &nodeExt{date: n.Date, publisher: n.Publisher, url: n.URL, question: n.Question}
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
		s.kindCounts[old.kind]--
		rec.out, rec.in = old.out, old.in
		*old = rec
		s.kindCounts[rec.kind]++
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
	if index {
		s.search.add(h, &s.nodes[h])
	}
	return h
}

// makeRel builds the record of r; its endpoints, tensions and sources must
// exist.
func (s *Store) makeRel(r *graph.Relationship, a *arena) relRec {
	rec := relRec{
		from: s.mustNode(r.From), to: s.mustNode(r.To), typ: typeIndex[r.Type], summary: r.Summary,
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
	b = append(b, graph.RelTypes[r.typ]...)
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
	r := &s.rels[h]
	s.nodes[r.from].out = append(s.nodes[r.from].out, h)
	s.nodes[r.to].in = append(s.nodes[r.to].in, h)
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
	r := &s.rels[h]
	s.nodes[r.from].out = removeHandle(s.nodes[r.from].out, h)
	s.nodes[r.to].in = removeHandle(s.nodes[r.to].in, h)
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
	if rec.kind == kindIndex[graph.KindTension] {
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
	s.kindCounts[rec.kind]--
	s.nodeIdx.remove(hashID(s.nodeIdx.seed, id), h)
	s.live--
	*rec = nodeRec{}
}

type lookup struct{ s *Store }

func (l lookup) HasSource(id string) bool { _, ok := l.s.srcIdx[id]; return ok }

func (l lookup) NodeKind(id string) graph.Kind {
	if h, ok := l.s.findNode(id); ok {
		return graph.Kinds[l.s.nodes[h].kind]
	}
	return ""
}

// relOut converts a relationship record to the domain type (a fresh copy).
func (s *Store) relOut(h int32) *graph.Relationship {
	r := &s.rels[h]
	out := &graph.Relationship{
		ID: s.relID(h), Type: graph.RelTypes[r.typ], From: s.nodes[r.from].id(), To: s.nodes[r.to].id(),
		Summary: r.summary, Year: yearPtr(r.year),
	}
	if ts := r.tensions(); len(ts) > 0 {
		out.TensionIDs = make([]string, len(ts))
		for i, t := range ts {
			out.TensionIDs[i] = s.nodes[t].id()
		}
	}
	out.SourceIDs = make([]string, r.nsrc)
	for i, sh := range r.refs[:r.nsrc] {
		out.SourceIDs[i] = s.sources[sh].ID
	}
	return out
}

// nodeOut converts a node record to the domain type (a fresh copy).
func (s *Store) nodeOut(h int32) *graph.Node {
	r := &s.nodes[h]
	n := &graph.Node{
		ID: r.id(), Kind: graph.Kinds[r.kind], Name: r.name(), Summary: r.summary(),
		Region: s.atoms[r.region], Country: s.atoms[r.country], Category: s.atoms[r.category], Role: s.atoms[r.role],
		StartYear: yearPtr(r.years[yStart]), EndYear: yearPtr(r.years[yEnd]),
		FoundedYear: yearPtr(r.years[yFounded]), Year: yearPtr(r.years[yYear]),
	}
	if e := r.ext; e != nil {
		n.Aliases = slices.Clone(e.aliases)
		n.Date, n.Publisher, n.URL, n.Question = e.date, e.publisher, e.url, e.question
	}
	n.SourceIDs = make([]string, len(r.srcs))
	for i, sh := range r.srcs {
		n.SourceIDs[i] = s.sources[sh].ID
	}
	return n
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
