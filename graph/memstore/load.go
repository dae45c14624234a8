package memstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
)

// load creates the buckets, checks the record format and reads every
// record into memory. Nodes, relationships and the audit log are decoded
// concurrently, each in its own read transaction; relationships are
// resolved against the nodes once those are in.
func (s *Store) load() error {
	if err := s.db.Update(s.prepare); err != nil {
		return err
	}
	if err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		s.dsName, s.dsVersion = string(meta.Get([]byte("name"))), string(meta.Get([]byte("version")))
		if err := s.loadStories(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			src, err := decodeSource(k, v)
			if err != nil {
				return err
			}
			s.putSource(src)
			return nil
		})
	}); err != nil {
		return err
	}

	relTx, err := s.db.Begin(false)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer relTx.Rollback()
	var wg sync.WaitGroup
	var nodeErr, relErr, auditErr error
	wg.Go(func() { nodeErr = s.db.View(s.loadNodes) })
	wg.Go(func() { auditErr = s.db.View(s.loadAudit) })
	rels := relTx.Bucket(bucketRels)
	relErr = s.loadRels(rels)
	wg.Wait()
	if err := firstErr(nodeErr, auditErr, relErr); err != nil {
		return err
	}
	wg.Go(func() { s.search.rebuild(s) })
	relErr = s.resolveRels(rels)
	wg.Wait()
	return relErr
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// prepare creates the buckets and checks (or, in a new file, records) the
// format of the records.
func (s *Store) prepare(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketSources, bucketNodes, bucketRels, bucketMeta, bucketAudit, bucketStories} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	switch f := meta.Get(metaFormat); {
	case f == nil:
		for _, b := range [][]byte{bucketSources, bucketNodes, bucketRels, bucketAudit} {
			if k, _ := tx.Bucket(b).Cursor().First(); k != nil {
				return graph.Errorf(graph.EINTERNAL, "the data file holds records in an older format (JSON, before %s): "+
					"load the data again into a new data directory", formatVersion)
			}
		}
		if err := meta.Put(metaFormat, []byte(formatVersion)); err != nil {
			return fmt.Errorf("write format: %w", err)
		}
	case !slices.Contains(readableFormats, string(f)):
		return graph.Errorf(graph.EINTERNAL, "the data file's format %q is not supported (this hmkg reads %s)",
			f, strings.Join(readableFormats, ", "))
	case string(f) != formatVersion:
		// An older format's records are valid records of this one (see
		// codec.go): upgrading is rewriting the mark.
		if err := meta.Put(metaFormat, []byte(formatVersion)); err != nil {
			return fmt.Errorf("upgrade format %s to %s: %w", f, formatVersion, err)
		}
		s.cfg.logger.Info("memstore: upgraded the data file's format", "from", string(f), "to", formatVersion)
	}
	return nil
}

func (s *Store) loadAudit(tx *bolt.Tx) error {
	ab := tx.Bucket(bucketAudit)
	s.changes = make([]graph.Change, 0, ab.Stats().KeyN)
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
	return nil
}

// loadNodes decodes every node. It alone touches the interning table.
func (s *Store) loadNodes(tx *bolt.Tx) error {
	nb := tx.Bucket(bucketNodes)
	n := nb.Stats().KeyN
	s.nodes = make([]nodeRec, 0, n)
	s.nodeIdx.init(n)
	a := new(arena)
	return nb.ForEach(func(k, v []byte) error {
		rec, err := s.decodeNode(k, v, a)
		if err != nil {
			return err
		}
		h := int32(len(s.nodes))
		s.nodes = append(s.nodes, rec)
		s.nodeIdx.insert(hashID(s.nodeIdx.seed, rec.id()), h)
		s.live++
		s.kindCounts[rec.kind]++
		s.addKind(h, rec.kind)
		return nil
	})
}

