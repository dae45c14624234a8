package memstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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
	key    string
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
			return strings.Compare(a.key, b.key)
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
				err = b.Delete([]byte(r.key))
			} else {
				err = b.Put([]byte(r.key), r.value)
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

func encode(bucket []byte, key string, v any) (record, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return record{}, fmt.Errorf("memstore: encode %s %s: %w", bucket, key, err)
	}
	return record{bucket: bucket, key: key, value: b}, nil
}

// checkActor rejects an actor that is only white space; an empty actor is
// recorded as "system" (the loader and start-up import).
func checkActor(actor string) error {
	if actor != "" && strings.TrimSpace(actor) == "" {
		return graph.Errorf(graph.EINVALID, "actor %q is blank", actor)
	}
	return nil
}

func actorOf(a string) string {
	if a == "" {
		return "system"
	}
	return a
}

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
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("import %s: %w", d.Name, err)
	}
	var recs []record
	if s.db != nil {
		recs = make([]record, 0, len(d.Sources)+len(d.Nodes)+len(d.Relationships))
		for _, x := range d.Sources {
			r, err := encode(bucketSources, x.ID, x)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		for _, x := range d.Nodes {
			r, err := encode(bucketNodes, x.ID, x)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		for _, x := range d.Relationships {
			r, err := encode(bucketRels, x.ID, x)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
	}
	detail, _ := json.Marshal(map[string]any{
		"name": d.Name, "version": d.Version, "sources": len(d.Sources),
		"nodes": len(d.Nodes), "relationships": len(d.Relationships),
	})
	c, err := s.commit(recs, map[string]string{"name": d.Name, "version": d.Version}, graph.Change{
		Actor: actorOf(actor), Action: graph.ActionImport, TargetID: d.Name, Detail: string(detail),
	})
	if err != nil {
		return err
	}
	for _, x := range d.Sources {
		s.putSource(x)
	}
	if len(s.nodeIdx) == 0 && len(d.Nodes) > 1000 {
		s.nodeIdx = make(map[string]int32, len(d.Nodes))
		s.nodes = slices.Grow(s.nodes, len(d.Nodes))
	}
	// Small imports update the search index in place; large ones rebuild it.
	incremental := len(d.Nodes) < 1000 || len(d.Nodes) < s.live/10
	for _, x := range d.Nodes {
		s.putNode(x, incremental)
	}
	if len(s.relIdx) == 0 && len(d.Relationships) > 1000 {
		s.relIdx = make(map[string]int32, len(d.Relationships))
		s.rels = slices.Grow(s.rels, len(d.Relationships))
	}
	for _, x := range d.Relationships {
		s.putRel(x)
	}
	if !incremental {
		s.search.rebuild(s)
	}
	s.dsName, s.dsVersion = d.Name, d.Version
	s.record(c)
	return nil
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
	d := &graph.Dataset{Sources: []*graph.Source{src}}
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("upsert source %s: %w", src.ID, err)
	}
	return s.write(mutation{bucketSources, src.ID, src, graph.ActionUpsertSource, actor}, func() { s.putSource(src) })
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
	d := &graph.Dataset{Nodes: []*graph.Node{n}}
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("upsert node %s: %w", n.ID, err)
	}
	if h, ok := s.nodeIdx[n.ID]; ok && s.nodes[h].n.Kind == graph.KindTension && n.Kind != graph.KindTension {
		for i := range s.rels {
			if r := &s.rels[i]; r.alive() && slices.Contains(r.tensions, n.ID) {
				return graph.Errorf(graph.EINVALID, "upsert node %s: relationship %s cites it as a tension, so it must stay a tension", n.ID, r.id)
			}
		}
	}
	return s.write(mutation{bucketNodes, n.ID, n, graph.ActionUpsertNode, actor}, func() { s.putNode(n, true) })
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
	d := &graph.Dataset{Relationships: []*graph.Relationship{r}}
	if err := d.Validate(lookup{s}); err != nil {
		return fmt.Errorf("upsert relationship %s: %w", r.ID, err)
	}
	return s.write(mutation{bucketRels, r.ID, r, graph.ActionUpsertRelationship, actor}, func() { s.putRel(r) })
}

// mutation describes a single-record mutation for the audit log.
type mutation struct {
	bucket []byte
	key    string
	value  any
	action string
	actor  string
}

func (s *Store) write(a mutation, apply func()) error {
	rec, err := encode(a.bucket, a.key, a.value)
	if err != nil {
		return err
	}
	c, err := s.commit([]record{rec}, nil, graph.Change{
		Actor: actorOf(a.actor), Action: a.action, TargetID: a.key, Detail: string(rec.value),
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
	h, ok := s.nodeIdx[id]
	if !ok {
		return graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
	}
	recs := []record{{bucket: bucketNodes, key: id}}
	if s.db != nil {
		rec := &s.nodes[h]
		gone := map[int32]bool{}
		for _, rh := range slices.Concat(rec.out, rec.in) {
			if !gone[rh] {
				gone[rh] = true
				recs = append(recs, record{bucket: bucketRels, key: s.rels[rh].id})
			}
		}
		if rec.n.Kind == graph.KindTension {
			for i := range s.rels {
				r := &s.rels[i]
				if !r.alive() || gone[int32(i)] || !slices.Contains(r.tensions, id) {
					continue
				}
				out := s.relOut(int32(i))
				out.TensionIDs = slices.DeleteFunc(out.TensionIDs, func(t string) bool { return t == id })
				rr, err := encode(bucketRels, out.ID, out)
				if err != nil {
					return err
				}
				recs = append(recs, rr)
			}
		}
		for i := range s.nodes {
			if o := &s.nodes[i]; o.alive() && o.n.Publisher == id && int32(i) != h {
				n := cloneNode(&o.n)
				n.Publisher = ""
				rr, err := encode(bucketNodes, n.ID, n)
				if err != nil {
					return err
				}
				recs = append(recs, rr)
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
	h, ok := s.relIdx[id]
	if !ok {
		return graph.Errorf(graph.ENOTFOUND, "relationship %q not found", id)
	}
	c, err := s.commit([]record{{bucket: bucketRels, key: id}}, nil,
		graph.Change{Actor: actorOf(actor), Action: graph.ActionDeleteRelationship, TargetID: id})
	if err != nil {
		return err
	}
	s.deleteRel(h)
	s.record(c)
	return nil
}
