// Package memstore is the embedded graph.Store: the whole graph lives in
// compact in-memory indexes behind a sync.RWMutex, and every accepted
// mutation is committed (with fsync) to a single bbolt file before it is
// acknowledged. Open rebuilds the indexes from that file.
//
// Layout of the bbolt file: buckets "sources", "nodes" and "rels" map ids to
// binary records (see codec.go; the format is named in "meta" under
// "format", and Open refuses any other); "meta" also holds the name and
// version of the last imported dataset; "audit" maps a big-endian sequence
// number to the JSON of a graph.Change. Beside the file, HolderFileName
// names the process that has the directory open (lock.go).
//
// In memory, nodes and relationships are addressed by dense int32 handles.
// A node keeps its id, name and summary in one string, its short repeated
// attributes (region, country, category, role) as indexes into a table of
// interned strings, its years as int16 and its sources as source handles.
// A relationship keeps no id when its id is the one graph.RelationshipID
// derives (the usual case). Node and relationship ids are found through
// open-addressing hash tables of handles (idTable) rather than maps keyed
// by strings.
//
// Reads avoid work proportional to the graph: ordered node pages come from
// order indexes built on first use and kept by writes, kind filters from
// per-kind lists (order.go); search merges the query terms' posting lists
// into a bounded heap (rank.go); traversals mark nodes in pooled sets
// sized by the visit (set.go); results are converted in batches (out.go).
package memstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

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
	// bucketStories is in story.go.
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
// the data file (default 1s); after that Open fails with EUNAVAILABLE and a
// message naming that process (see lock.go).
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
	dir    string   // the data directory; "" for a purely in-memory store
	closed bool

	// A deleted node keeps its slot with an empty record so that handles
	// stay stable; likewise a deleted relationship (from < 0).
	nodes   []nodeRec
	nodeIdx idTable
	live    int

	rels   []relRec
	relIdx idTable
	relIDs map[int32]string // ids that graph.RelationshipID does not derive
	// relExtras holds the status and disputes of the few relationships
	// that have them, so that relRec does not grow for all the others.
	relExtras map[int32]*relExtra
	nrels     int

	sources []*graph.Source
	srcIdx  map[string]int32

	atoms   []string // interned short strings; atoms[0] is ""
	atomIdx map[string]uint32

	// Nodes per kind code and relationships per type code.
	kindCounts, typeCounts codeCounts
	// byKind lists live node handles per kind code in handle order; ord
	// holds the order indexes, built on first use under ordMu (order.go).
	byKind [1 << 8][]int32
	ord    [numOrders]orderIndex
	ordMu  sync.Mutex

	search *searchIndex

	// hubs caches hubs' relationships sorted by id (adjacency.go) for
	// pages of them; cleared by every write.
	hubs adjacencyCache

	stories map[string][]byte // story id -> JSON (story.go)

	dsName, dsVersion string
	changes           []graph.Change // oldest first
	seq               int64
}

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
	s.relExtras = make(map[int32]*relExtra)
	s.srcIdx = make(map[string]int32)
	s.atoms = []string{""}
	s.atomIdx = map[string]uint32{"": 0}
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
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, inUseError(dir, s.cfg.timeout)
	}
	if err != nil {
		return nil, graph.Errorf(graph.EUNAVAILABLE, "open %s: %v", path, err)
	}
	s.db, s.dir = db, dir
	if err := writeHolder(dir, thisProcess()); err != nil {
		// Only the message to a second process suffers.
		s.cfg.logger.Warn("memstore: cannot record this process as the holder of the data directory", "dir", dir, "err", err)
	}
	start := time.Now()
	if err := s.load(); err != nil {
		removeHolder(dir)
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
		// Still holding the lock, so the record is ours to remove.
		if err := removeHolder(s.dir); err != nil {
			s.cfg.logger.Warn("memstore: close", "dir", s.dir, "err", err)
		}
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

// InProcess reports that reads are memory lookups in this process
// (graph.InProcess): planners run a level's calls one after another.
func (s *Store) InProcess() bool { return true }
