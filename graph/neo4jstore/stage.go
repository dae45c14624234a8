package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
)

// A large import is staged, so that it needs neither one huge transaction
// (Neo4j holds a transaction's changes on its heap: about 4 KiB a record,
// 10 GB for a million relationships) nor gives up atomicity.
//
//  1. Stage, in many small transactions: every NEW node (an id not in the
//     database) is created with only the label HmkgStaged (not Node, not its
//     kind label) and the property hmkgImport (this import's id); every
//     relationship between two new nodes whose id is not in the database is
//     created between those staged nodes with its real type and properties.
//  2. Publish, in ONE transaction: the staged nodes get their labels (Node
//     and their kind) and lose HmkgStaged and hmkgImport; then the rest of
//     the dataset (sources, nodes that already exist, relationships touching
//     existing nodes or reusing an id) is merged exactly as a small import
//     is, followed by the search length, the dataset name and the audit
//     entry. Publishing a new node only changes labels, so the transaction
//     stays small when the import is mostly new (the bulk-load case).
//  3. On any failure the stage is deleted (DETACH DELETE of this import's
//     staged nodes, in batches), so the database is as it was.
//
// What readers see meanwhile: every read starts from (:Node) (by id, by
// label scan, or through the full-text index over :Node) and staged
// relationships only join staged nodes, so no traversal reaches them; the
// three statements that look at relationships without an anchor (stats by
// type, relationship by id, relationships citing a tension) leave out those
// whose start node is staged. Until the publish commits nothing of the
// import is visible; after it, all of it is.

// stagedLabel marks the nodes of an import in progress.
const stagedLabel = "HmkgStaged"

// defaultStageMin is the number of nodes and relationships from which an
// import is staged; smaller ones are written in one transaction.
const defaultStageMin = 20000

