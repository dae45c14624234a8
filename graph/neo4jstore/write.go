package neo4jstore

// write.go holds every write of the Neo4j store (upserts, deletes, the
// batched import and its audit entries) so that their transaction shapes
// read side by side; it is a little over 500 lines for that reason.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
)

// Every mutation follows the same steps: check the actor, validate against
// the database (graph.Dataset.Validate with a Lookup filled by one batched
// query), then write everything and the audit entry in ONE managed write
// transaction, so a failure part way leaves the database as it was.

// checkActor applies graph's actor rule: every change names its actor.
func checkActor(actor string) error { return graph.CheckActor(actor) }

// dbLookup is a graph.Lookup over the records a dataset refers to but does
// not define, fetched from the database before validation.
type dbLookup struct {
	sources map[string]bool
	kinds   map[string]graph.Kind
	rels    map[string]bool // relationships stories cite (story.go)
}

func (l *dbLookup) HasSource(id string) bool        { return l.sources[id] }
func (l *dbLookup) NodeKind(id string) graph.Kind   { return l.kinds[id] }
func (l *dbLookup) addKind(id string, k graph.Kind) { l.kinds[id] = k }
func (l *dbLookup) addSource(id string)             { l.sources[id] = true }
func (l *dbLookup) size() int                       { return len(l.sources) + len(l.kinds) }
func newLookup() *dbLookup {
	return &dbLookup{map[string]bool{}, map[string]graph.Kind{}, map[string]bool{}}
}
func appendMissing(out []string, have map[string]bool, ids ...string) []string {
	for _, id := range ids {
		if id != "" && !have[id] {
			have[id] = true
			out = append(out, id)
		}
	}
	return out
}

// lookup fetches the sources and nodes that d refers to without defining.
func (s *Store) lookup(ctx context.Context, d *graph.Dataset) (*dbLookup, error) {
	defined := map[string]bool{}
	for _, x := range d.Sources {
		defined[x.ID] = true
	}
	var srcIDs []string
	seen := map[string]bool{}
	for k := range defined {
		seen[k] = true
	}
	for _, n := range d.Nodes {
		srcIDs = appendMissing(srcIDs, seen, n.SourceIDs...)
		for _, x := range n.Disputes {
			srcIDs = appendMissing(srcIDs, seen, x.Sources()...)
		}
	}
	for _, r := range d.Relationships {
		srcIDs = appendMissing(srcIDs, seen, r.SourceIDs...)
		for _, x := range r.Disputes {
			srcIDs = appendMissing(srcIDs, seen, x.Sources()...)
		}
	}
	for _, x := range d.Disputes {
		if x != nil {
			srcIDs = appendMissing(srcIDs, seen, x.Sources()...)
		}
	}
	nodeSeen := map[string]bool{}
	for _, n := range d.Nodes {
		nodeSeen[n.ID] = true
	}
	var nodeIDs []string
	for _, n := range d.Nodes {
		nodeIDs = appendMissing(nodeIDs, nodeSeen, n.Publisher)
	}
	for _, r := range d.Relationships {
		nodeIDs = appendMissing(nodeIDs, nodeSeen, r.From, r.To)
		nodeIDs = appendMissing(nodeIDs, nodeSeen, r.TensionIDs...)
	}
	l := newLookup()
	if len(srcIDs) == 0 && len(nodeIDs) == 0 {
		return l, nil
	}
	_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
		if len(srcIDs) > 0 {
			recs, err := tx.collect(ctx, cypherLookupSources, map[string]any{"ids": srcIDs})
			if err != nil {
				return struct{}{}, err
			}
			for _, r := range recs {
				id, _ := value(r, "id").(string)
				l.addSource(id)
			}
		}
		if len(nodeIDs) > 0 {
			recs, err := tx.collect(ctx, cypherLookupNodes, map[string]any{"ids": nodeIDs})
			if err != nil {
				return struct{}{}, err
			}
			for _, r := range recs {
				id, _ := value(r, "id").(string)
				k, _ := value(r, "kind").(string)
				l.addKind(id, graph.Kind(k))
			}
		}
		return struct{}{}, nil
	})
	return l, err
}

// change is an audit entry to write with a mutation.
type change struct {
	action, target, detail string
}

