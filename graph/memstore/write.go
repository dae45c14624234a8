package memstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
)

// Every mutation follows the same steps under the write lock: validate
// against the store's current contents, commit to bbolt (one transaction,
// fsync), and only then apply the change to the in-memory indexes. A
// mutation that fails validation or commit leaves memory untouched and
// records no audit entry.

// record is one keyed value in a bucket; a nil value deletes the key.
type record struct {
	bucket []byte
	key    []byte
	value  []byte
}

// commit writes recs and the audit entry c in one bbolt transaction and
// returns the entry with its sequence id. On a memory-only store it only
// assigns the id.
func (s *Store) commit(recs []record, meta map[string]string, c graph.Change) (graph.Change, error) {
	if s.closed {
		return c, graph.Errorf(graph.EUNAVAILABLE, "store is closed")
	}
	c.At = s.cfg.now().UTC()
	if s.db == nil {
		c.ID = s.seq + 1
		return c, nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		// Sorted keys keep bbolt's page splits cheap on bulk loads.
		slices.SortFunc(recs, func(a, b record) int {
			if c := bytes.Compare(a.bucket, b.bucket); c != 0 {
				return c
			}
			return bytes.Compare(a.key, b.key)
		})
		var b *bolt.Bucket
		var name []byte
		for _, r := range recs {
			if b == nil || !bytes.Equal(name, r.bucket) {
				name, b = r.bucket, tx.Bucket(r.bucket)
				b.FillPercent = 0.9
			}
			var err error
			if r.value == nil {
				err = b.Delete(r.key)
			} else {
				err = b.Put(r.key, r.value)
			}
			if err != nil {
				return fmt.Errorf("write %s %s: %w", r.bucket, r.key, err)
			}
		}
		mb := tx.Bucket(bucketMeta)
		for k, v := range meta {
			if err := mb.Put([]byte(k), []byte(v)); err != nil {
				return fmt.Errorf("write meta %s: %w", k, err)
			}
		}
		ab := tx.Bucket(bucketAudit)
		seq, err := ab.NextSequence()
		if err != nil {
			return fmt.Errorf("audit sequence: %w", err)
		}
		c.ID = int64(seq)
		v, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode audit entry: %w", err)
		}
		return ab.Put(seqKey(seq), v)
	})
	if err != nil {
		return c, fmt.Errorf("memstore: commit %s %s: %w", c.Action, c.TargetID, err)
	}
	return c, nil
}

func (s *Store) record(c graph.Change) {
	s.seq = c.ID
	s.changes = append(s.changes, c)
}

// encoder lays records out back to back in large blocks, so that encoding
// a big import makes few allocations. The blocks must stay untouched until
// the transaction that writes them commits.
type encoder struct {
	buf []byte
}

const encoderBlock = 1 << 20

// add appends the key and the value that put appends, and returns them as
// a record.
func (e *encoder) add(bucket []byte, key string, put func([]byte) []byte) record {
	if cap(e.buf)-len(e.buf) < 4096 {
		e.buf = make([]byte, 0, encoderBlock)
	}
	start := len(e.buf)
	e.buf = append(e.buf, key...)
	mid := len(e.buf)
	e.buf = put(e.buf)
	// A record that outgrew the block moved; both slices still point at it.
	return record{bucket: bucket, key: e.buf[start:mid:mid], value: e.buf[mid:len(e.buf):len(e.buf)]}
}

func (e *encoder) source(x *graph.Source) record {
	return e.add(bucketSources, x.ID, func(b []byte) []byte { return appendSource(b, x) })
}

func (e *encoder) node(x *graph.Node) record {
	return e.add(bucketNodes, x.ID, func(b []byte) []byte { return appendNode(b, x) })
}

func (e *encoder) rel(x *graph.Relationship) record {
	return e.add(bucketRels, x.ID, func(b []byte) []byte { return appendRel(b, x) })
}

// checkActor applies graph's actor rule: every change names its actor.
func checkActor(actor string) error { return graph.CheckActor(actor) }

