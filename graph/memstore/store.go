// Package memstore is the embedded graph.Store: the whole graph lives in
// compact in-memory indexes behind a sync.RWMutex, and every accepted
// mutation is committed (with fsync) to a single bbolt file before it is
// acknowledged. Open rebuilds the indexes from that file.
//
// Layout of the bbolt file: buckets "sources", "nodes" and "rels" map ids to
// the JSON of graph.Source, graph.Node and graph.Relationship; "meta" holds
// the name and version of the last imported dataset; "audit" maps a
// big-endian sequence number to the JSON of a graph.Change.
package memstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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

	// Nodes are addressed by a dense int32 handle; a deleted node keeps its
	// slot with an empty id so that handles stay stable.
	nodes   []nodeRec
	nodeIdx map[string]int32
	live    int

	rels   []relRec
	relIdx map[string]int32
	nrels  int

	sources []*graph.Source
	srcIdx  map[string]int32

	strs map[string]string // interned short strings (regions, categories)
	ints map[int]*int      // shared year pointers; never handed out

	kindCounts [numKinds]int
	typeCounts []int

	search *searchIndex

	dsName, dsVersion string
	changes           []graph.Change // oldest first
	seq               int64
}

// nodeRec is a node with its adjacency lists (relationship handles).
type nodeRec struct {
	n       graph.Node
	kind    uint8
	out, in []int32
}

func (r *nodeRec) alive() bool { return r.n.ID != "" }

// relRec is a compact relationship: endpoints and sources are handles.
type relRec struct {
	id       string
	from, to int32
	typ      uint8
	hasYear  bool
	year     int16
	summary  string
	tensions []string
	sources  []int32
}

func (r *relRec) alive() bool { return r.id != "" }

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
	s.reset()
	return s
}

func (s *Store) reset() {
	s.nodes = nil
	s.nodeIdx = make(map[string]int32)
	s.rels = nil
	s.relIdx = make(map[string]int32)
	s.sources = nil
	s.srcIdx = make(map[string]int32)
	s.strs = make(map[string]string)
	s.ints = make(map[int]*int)
	s.typeCounts = make([]int, len(graph.RelTypes))
	s.search = newSearchIndex()
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

// load creates the buckets and reads every record into memory.
func (s *Store) load() error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSources, bucketNodes, bucketRels, bucketMeta, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			var src graph.Source
			if err := json.Unmarshal(v, &src); err != nil {
				return fmt.Errorf("source %s: %w", k, err)
			}
			s.putSource(&src)
			return nil
		}); err != nil {
			return err
		}
		nb := tx.Bucket(bucketNodes)
		if n := nb.Stats().KeyN; n > 0 {
			s.nodes = make([]nodeRec, 0, n)
			s.nodeIdx = make(map[string]int32, n)
		}
		if err := nb.ForEach(func(k, v []byte) error {
			var n graph.Node
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("node %s: %w", k, err)
			}
			s.putNode(&n, false)
			return nil
		}); err != nil {
			return err
		}
		rb := tx.Bucket(bucketRels)
		if n := rb.Stats().KeyN; n > 0 {
			s.rels = make([]relRec, 0, n)
			s.relIdx = make(map[string]int32, n)
		}
		if err := rb.ForEach(func(k, v []byte) error {
			var r graph.Relationship
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("relationship %s: %w", k, err)
			}
			s.putRel(&r)
			return nil
		}); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		s.dsName, s.dsVersion = string(meta.Get([]byte("name"))), string(meta.Get([]byte("version")))
		ab := tx.Bucket(bucketAudit)
		if err := ab.ForEach(func(k, v []byte) error {
			var c graph.Change
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("audit %x: %w", k, err)
			}
			s.changes = append(s.changes, c)
			return nil
		}); err != nil {
			return err
		}
		s.seq = int64(ab.Sequence())
		s.search.rebuild(s)
		return nil
	})
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
	return ctx.Err()
}

// intern returns a shared copy of a short, often repeated string.
func (s *Store) intern(v string) string {
	if v == "" {
		return ""
	}
	if w, ok := s.strs[v]; ok {
		return w
	}
	s.strs[v] = v
	return v
}

// year returns a shared pointer for the year value of p.
func (s *Store) year(p *int) *int {
	if p == nil {
		return nil
	}
	if q, ok := s.ints[*p]; ok {
		return q
	}
	q := new(int)
	*q = *p
	s.ints[*p] = q
	return q
}

// putSource inserts or replaces a source in memory.
func (s *Store) putSource(src *graph.Source) {
	c := cloneSource(src)
	c.Publisher = s.intern(c.Publisher)
	if i, ok := s.srcIdx[c.ID]; ok {
		s.sources[i] = c
		return
	}
	s.srcIdx[c.ID] = int32(len(s.sources))
	s.sources = append(s.sources, c)
}