// Import validates d against itself and the database and writes it
// atomically: a small dataset in one transaction of batched UNWIND ...
// MERGE, a large one (stageMin records or more) staged in many small
// transactions and published in one short one (stage.go).
func (s *Store) Import(ctx context.Context, d *graph.Dataset, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if d == nil {
		return graph.Errorf(graph.EINVALID, "no dataset")
	}
	detail, _ := json.Marshal(map[string]any{
		"name": d.Name, "version": d.Version, "sources": len(d.Sources),
		"nodes": len(d.Nodes), "relationships": len(d.Relationships), "stories": len(d.Stories),
	})
	meta := &[2]string{d.Name, d.Version}
	// A large import is one long transaction: without a deadline it gets
	// ImportTimeout rather than the request-sized MaxTxTimeout.
	ctx = withTxLimit(ctx, s.importTx)
	if len(d.Nodes)+len(d.Relationships) >= s.stageMin {
		c := change{graph.ActionImport, d.Name, string(detail)}
		l, err := s.lookup(ctx, d)
		if err == nil {
			err = d.Validate(l)
		}
		if err == nil {
			err = s.importStaged(ctx, d, actor, c, meta)
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", d.Name, err)
		}
		s.replanAfterImport(ctx, len(d.Nodes)+len(d.Relationships))
		return nil
	}
	if err := s.apply(ctx, d, actor, change{graph.ActionImport, d.Name, string(detail)}, meta, nil); err != nil {
		return fmt.Errorf("import %s: %w", d.Name, err)
	}
	s.replanAfterImport(ctx, len(d.Nodes)+len(d.Relationships))
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
	d := &graph.Dataset{Sources: []*graph.Source{src}}
	detail, err := json.Marshal(src)
	if err != nil {
		return fmt.Errorf("upsert source %s: %w", src.ID, err)
	}
	if err := s.apply(ctx, d, actor, change{graph.ActionUpsertSource, src.ID, string(detail)}, nil, nil); err != nil {
		return fmt.Errorf("upsert source %s: %w", src.ID, err)
	}
	return nil
}

// UpsertNode creates or replaces a node. A tension that relationships cite
// must stay a tension.
func (s *Store) UpsertNode(ctx context.Context, n *graph.Node, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if n == nil {
		return graph.Errorf(graph.EINVALID, "no node")
	}
	d := &graph.Dataset{Nodes: []*graph.Node{n}}
	detail, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("upsert node %s: %w", n.ID, err)
	}
	check := func(ctx context.Context, tx *txn) error {
		if n.Kind == graph.KindTension {
			return nil
		}
		rec, err := tx.single(ctx, cypherNodeKind, map[string]any{"id": n.ID})
		if err != nil || rec == nil {
			return err
		}
		if k, _ := value(rec, "kind").(string); graph.Kind(k) != graph.KindTension {
			return nil
		}
		rec, err = tx.single(ctx, cypherCitedAsTension, map[string]any{"id": n.ID})
		if err != nil || rec == nil {
			return err
		}
		return graph.Errorf(graph.EINVALID, "upsert node %s: relationship %s cites it as a tension, so it must stay a tension",
			n.ID, value(rec, "id"))
	}
	if err := s.apply(ctx, d, actor, change{graph.ActionUpsertNode, n.ID, string(detail)}, nil, check); err != nil {
		if graph.ErrorCode(err) == graph.EINVALID && strings.HasPrefix(graph.ErrorMessage(err), "upsert node") {
			return err
		}
		return fmt.Errorf("upsert node %s: %w", n.ID, err)
	}
	return nil
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
	d := &graph.Dataset{Relationships: []*graph.Relationship{r}}
	// Validation fills in a missing id; the audit detail is written after
	// validation, inside apply, through the closure below.
	if err := s.apply(ctx, d, actor, change{action: graph.ActionUpsertRelationship}, nil, nil); err != nil {
		return fmt.Errorf("upsert relationship %s: %w", r.ID, err)
	}
	return nil
}