// actorOf is the actor recorded for a change: the one given, already
// checked by checkActor.
func actorOf(a string) string { return a }

// Import validates d and writes it in one transaction.
func (s *Store) Import(ctx context.Context, d *graph.Dataset, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if d == nil {
		return graph.Errorf(graph.EINVALID, "no dataset")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubs.clear()
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("import %s: %w", d.Name, err)
	}
	storyRecs, err := s.importStories(d)
	if err != nil {
		return fmt.Errorf("import %s: %w", d.Name, err)
	}
	var recs []record
	if s.db != nil {
		recs = make([]record, 0, len(d.Sources)+len(d.Nodes)+len(d.Relationships)+len(storyRecs))
		recs = append(recs, storyRecs...)
		var e encoder
		for _, x := range d.Sources {
			recs = append(recs, e.source(x))
		}
		for _, x := range d.Nodes {
			recs = append(recs, e.node(x))
		}
		for _, x := range d.Relationships {
			recs = append(recs, e.rel(x))
		}
	}
	detail, _ := json.Marshal(map[string]any{
		"name": d.Name, "version": d.Version, "sources": len(d.Sources),
		"nodes": len(d.Nodes), "relationships": len(d.Relationships), "stories": len(d.Stories),
	})
	c, err := s.commit(recs, map[string]string{"name": d.Name, "version": d.Version}, graph.Change{
		Actor: actorOf(actor), Action: graph.ActionImport, TargetID: d.Name, Detail: string(detail),
	})
	recs = nil
	if err != nil {
		return err
	}
	s.apply(d)
	s.applyStories(storyRecs)
	s.dsName, s.dsVersion = d.Name, d.Version
	s.record(c)
	return nil
}

// apply puts a validated dataset into memory.
func (s *Store) apply(d *graph.Dataset) {
	for _, x := range d.Sources {
		s.putSource(x)
	}
	var a *arena
	if len(d.Nodes)+len(d.Relationships) > 1000 {
		a = new(arena)
		// Rebuilt on demand: repositioning every node would cost more.
		s.dropOrders()
	}
	if s.nodeIdx.n == 0 && len(d.Nodes) > 1000 {
		s.nodeIdx.init(len(d.Nodes))
	}
	s.nodes = slices.Grow(s.nodes, len(d.Nodes))
	// Small imports update the search index in place; large ones rebuild it
	// while the relationships go in.
	incremental := len(d.Nodes) < 1000 || len(d.Nodes) < s.live/10
	for _, x := range d.Nodes {
		s.putNode(s.makeNode(x, a), incremental)
	}
	var wg sync.WaitGroup
	if !incremental {
		wg.Go(func() { s.search.rebuild(s) })
	}
	if s.relIdx.n == 0 && len(d.Relationships) > 1000 {
		s.relIdx.init(len(d.Relationships))
	}
	s.rels = slices.Grow(s.rels, len(d.Relationships))
	start := int32(len(s.rels))
	for _, x := range d.Relationships {
		s.setRelExtra(s.putRel(x.ID, s.makeRel(x, a), a != nil), x)
	}
	if a != nil {
		s.linkFrom(start, a)
	}
	wg.Wait()
}

// UpsertSource creates or replaces a source.
func (s *Store) UpsertSource(ctx context.Context, src *graph.Source, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if src == nil {
		return graph.Errorf(graph.EINVALID, "no source")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubs.clear()
	d := &graph.Dataset{Sources: []*graph.Source{src}}
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("upsert source %s: %w", src.ID, err)
	}
	var e encoder
	return s.write(e.source(src), src, graph.ActionUpsertSource, actor, func() { s.putSource(src) })
}

