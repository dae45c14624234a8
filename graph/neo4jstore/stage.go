package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
)

// A large import is staged, so that it needs neither one huge transaction
// (Neo4j holds a transaction's changes on its heap: about 4 KiB a record,
// 10 GB for a million relationships) nor gives up atomicity.
//
//  1. Stage, in many small transactions: every NEW node (an id not in the
//     database) is created with all it will have when published (the
//     labels Node and its kind, every property, so every index and the
//     full-text index take it in during staging) plus the label
//     HmkgStaged; every relationship between two new nodes whose id is not
//     in the database is created between those staged nodes with its real
//     type and properties.
//  2. Publish, in ONE transaction: the staged nodes lose the label
//     HmkgStaged, a label no index covers, so the transaction holds one
//     label change a node (about 700 bytes of Neo4j transaction memory,
//     measured: 270 MB for 400,000 nodes, against more than 2.4 KiB a node
//     when a label that seven indexes cover is added); then the rest of the
//     dataset (sources, nodes that already exist, relationships touching
//     existing nodes or reusing an id) is merged exactly as a small import
//     is, followed by the search length, the dataset name and the audit
//     entry. Nothing is left to clean up afterwards.
//  3. On any failure the stage is deleted (DETACH DELETE of the import's
//     staged nodes by id, in batches), so the database is as it was.
//
// What readers see meanwhile: every read that starts from nodes by label,
// index or full-text search leaves out the staged ones (NOT n:HmkgStaged,
// the one filter every such read carries), and staged relationships only
// join staged nodes, so no traversal from a visible node reaches them; the
// statements that look at relationships without an anchor (stats by type,
// relationship by id, relationships citing a tension, disputes) leave out
// those whose start node is staged. Until the publish commits nothing of
// the import is visible; after it, all of it is.
//
// The unique constraint on :Node(id) covers staged nodes too: staging a
// node whose id was created meanwhile fails the import, and a write that
// meets a staged node (an upsert of the same id) fails with a conflict
// rather than taking it over (conflictStaged).

// stagedLabel marks the nodes of an import in progress.
const stagedLabel = "HmkgStaged"

// defaultStageMin is the number of nodes and relationships from which an
// import is staged; smaller ones are written in one transaction.
const defaultStageMin = 20000