// apply validates d and writes it with one audit entry in one transaction.
// check, if set, runs first inside the transaction. meta, if set, records
// the dataset name and version.
func (s *Store) apply(ctx context.Context, d *graph.Dataset, actor string, c change, meta *[2]string,
	check func(context.Context, *txn) error) error {
	l, err := s.lookup(ctx, d)
	if err != nil {
		return err
	}
	if err := s.lookupStoryRefs(ctx, d, l); err != nil {
		return err
	}
	if err := d.Validate(l); err != nil {
		return err
	}
	if c.action == graph.ActionUpsertRelationship && len(d.Relationships) == 1 {
		r := d.Relationships[0]
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		c.target, c.detail = r.ID, string(b)
	}
	rows := rowsOf(d.Sources, d.Nodes, d.Relationships)
	stories, err := s.importStories(ctx, d)
	if err != nil {
		return err
	}
	run := &importRun{s: s, total: rows.size()}
	rewind := run.attempt()
	_, err = write(ctx, s, func(tx *txn) (struct{}, error) {
		rewind()
		if check != nil {
			if err := check(ctx, tx); err != nil {
				return struct{}{}, err
			}
		}
		if err := run.merge(ctx, tx, rows); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, run.finish(ctx, tx, actor, c, meta, 0, stories)
	})
	return err
}

// importRows are a dataset's records as statement parameters.
type importRows struct {
	sources, nodes, rels []any
	relsByType           map[graph.RelType][]any
}

func rowsOf(sources []*graph.Source, nodes []*graph.Node, rels []*graph.Relationship) importRows {
	r := importRows{
		sources:    make([]any, len(sources)),
		nodes:      make([]any, len(nodes)),
		rels:       make([]any, len(rels)),
		relsByType: map[graph.RelType][]any{},
	}
	for i, x := range sources {
		r.sources[i] = sourceProps(x)
	}
	for i, x := range nodes {
		r.nodes[i] = map[string]any{"label": x.Kind.Label(), "props": nodeProps(x)}
	}
	for i, x := range rels {
		r.rels[i] = map[string]any{"type": string(x.Type), "from": x.From, "to": x.To, "props": relProps(x)}
		r.relsByType[x.Type] = append(r.relsByType[x.Type], r.rels[i])
	}
	return r
}

func (r importRows) size() int { return len(r.sources) + len(r.nodes) + len(r.rels) }

// importRun counts the statements and records of one import, for the
// progress hook and the failAfter test hook.
type importRun struct {
	s                       *Store
	statements, done, total int
}

// attempt returns a function that rewinds the counts to now, for the
// start of each (retried) attempt of a transaction.
func (r *importRun) attempt() func() {
	statements, done := r.statements, r.done
	return func() { r.statements, r.done = statements, done }
}

// failHook fails when the test hook says so.
func (r *importRun) failHook() error {
	if r.s.failAfter > 0 && r.statements >= r.s.failAfter {
		return fmt.Errorf("test hook: failing after %d statements", r.statements)
	}
	return nil
}

// batches runs cypher over rows in batches of the store's batch size, in
// tx, with extra parameters. verify checks that each batch returns n equal
// to its size (the relationship statements).
func (r *importRun) batches(ctx context.Context, tx *txn, cypher string, rows []any, extra map[string]any,
	verify, counts bool) error {
	s := r.s
	for start := 0; start < len(rows); start += s.batch {
		batch := rows[start:min(start+s.batch, len(rows))]
		if err := r.failHook(); err != nil {
			return err
		}
		if _, err := r.batch(ctx, tx, cypher, batch, extra, verify, counts); err != nil {
			return err
		}
	}
	return nil
}

// batch runs one statement over one batch of rows and returns its records.
func (r *importRun) batch(ctx context.Context, tx *txn, cypher string, batch []any, extra map[string]any,
	verify, counts bool) ([]*neo4j.Record, error) {
	s := r.s
	r.statements++
	params := map[string]any{"rows": batch}
	for k, v := range extra {
		params[k] = v
	}
	t0 := time.Now()
	recs, err := tx.collect(ctx, cypher, params)
	s.log.Debug("import batch", "rows", len(batch), "took", time.Since(t0), "statement", cypher[:min(len(cypher), 60)])
	if err != nil {
		return nil, err
	}
	if verify && (len(recs) != 1 || asInt(value(recs[0], "n")) != len(batch)) {
		// An endpoint vanished between validation and now.
		return nil, graph.Errorf(graph.ECONFLICT, "a relationship endpoint was deleted concurrently; retry")
	}
	if counts {
		r.done += len(batch)
		if s.progress != nil && r.total > s.batch {
			s.progress(r.done, r.total)
		}
	}
	return recs, nil
}