// UpsertNode creates or replaces a node.
func (s *Store) UpsertNode(ctx context.Context, n *graph.Node, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if n == nil {
		return graph.Errorf(graph.EINVALID, "no node")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubs.clear()
	d := &graph.Dataset{Nodes: []*graph.Node{n}}
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("upsert node %s: %w", n.ID, err)
	}
	if h, ok := s.findNode(n.ID); ok && kindOf(s.nodes[h].kind) == graph.KindTension && n.Kind != graph.KindTension {
		for i := range s.rels {
			if r := &s.rels[i]; r.alive() && slices.Contains(r.tensions(), h) {
				return graph.Errorf(graph.EINVALID, "upsert node %s: relationship %s cites it as a tension, so it must stay a tension", n.ID, s.relID(int32(i)))
			}
		}
	}
	var e encoder
	return s.write(e.node(n), n, graph.ActionUpsertNode, actor, func() { s.putNode(s.makeNode(n, nil), true) })
}

// UpsertRelationship creates or replaces a relationship; an empty id is
// filled in with graph.RelationshipID.
func (s *Store) UpsertRelationship(ctx context.Context, r *graph.Relationship, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if r == nil {
		return graph.Errorf(graph.EINVALID, "no relationship")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubs.clear()
	d := &graph.Dataset{Relationships: []*graph.Relationship{r}}
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("upsert relationship %s: %w", r.ID, err)
	}
	var e encoder
	return s.write(e.rel(r), r, graph.ActionUpsertRelationship, actor, func() { s.setRelExtra(s.putRel(r.ID, s.makeRel(r, nil), false), r) })
}

// write commits a single-record mutation, whose JSON is the audit detail,
// and then applies it in memory.
func (s *Store) write(rec record, value any, action, actor string, apply func()) error {
	detail, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("memstore: encode %s %s: %w", rec.bucket, rec.key, err)
	}
	c, err := s.commit([]record{rec}, nil, graph.Change{
		Actor: actorOf(actor), Action: action, TargetID: string(rec.key), Detail: string(detail),
	})
	if err != nil {
		return err
	}
	apply()
	s.record(c)
	return nil
}

// DeleteNode removes a node, its relationships, and its mentions as a
// tension or publisher elsewhere.
func (s *Store) DeleteNode(ctx context.Context, id, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubs.clear()
	h, ok := s.findNode(id)
	if !ok {
		return graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
	}
	recs := []record{{bucket: bucketNodes, key: []byte(id)}}
	if s.db != nil {
		var e encoder
		rec := &s.nodes[h]
		gone := map[int32]bool{}
		for _, rh := range slices.Concat(rec.out, rec.in) {
			if !gone[rh] {
				gone[rh] = true
				recs = append(recs, record{bucket: bucketRels, key: []byte(s.relID(rh))})
			}
		}
		if kindOf(rec.kind) == graph.KindTension {
			for i := range s.rels {
				r := &s.rels[i]
				if !r.alive() || gone[int32(i)] || !slices.Contains(r.tensions(), h) {
					continue
				}
				out := s.relOut(int32(i))
				out.TensionIDs = slices.DeleteFunc(out.TensionIDs, func(t string) bool { return t == id })
				recs = append(recs, e.rel(out))
			}
		}
		for i := range s.nodes {
			if o := &s.nodes[i]; o.alive() && o.publisher() == id && int32(i) != h {
				n := s.nodeOut(int32(i))
				n.Publisher = ""
				recs = append(recs, e.node(n))
			}
		}
	}
	c, err := s.commit(recs, nil, graph.Change{Actor: actorOf(actor), Action: graph.ActionDeleteNode, TargetID: id})
	if err != nil {
		return err
	}
	s.deleteNode(h)
	s.record(c)
	return nil
}

// DeleteRelationship removes a relationship.
func (s *Store) DeleteRelationship(ctx context.Context, id, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubs.clear()
	h, ok := s.findRel(id)
	if !ok {
		return graph.Errorf(graph.ENOTFOUND, "relationship %q not found", id)
	}
	c, err := s.commit([]record{{bucket: bucketRels, key: []byte(id)}}, nil,
		graph.Change{Actor: actorOf(actor), Action: graph.ActionDeleteRelationship, TargetID: id})
	if err != nil {
		return err
	}
	s.deleteRel(h)
	s.record(c)
	return nil
}