func (s *Store) decodeNode(key, v []byte, a *arena) (nodeRec, error) {
	r := reader{b: v}
	rec := nodeRec{kind: r.kind()}
	name, summary := r.bytes(), r.bytes()
	rec.str = a.concatBytes(key, name, summary)
	rec.nameAt, rec.sumAt = uint32(len(key)), uint32(len(key)+len(name))
	var ext nodeExt
	if na := r.count(); na > 0 {
		ext.aliases = make([]string, na)
		for i := range ext.aliases {
			ext.aliases[i] = a.str(r.bytes())
		}
	}
	rec.region, rec.country, rec.category = s.atomBytes(r.bytes()), s.atomBytes(r.bytes()), s.atomBytes(r.bytes())
	for i := range rec.years {
		rec.years[i] = noYear
		if y, ok := r.year(); ok {
			if y < graph.MinYear || y > graph.MaxYear {
				return rec, fmt.Errorf("node %q: year %d out of range", key, y)
			}
			rec.years[i] = int16(y)
		}
	}
	ext.date, ext.publisher, ext.url = a.str(r.bytes()), a.str(r.bytes()), a.str(r.bytes())
	rec.role = s.atomBytes(r.bytes())
	ext.question = a.str(r.bytes())
	rec.srcs = a.int32s(r.count())
	for i := range rec.srcs {
		id := r.bytes()
		sh, ok := s.srcIdx[string(id)]
		if !ok && r.err == nil {
			return rec, fmt.Errorf("node %q cites unknown source %q", key, id)
		}
		rec.srcs[i] = sh
	}
	if r.more() {
		ext.disputes = r.disputes()
	}
	if ext.aliases != nil || ext.date != "" || ext.publisher != "" || ext.url != "" || ext.question != "" || ext.disputes != nil {
		rec.ext = &ext
	}
	if len(key) == 0 {
		return rec, fmt.Errorf("node with an empty id")
	}
	return rec, r.done("node", key)
}

// loadRels decodes every relationship but its endpoints and tensions,
// which need the nodes; resolveRels fills those in.
func (s *Store) loadRels(rb *bolt.Bucket) error {
	n := rb.Stats().KeyN
	s.rels = make([]relRec, 0, n)
	a := new(arena)
	return rb.ForEach(func(k, v []byte) error {
		r := reader{b: v}
		rec := relRec{typ: r.relType()}
		r.bytes() // from
		r.bytes() // to
		rec.year = noYear
		if y, ok := r.year(); ok {
			if y < graph.MinYear || y > graph.MaxYear {
				return fmt.Errorf("relationship %q: year %d out of range", k, y)
			}
			rec.year = int16(y)
		}
		rec.summary = a.str(r.bytes())
		nt := r.count()
		for range nt {
			r.bytes()
		}
		ns := r.count()
		rec.nsrc = int32(ns)
		rec.refs = a.int32s(ns + nt)
		for i := range ns {
			id := r.bytes()
			sh, ok := s.srcIdx[string(id)]
			if !ok && r.err == nil {
				return fmt.Errorf("relationship %q cites unknown source %q", k, id)
			}
			rec.refs[i] = sh
		}
		var x relExtra
		if r.more() {
			x.status, x.disputes = r.status(), r.disputes()
		}
		if err := r.done("relationship", k); err != nil {
			return err
		}
		if x.status != "" || x.disputes != nil {
			s.relExtras[int32(len(s.rels))] = &x
		}
		s.rels = append(s.rels, rec)
		s.typeCounts[rec.typ]++
		s.nrels++
		return nil
	})
}

// resolveRels fills in endpoints and tensions (walking the bucket again,
// in the same order), indexes the ids and links the adjacency lists.
func (s *Store) resolveRels(rb *bolt.Bucket) error {
	s.relIdx.init(len(s.rels))
	node := func(key, id []byte) (int32, error) {
		h, ok := s.findNodeBytes(id)
		if !ok {
			return 0, fmt.Errorf("relationship %q: unknown node %q", key, id)
		}
		return h, nil
	}
	var buf []byte
	h := int32(0)
	err := rb.ForEach(func(k, v []byte) error {
		rec := &s.rels[h]
		r := reader{b: v}
		r.relType()
		var err error
		if rec.from, err = node(k, r.bytes()); err != nil {
			return err
		}
		if rec.to, err = node(k, r.bytes()); err != nil {
			return err
		}
		r.year()
		r.bytes()
		for i := range r.count() {
			t, err := node(k, r.bytes())
			if err != nil {
				return err
			}
			rec.refs[int(rec.nsrc)+i] = t
		}
		buf = s.appendDerivedID(buf[:0], h)
		if !bytes.Equal(buf, k) {
			rec.custom = true
			s.relIDs[h] = string(k)
		}
		s.relIdx.insert(hashIDBytes(s.relIdx.seed, k), h)
		h++
		return nil
	})
	if err != nil {
		return err
	}
	s.linkFrom(0, new(arena))
	return nil
}