// merge writes rows with MERGE in tx: sources, nodes, then relationships
// (replacing any relationship whose id moves to another type or endpoints).
func (r *importRun) merge(ctx context.Context, tx *txn, rows importRows) error {
	if err := r.batches(ctx, tx, cypherMergeSources, rows.sources, nil, false, true); err != nil {
		return err
	}
	if err := r.batches(ctx, tx, cypherMergeNodes, rows.nodes, nil, false, true); err != nil {
		return err
	}
	if err := conflictStaged(ctx, tx, rows.nodes); err != nil {
		return err
	}
	if len(rows.rels) > 0 {
		// A relationship id already used by a relationship of another
		// type or between other nodes is replaced: delete the old one
		// first. An empty graph has nothing to move, so skip the lookups.
		rec, err := tx.single(ctx, cypherRelCount, nil)
		if err != nil {
			return err
		}
		if asInt(value(rec, "n")) > 0 {
			if err := r.batches(ctx, tx, cypherDeleteMovedRels, rows.rels, nil, false, false); err != nil {
				return err
			}
		}
	}
	for _, t := range graph.RelTypes {
		if err := r.batches(ctx, tx, cypherMergeRels[t], rows.relsByType[t], nil, true, true); err != nil {
			return err
		}
	}
	return nil
}

// finish merges the dataset's stories, adds searchLength to the search
// length counter, records the
// dataset's name and version (meta), and writes the audit entry.
func (r *importRun) finish(ctx context.Context, tx *txn, actor string, c change, meta *[2]string, searchLength int64,
	stories []any) error {
	if len(stories) > 0 {
		if _, err := tx.collect(ctx, cypherMergeStories, map[string]any{"rows": stories}); err != nil {
			return err
		}
	}
	if err := r.failHook(); err != nil {
		return err
	}
	if searchLength != 0 {
		if _, err := tx.collect(ctx, cypherAddSearchLength, map[string]any{"delta": searchLength}); err != nil {
			return err
		}
	}
	if meta != nil {
		if _, err := tx.collect(ctx, cypherSetMeta, map[string]any{"name": meta[0], "version": meta[1]}); err != nil {
			return err
		}
	}
	return addChange(ctx, tx, actor, c)
}

func addChange(ctx context.Context, tx *txn, actor string, c change) error {
	_, err := tx.collect(ctx, cypherAddChange, map[string]any{
		"at": time.Now().UTC(), "actor": actor, "action": c.action, "target": c.target, "detail": c.detail,
	})
	return err
}

// DeleteNode removes a node, its relationships, and its mentions as a
// tension or publisher elsewhere.
func (s *Store) DeleteNode(ctx context.Context, id, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		rec, err := tx.single(ctx, cypherNodeKind, map[string]any{"id": id})
		if err != nil {
			return struct{}{}, err
		}
		if rec == nil {
			return struct{}{}, graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
		}
		// Deleting the node deletes its own relationships; strip it from
		// the others first.
		if k, _ := value(rec, "kind").(string); graph.Kind(k) == graph.KindTension {
			if _, err := tx.collect(ctx, cypherStripTension, map[string]any{"id": id}); err != nil {
				return struct{}{}, err
			}
		}
		for _, st := range []string{cypherStripPublisher, cypherDeleteNode} {
			if _, err := tx.collect(ctx, st, map[string]any{"id": id}); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, addChange(ctx, tx, actor, change{action: graph.ActionDeleteNode, target: id})
	})
	if err != nil {
		return fmt.Errorf("delete node %s: %w", id, err)
	}
	return nil
}

// DeleteRelationship removes a relationship.
func (s *Store) DeleteRelationship(ctx context.Context, id, actor string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		rec, err := tx.single(ctx, cypherDeleteRel, map[string]any{"id": id})
		if err != nil {
			return struct{}{}, err
		}
		if asInt(value(rec, "n")) == 0 {
			return struct{}{}, graph.Errorf(graph.ENOTFOUND, "relationship %q not found", id)
		}
		return struct{}{}, addChange(ctx, tx, actor, change{action: graph.ActionDeleteRelationship, target: id})
	})
	if err != nil {
		return fmt.Errorf("delete relationship %s: %w", id, err)
	}
	return nil
}

// Changes returns audit entries newest first, after the entry before.
func (s *Store) Changes(ctx context.Context, before int64, limit int) ([]*graph.Change, error) {
	q := graph.ChangesQuery{Before: before, Limit: limit}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) ([]*graph.Change, error) {
		recs, err := tx.collect(ctx, cypherChanges, map[string]any{"before": q.Before, "limit": q.Limit})
		if err != nil {
			return nil, err
		}
		out := make([]*graph.Change, 0, len(recs))
		for _, r := range recs {
			c, err := toChange(value(r, "c"))
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	})
}