// putNode inserts or replaces a node in memory, keeping its relationships.
// With index set the search index is updated too.
func (s *Store) putNode(n *graph.Node, index bool) int32 {
	c := graph.Node{
		ID: n.ID, Kind: graph.Kinds[kindIndex[n.Kind]], Name: n.Name, Summary: n.Summary,
		Region: s.intern(n.Region), Country: s.intern(n.Country), Category: s.intern(n.Category),
		StartYear: s.year(n.StartYear), EndYear: s.year(n.EndYear), FoundedYear: s.year(n.FoundedYear),
		Year: s.year(n.Year), Date: n.Date, Publisher: n.Publisher, URL: n.URL, Role: s.intern(n.Role),
		Question: n.Question,
	}
	if len(n.Aliases) > 0 {
		c.Aliases = slices.Clone(n.Aliases)
	}
	c.SourceIDs = make([]string, len(n.SourceIDs))
	for i, id := range n.SourceIDs {
		if j, ok := s.srcIdx[id]; ok {
			c.SourceIDs[i] = s.sources[j].ID
		} else {
			c.SourceIDs[i] = id
		}
	}
	if p, ok := s.nodeIdx[c.Publisher]; ok {
		c.Publisher = s.nodes[p].n.ID
	}
	k := kindIndex[c.Kind]
	if h, ok := s.nodeIdx[n.ID]; ok {
		rec := &s.nodes[h]
		if index {
			s.search.remove(h, &rec.n)
		}
		s.kindCounts[rec.kind]--
		c.ID = rec.n.ID
		rec.n, rec.kind = c, k
		s.kindCounts[k]++
		if index {
			s.search.add(h, &rec.n)
		}
		return h
	}
	h := int32(len(s.nodes))
	s.nodes = append(s.nodes, nodeRec{n: c, kind: k})
	s.nodeIdx[c.ID] = h
	s.live++
	s.kindCounts[k]++
	if index {
		s.search.add(h, &s.nodes[h].n)
	}
	return h
}

// putRel inserts or replaces a relationship in memory. Its endpoints and
// sources must exist.
func (s *Store) putRel(r *graph.Relationship) int32 {
	rec := relRec{
		from: s.nodeIdx[r.From], to: s.nodeIdx[r.To], typ: typeIndex[r.Type], summary: r.Summary,
	}
	if r.Year != nil {
		rec.hasYear, rec.year = true, int16(*r.Year)
	}
	if len(r.TensionIDs) > 0 {
		rec.tensions = make([]string, len(r.TensionIDs))
		for i, t := range r.TensionIDs {
			rec.tensions[i] = s.nodes[s.nodeIdx[t]].n.ID
		}
	}
	rec.sources = make([]int32, len(r.SourceIDs))
	for i, id := range r.SourceIDs {
		rec.sources[i] = s.srcIdx[id]
	}
	if h, ok := s.relIdx[r.ID]; ok {
		old := &s.rels[h]
		rec.id = old.id
		s.unlink(h)
		s.typeCounts[old.typ]--
		s.rels[h] = rec
		s.link(h)
		s.typeCounts[rec.typ]++
		return h
	}
	rec.id = r.ID
	h := int32(len(s.rels))
	s.rels = append(s.rels, rec)
	s.relIdx[r.ID] = h
	s.link(h)
	s.nrels++
	s.typeCounts[rec.typ]++
	return h
}

func (s *Store) link(h int32) {
	r := &s.rels[h]
	s.nodes[r.from].out = append(s.nodes[r.from].out, h)
	s.nodes[r.to].in = append(s.nodes[r.to].in, h)
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
	delete(s.relIdx, r.id)
	s.typeCounts[r.typ]--
	s.nrels--
	*r = relRec{}
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
	id := rec.n.ID
	if rec.n.Kind == graph.KindTension {
		for i := range s.rels {
			if r := &s.rels[i]; r.alive() && slices.Contains(r.tensions, id) {
				r.tensions = slices.DeleteFunc(slices.Clone(r.tensions), func(t string) bool { return t == id })
			}
		}
	}
	for i := range s.nodes {
		if o := &s.nodes[i]; o.alive() && o.n.Publisher == id {
			o.n.Publisher = ""
		}
	}
	s.search.remove(h, &rec.n)
	s.kindCounts[rec.kind]--
	delete(s.nodeIdx, id)
	s.live--
	*rec = nodeRec{}
}

// HasSource implements graph.Lookup; the caller holds the lock.
func (s *Store) lookupSource(id string) bool { _, ok := s.srcIdx[id]; return ok }

type lookup struct{ s *Store }

func (l lookup) HasSource(id string) bool { return l.s.lookupSource(id) }

func (l lookup) NodeKind(id string) graph.Kind {
	if h, ok := l.s.nodeIdx[id]; ok {
		return l.s.nodes[h].n.Kind
	}
	return ""
}

// relOut converts a relationship record to the domain type (a fresh copy).
func (s *Store) relOut(h int32) *graph.Relationship {
	r := &s.rels[h]
	out := &graph.Relationship{
		ID: r.id, Type: graph.RelTypes[r.typ], From: s.nodes[r.from].n.ID, To: s.nodes[r.to].n.ID,
		Summary: r.summary,
	}
	if r.hasYear {
		y := int(r.year)
		out.Year = &y
	}
	if len(r.tensions) > 0 {
		out.TensionIDs = slices.Clone(r.tensions)
	}
	out.SourceIDs = make([]string, len(r.sources))
	for i, sh := range r.sources {
		out.SourceIDs[i] = s.sources[sh].ID
	}
	return out
}

// nodeOut returns a deep copy of a node.
func (s *Store) nodeOut(h int32) *graph.Node { return cloneNode(&s.nodes[h].n) }

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneNode(n *graph.Node) *graph.Node {
	c := *n
	c.Aliases = slices.Clone(n.Aliases)
	c.SourceIDs = slices.Clone(n.SourceIDs)
	c.StartYear, c.EndYear = cloneInt(n.StartYear), cloneInt(n.EndYear)
	c.FoundedYear, c.Year = cloneInt(n.FoundedYear), cloneInt(n.Year)
	return &c
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