var (
	// cypherStageNodes creates new nodes with their final labels and
	// properties, plus HmkgStaged, and returns their element ids.
	cypherStageNodes = `UNWIND $rows AS row
CREATE (n:Node:` + stagedLabel + `:$(row.label))
SET n = row.props
RETURN n.id AS id, elementId(n) AS eid`

	// cypherStageRels creates relationships between staged nodes, one
	// statement per type (a static type, as in cypherMergeRels). The
	// endpoints are found by the element ids their staging returned (a
	// direct read, where a lookup through the unique index on :Node(id)
	// was the largest cost of this statement in a profile of Neo4j), and
	// checked by id and label, since an element id is only a handle to a
	// live node. The properties are named (relProps' keys; a null one is
	// not set) rather than SET r = row.props: a map SET may write any
	// property, so the planner would put an Eager between it and the index
	// seeks, materialising every row of the batch first.
	cypherStageRels = func() map[graph.RelType]string {
		m := make(map[graph.RelType]string, len(graph.RelTypes))
		for _, t := range graph.RelTypes {
			m[t] = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
WITH row, a, b WHERE a.id = row.from AND a:` + stagedLabel + ` AND b.id = row.to AND b:` + stagedLabel + `
CREATE (a)-[r:` + string(t) + ` {` + stagedRelProps + `}]->(b)
RETURN count(r) AS n`
		}
		return m
	}()

	// cypherPublishNodes makes this import's staged nodes visible: one
	// label removed a node, no index touched.
	cypherPublishNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE n:` + stagedLabel + `
REMOVE n:` + stagedLabel + `
RETURN count(n) AS n`

	// cypherDropStage deletes a batch of this import's staged nodes and
	// their relationships. The ids are the import's new nodes: a staged
	// node with one of them can only be this import's, since the unique
	// constraint covers staged nodes.
	cypherDropStage = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE n:` + stagedLabel + `
DETACH DELETE n`

	// cypherDropOldStages deletes stages left by earlier versions of the
	// store, whose staged nodes had no Node label (Migrate).
	cypherDropOldStages = `MATCH (n:` + stagedLabel + `) WHERE NOT n:Node
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS`

	cypherNodeCount = "MATCH (n:Node) RETURN count(n) AS n"

	// cypherExistingNodes finds which ids are taken, by visible nodes or
	// by the stage of another import.
	cypherExistingNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN n.id AS id, n:` + stagedLabel + ` AS staged`

	cypherExistingRels = `UNWIND $ids AS id
CALL (id) {
` + relUnion + `
}
RETURN r.id AS id`

	// cypherStagedAmong finds a staged node among the ids of a write's
	// nodes, after the write merged them (conflictStaged).
	cypherStagedAmong = `UNWIND $rows AS row
MATCH (n:Node {id: row.props.id}) WHERE n:` + stagedLabel + `
RETURN n.id AS id LIMIT 1`
)

// relPropKeys are every property relProps may write; cypherStageRels names
// each (TestStageRelsNamesEveryProperty checks the list against relProps).
var relPropKeys = []string{"id", "sources", "year", "summary", "tensions", "status", "disputes"}

// stagedRelProps is the property map of a staged relationship, one entry
// per key: `id: row.props.id, ...` (a null value sets nothing).
var stagedRelProps = func() string {
	parts := make([]string, len(relPropKeys))
	for i, k := range relPropKeys {
		parts[i] = k + ": row.props." + k
	}
	return strings.Join(parts, ", ")
}()

// kindLabels maps a node's kind property to its kind label.
var kindLabels = func() map[string]any {
	m := make(map[string]any, len(graph.Kinds))
	for _, k := range graph.Kinds {
		m[string(k)] = k.Label()
	}
	return m
}()

// lookupBatch is the number of ids per existence lookup.
const lookupBatch = 10000

// existing returns which of ids the statement (UNWIND $ids ... RETURN id)
// finds, in batches of read transactions. A record whose staged column is
// true is a node of another import's stage: that is a conflict.
func (s *Store) existing(ctx context.Context, cypher string, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	for start := 0; start < len(ids); start += lookupBatch {
		batch := ids[start:min(start+lookupBatch, len(ids))]
		_, err := read(ctx, s, func(tx *txn) (struct{}, error) {
			recs, err := tx.collect(ctx, cypher, map[string]any{"ids": batch})
			if err != nil {
				return struct{}{}, err
			}
			for _, r := range recs {
				id, _ := value(r, "id").(string)
				if staged, _ := value(r, "staged").(bool); staged {
					return struct{}{}, stagedConflict(id)
				}
				found[id] = true
			}
			return struct{}{}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

// stagedConflict is the error of a write that meets a staged node.
func stagedConflict(id string) error {
	return graph.Errorf(graph.ECONFLICT, "node %q belongs to an import in progress (or one interrupted before "+
		"it could remove its stage: its nodes carry the label %s); retry when it is done", id, stagedLabel)
}

// conflictStaged fails when a write's nodes (rows of cypherMergeNodes,
// already merged in tx) include a staged node: the unique constraint made
// the MERGE find it instead of creating a node, and the transaction must
// not take over another import's node.
func conflictStaged(ctx context.Context, tx *txn, rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	rec, err := tx.single(ctx, cypherStagedAmong, map[string]any{"rows": rows})
	if err != nil || rec == nil {
		return err
	}
	id, _ := value(rec, "id").(string)
	return stagedConflict(id)
}

// importStaged writes a validated dataset by staging it (see above).
func (s *Store) importStaged(ctx context.Context, d *graph.Dataset, actor string, c change, meta *[2]string) error {
	// Which nodes and relationship ids exist already? An empty database
	// (the bulk-load case) needs no lookups.
	counts, err := read(ctx, s, func(tx *txn) ([2]int, error) {
		n, err := tx.single(ctx, cypherNodeCount, nil)
		if err != nil {
			return [2]int{}, err
		}
		r, err := tx.single(ctx, cypherRelCount, nil)
		if err != nil {
			return [2]int{}, err
		}
		return [2]int{asInt(value(n, "n")), asInt(value(r, "n"))}, nil
	})
	if err != nil {
		return err
	}
	oldNodes, oldRels := map[string]bool{}, map[string]bool{}
	if counts[0] > 0 {
		ids := make([]string, len(d.Nodes))
		for i, n := range d.Nodes {
			ids[i] = n.ID
		}
		if oldNodes, err = s.existing(ctx, cypherExistingNodes, ids); err != nil {
			return err
		}
	}
	if counts[1] > 0 {
		ids := make([]string, len(d.Relationships))
		for i, r := range d.Relationships {
			ids[i] = r.ID
		}
		if oldRels, err = s.existing(ctx, cypherExistingRels, ids); err != nil {
			return err
		}
	}
	var newNodes, restNodes []*graph.Node
	var newIDs []any
	isNew := make(map[string]bool, len(d.Nodes))
	var searchLength int64
	for _, n := range d.Nodes {
		if oldNodes[n.ID] {
			restNodes = append(restNodes, n)
			continue
		}
		newNodes = append(newNodes, n)
		newIDs = append(newIDs, n.ID)
		isNew[n.ID] = true
	}
	var newRels, restRels []*graph.Relationship
	for _, r := range d.Relationships {
		if isNew[r.From] && isNew[r.To] && !oldRels[r.ID] {
			newRels = append(newRels, r)
		} else {
			restRels = append(restRels, r)
		}
	}
	staged := rowsOf(nil, newNodes, newRels)
	for _, row := range staged.nodes {
		searchLength += row.(map[string]any)["props"].(map[string]any)["dl"].(int64)
	}
	rest := rowsOf(d.Sources, restNodes, restRels)
	stories, err := s.importStories(ctx, d)
	if err != nil {
		return err
	}
	// The bar counts every staged record, then the new nodes again for
	// the publish, then the records merged at publish.
	run := &importRun{s: s, total: staged.size() + len(newNodes) + rest.size()}
	log := s.log.With("nodes", len(newNodes), "relationships", len(newRels))
	log.Info("staging import", "merged at publish", rest.size())

	t0 := time.Now()
	err = s.stage(ctx, run, staged)
	if err == nil {
		staging := time.Since(t0)
		t1 := time.Now()
		err = s.publish(ctx, run, newIDs, rest, stories, actor, c, meta, searchLength)
		publishing := time.Since(t1)
		log.Info("import published", "staging", staging.Round(time.Millisecond), "publish", publishing.Round(time.Millisecond),
			"staged records/s", int(float64(staged.size())/staging.Seconds()), "err", err)
		if err != nil && strings.Contains(err.Error(), "dbms.memory.transaction") {
			err = fmt.Errorf("publishing %d new nodes needs more transaction memory than this Neo4j allows "+
				"(dbms.memory.transaction.total.max, 70%% of the heap by default; about 700 bytes a new node): "+
				"raise the heap or import in parts: %w", len(newNodes), err)
		}
	}
	if err != nil {
		if derr := s.dropStage(context.WithoutCancel(ctx), newIDs); derr != nil {
			s.log.Error("import failed and its stage could not be removed", "err", derr)
			return fmt.Errorf("%w (and removing its stage failed: %v)", err, derr)
		}
		return err
	}
	return nil
}

// stageWorkers is the number of staging transactions in flight at once:
// while Neo4j commits one batch (index updates, transaction log) the next
// is already being planned and written, and on a machine whose cores are
// shared the server gets a second runnable thread.
var stageWorkers = 2

// stage writes the staged nodes and then the staged relationships, one
// transaction per batch, stageWorkers batches at a time. After a failure
// no further batch starts, and stage returns only when every batch in
// flight has ended, so that dropping the stage afterwards finds all of it.
func (s *Store) stage(ctx context.Context, run *importRun, rows importRows) error {
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	sem := make(chan struct{}, max(stageWorkers, 1))
	failed := func(err error) error {
		mu.Lock()
		defer mu.Unlock()
		if first == nil && err != nil {
			first = err
		}
		return first
	}
	eids := make(map[string]string, len(rows.nodes))
	each := func(cypher string, all []any) {
		for start := 0; start < len(all); start += s.batch {
			batch := all[start:min(start+s.batch, len(all))]
			sem <- struct{}{}
			mu.Lock()
			err := first
			if err == nil {
				err = run.failHook()
			}
			run.statements++
			mu.Unlock()
			if failed(err) != nil {
				<-sem
				return
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				t0 := time.Now()
				_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
					recs, err := tx.collect(ctx, cypher, map[string]any{"rows": batch})
					if err != nil {
						return struct{}{}, err
					}
					got := len(recs)
					if cypher != cypherStageNodes && len(recs) == 1 {
						got = asInt(value(recs[0], "n"))
					}
					if got != len(batch) {
						// An endpoint was deleted or never staged.
						return struct{}{}, graph.Errorf(graph.ECONFLICT, "staging: %d of %d rows written; retry", got, len(batch))
					}
					if cypher == cypherStageNodes {
						mu.Lock()
						defer mu.Unlock()
						for _, r := range recs {
							id, _ := value(r, "id").(string)
							eids[id], _ = value(r, "eid").(string)
						}
					}
					return struct{}{}, nil
				})
				s.log.Debug("staging batch", "rows", len(batch), "took", time.Since(t0), "err", err)
				if failed(err) != nil {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				run.done += len(batch)
				if s.progress != nil {
					s.progress(run.done, run.total)
				}
				if s.staged != nil {
					s.staged()
				}
			}()
		}
	}
	each(cypherStageNodes, rows.nodes)
	wg.Wait() // relationships need their nodes
	for _, row := range rows.rels {
		m := row.(map[string]any)
		m["a"], m["b"] = eids[m["from"].(string)], eids[m["to"].(string)]
	}
	for _, t := range graph.RelTypes {
		each(cypherStageRels[t], byStartNode(rows.relsByType[t]))
	}
	wg.Wait()
	return failed(nil)
}

// byStartNode returns relationship rows grouped by their start node, the
// groups in the order of their first row. Creating a relationship locks
// both its nodes until the transaction commits; in the order of a dataset
// a hub's relationships are spread over every batch, so the batches in
// flight wait on each other's locks on it (and deadlock, which Neo4j breaks
// by failing one of them, to be run again). Grouped, a start node's
// relationships are in one batch, or in consecutive ones. (Grouping is one
// map pass; a sort by element id took 7.5 s of CPU for 1M rows.)
func byStartNode(rows []any) []any {
	groups := make(map[string][]any)
	var order []string
	for _, row := range rows {
		a := row.(map[string]any)["a"].(string)
		if _, ok := groups[a]; !ok {
			order = append(order, a)
		}
		groups[a] = append(groups[a], row)
	}
	out := make([]any, 0, len(rows))
	for _, a := range order {
		out = append(out, groups[a]...)
	}
	return out
}

// publish makes the stage visible and merges the rest, in one transaction.
func (s *Store) publish(ctx context.Context, run *importRun, newIDs []any, rest importRows, stories []any,
	actor string, c change, meta *[2]string, searchLength int64) error {
	rewind := run.attempt()
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		rewind()
		if err := run.failHook(); err != nil {
			return struct{}{}, err
		}
		if len(newIDs) > 0 {
			rec, err := tx.single(ctx, cypherPublishNodes, map[string]any{"ids": newIDs})
			if err != nil {
				return struct{}{}, err
			}
			if got := asInt(value(rec, "n")); got != len(newIDs) {
				return struct{}{}, fmt.Errorf("publish: %d staged nodes found, %d expected", got, len(newIDs))
			}
			run.statements++
			run.done += len(newIDs)
			if s.progress != nil {
				s.progress(run.done, run.total)
			}
		}
		if err := run.merge(ctx, tx, rest); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, run.finish(ctx, tx, actor, c, meta, searchLength, stories)
	})
	return err
}

// dropBatch is the number of staged nodes a transaction of dropStage
// deletes (with their relationships).
const dropBatch = 2000

// dropStage deletes an import's stage, a batch of ids a transaction. A
// batch that fails (a transient error, Neo4j's transaction memory pool
// full) is run again, a few times; batches already done find nothing.
func (s *Store) dropStage(ctx context.Context, ids []any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	for start := 0; start < len(ids); start += dropBatch {
		batch := ids[start:min(start+dropBatch, len(ids))]
		var err error
		for attempt := range 5 {
			if attempt > 0 {
				s.log.Warn("removing an import's stage failed; retrying", "attempt", attempt, "err", err)
				select {
				case <-ctx.Done():
					return fmt.Errorf("drop stage: %w", err)
				case <-time.After(time.Duration(attempt) * 2 * time.Second):
				}
			}
			if _, err = write(ctx, s, func(tx *txn) (struct{}, error) {
				_, err := tx.collect(ctx, cypherDropStage, map[string]any{"ids": batch})
				return struct{}{}, err
			}); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("drop stage: %w", err)
		}
	}
	return nil
}

// dropOldStages deletes the stages of imports that an earlier version of
// the store left behind (interrupted before it could remove them): their
// nodes carry HmkgStaged without Node, which reads would now count.
func (s *Store) dropOldStages(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	s.queries.Add(1)
	res, err := sess.Run(ctx, cypherDropOldStages, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("drop stages left by an earlier version: %w", s.translate(ctx, "neo4jstore.Migrate", err))
	}
	return nil
}