var (
	cypherStageNodes = `UNWIND $rows AS row
CREATE (n:` + stagedLabel + `)
SET n = row.props, n.hmkgImport = $import
RETURN n.id AS id, elementId(n) AS eid`

	// cypherStageRels creates relationships between staged nodes of this
	// import, one statement per type (a static type, as in cypherMergeRels).
	// The endpoints are found by the element ids that cypherStageNodes
	// returned (a direct seek, cheaper than an index lookup), and checked by
	// import and id, since an element id is only a handle to a live node.
	// The properties are named (relProps' keys; a null one is not set)
	// rather than SET r = row.props: a map SET may write any property, so
	// the planner would put an Eager between it and the index seeks that
	// read id and hmkgImport, materialising every row of the batch first.
	cypherStageRels = func() map[graph.RelType]string {
		m := make(map[graph.RelType]string, len(graph.RelTypes))
		for _, t := range graph.RelTypes {
			m[t] = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
WITH row, a, b WHERE a.hmkgImport = $import AND a.id = row.from AND b.hmkgImport = $import AND b.id = row.to
CREATE (a)-[r:` + string(t) + ` {` + stagedRelProps + `}]->(b)
RETURN count(r) AS n`
		}
		return m
	}()

	// cypherPublishNodes gives this import's staged nodes their labels.
	// The unique constraint on :Node(id) is checked here, at commit: a node
	// created meanwhile with the same id fails the publish.
	cypherPublishNodes = `MATCH (n:` + stagedLabel + `) WHERE n.hmkgImport = $import
SET n:Node:$($labels[n.kind])
REMOVE n:` + stagedLabel + `, n.hmkgImport
RETURN count(n) AS n`

	// cypherDropStage deletes this import's staged nodes and their
	// relationships; it runs in its own batched transactions.
	cypherDropStage = `MATCH (n:` + stagedLabel + `) WHERE n.hmkgImport = $import
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS`

	cypherNodeCount = "MATCH (n:Node) RETURN count(n) AS n"

	cypherExistingNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN n.id AS id`

	cypherExistingRels = `UNWIND $ids AS id
CALL (id) {
` + relUnion + `
}
RETURN r.id AS id`
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
// finds, in batches of read transactions.
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
	isNew := make(map[string]bool, len(d.Nodes))
	var searchLength int64
	for _, n := range d.Nodes {
		if oldNodes[n.ID] {
			restNodes = append(restNodes, n)
			continue
		}
		newNodes = append(newNodes, n)
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
	run := &importRun{s: s, total: staged.size() + rest.size()}
	imp, err := newImportID()
	if err != nil {
		return err
	}
	log := s.log.With("import", imp)
	log.Info("staging import", "nodes", len(newNodes), "relationships", len(newRels),
		"merged at publish", rest.size())

	t0 := time.Now()
	err = s.stage(ctx, run, imp, staged)
	if err == nil {
		staging := time.Since(t0)
		t1 := time.Now()
		err = s.publish(ctx, run, imp, len(newNodes), rest, stories, actor, c, meta, searchLength)
		log.Info("import published", "staging", staging.Round(time.Millisecond), "publish", time.Since(t1).Round(time.Millisecond), "err", err)
		if err != nil && strings.Contains(err.Error(), "dbms.memory.transaction") {
			err = fmt.Errorf("publishing %d new nodes needs more transaction memory than this Neo4j allows "+
				"(dbms.memory.transaction.total.max, 70%% of the heap by default; more than 3.6 KiB a new node): "+
				"raise the heap or import in parts: %w", len(newNodes), err)
		}
	}
	if err != nil {
		if derr := s.dropStage(context.WithoutCancel(ctx), imp); derr != nil {
			log.Error("import failed and its stage could not be removed", "err", derr)
			return fmt.Errorf("%w (and removing its stage failed: %v)", err, derr)
		}
		return err
	}
	return nil
}

// stage writes the staged nodes and relationships, one transaction per batch.
func (s *Store) stage(ctx context.Context, run *importRun, imp string, rows importRows) error {
	extra := map[string]any{"import": imp}
	eids := make(map[string]string, len(rows.nodes))
	each := func(cypher string, all []any, verify bool) error {
		for start := 0; start < len(all); start += s.batch {
			batch := all[start:min(start+s.batch, len(all))]
			if err := run.failHook(); err != nil {
				return err
			}
			rewind := run.attempt()
			recs, err := write(ctx, s, func(tx *txn) ([]*neo4j.Record, error) {
				rewind()
				return run.batch(ctx, tx, cypher, batch, extra, verify, true)
			})
			if err != nil {
				return err
			}
			for _, r := range recs {
				if eid, ok := value(r, "eid").(string); ok {
					id, _ := value(r, "id").(string)
					eids[id] = eid
				}
			}
			if s.staged != nil {
				s.staged()
			}
		}
		return nil
	}
	if err := each(cypherStageNodes, rows.nodes, false); err != nil {
		return err
	}
	for _, row := range rows.rels {
		m := row.(map[string]any)
		m["a"], m["b"] = eids[m["from"].(string)], eids[m["to"].(string)]
	}
	for _, t := range graph.RelTypes {
		if err := each(cypherStageRels[t], rows.relsByType[t], true); err != nil {
			return err
		}
	}
	return nil
}

// publish makes the stage visible and merges the rest, in one transaction.
func (s *Store) publish(ctx context.Context, run *importRun, imp string, newNodes int, rest importRows, stories []any,
	actor string, c change, meta *[2]string, searchLength int64) error {
	rewind := run.attempt()
	_, err := write(ctx, s, func(tx *txn) (struct{}, error) {
		rewind()
		if err := run.failHook(); err != nil {
			return struct{}{}, err
		}
		rec, err := tx.single(ctx, cypherPublishNodes, map[string]any{"import": imp, "labels": kindLabels})
		if err != nil {
			return struct{}{}, err
		}
		if got := asInt(value(rec, "n")); got != newNodes {
			return struct{}{}, fmt.Errorf("publish: %d staged nodes found, %d expected", got, newNodes)
		}
		run.statements++
		if err := run.merge(ctx, tx, rest); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, run.finish(ctx, tx, actor, c, meta, searchLength, stories)
	})
	return err
}

// dropStage deletes an import's stage. The deletion commits batch by
// batch, so an attempt that fails part way (a transient error, Neo4j's
// transaction memory pool full) is simply run again, a few times.
func (s *Store) dropStage(ctx context.Context, imp string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	var err error
	for attempt := range 5 {
		if attempt > 0 {
			s.log.Warn("removing an import's stage failed; retrying", "import", imp, "attempt", attempt, "err", err)
			select {
			case <-ctx.Done():
				return fmt.Errorf("drop stage of import %s: %w", imp, err)
			case <-time.After(time.Duration(attempt) * 2 * time.Second):
			}
		}
		if err = s.dropStageOnce(ctx, imp); err == nil {
			return nil
		}
	}
	return fmt.Errorf("drop stage of import %s: %w", imp, s.translate(ctx, "neo4jstore.dropStage", err))
}

func (s *Store) dropStageOnce(ctx context.Context, imp string) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	s.queries.Add(1)
	res, err := sess.Run(ctx, cypherDropStage, map[string]any{"import": imp})
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return err
}

func newImportID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("import id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
