package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/storetest"
)

// Staged imports (stage.go) are tested with stageMin lowered to 1, so that
// every import, however small, is staged and published.

// TestStagedConformance runs the conformance suite with every import staged:
// a staged import ends in the same database as a one-transaction import.
func TestStagedConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s := openStore(t)
		s.stageMin, s.batch = 1, 7 // many staging transactions
		return s
	})
}

// rawCounts counts every node and relationship in the database, staged or
// not, and the staged nodes, through the driver.
func rawCounts(t *testing.T, s *Store) (nodes, rels, staged int) {
	t.Helper()
	ctx := context.Background()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, `CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { MATCH (n:`+stagedLabel+`) RETURN count(n) AS staged }
RETURN nodes, rels, staged`, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db))
	if err != nil {
		t.Fatal(err)
	}
	r := res.Records[0]
	return asInt(value(r, "nodes")), asInt(value(r, "rels")), asInt(value(r, "staged"))
}

// bigger returns the fixture changed and extended with new nodes linked to
// each other and to the fixture's nodes, so that a staged import has new
// nodes and relationships to stage and existing ones to merge at publish.
func bigger() *graph.Dataset {
	d := storetest.Fixture()
	d.Name = "changed"
	for _, n := range d.Nodes {
		n.Name += " (changed)"
	}
	src := d.Nodes[0].SourceIDs
	for i := range 30 {
		d.Nodes = append(d.Nodes, &graph.Node{
			ID: fmt.Sprintf("extra-%02d", i), Kind: graph.KindEvent, Name: fmt.Sprintf("Extra gathering %d", i), SourceIDs: src,
		})
		if i > 0 {
			d.Relationships = append(d.Relationships, &graph.Relationship{
				Type: graph.RelInspired, From: fmt.Sprintf("extra-%02d", i-1), To: fmt.Sprintf("extra-%02d", i), SourceIDs: src,
			})
		}
	}
	d.Relationships = append(d.Relationships, &graph.Relationship{
		Type: graph.RelInspired, From: "extra-00", To: d.Nodes[0].ID, SourceIDs: src,
	})
	return d
}

// TestStagedImportFailsPartWay fails a staged import at each point: half
// way through staging, at the last staging batch and inside the publish
// transaction. Each time the database is exactly as before (every node,
// relationship, property and the audit log) and no staged node is left.
func TestStagedImportFailsPartWay(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	storetest.MustImport(t, s, storetest.Fixture())
	before := storetest.Dump(t, s)
	st0, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n0, r0, staged0 := rawCounts(t, s)
	if staged0 != 0 {
		t.Fatalf("%d staged nodes before any staged import", staged0)
	}

	// bigger() stages 30 new nodes and the 29 relationships among them,
	// 3 rows a transaction: 20 staging transactions. Then the publish
	// removes their HmkgStaged label (statement 21) and merges the rest,
	// so failing after 21 statements fails inside the publish, after the
	// stage was made visible in its transaction.
	s.stageMin, s.batch = 1, 3
	stagingBatches := 0
	s.staged = func() { stagingBatches++ }
	s.failAfter = 100
	if err := s.Import(ctx, bigger(), "test"); err != nil {
		t.Fatal(err)
	}
	if stagingBatches != 20 {
		t.Fatalf("%d staging transactions, want 20", stagingBatches)
	}
	s.staged = nil
	// Start again from the fixture for the failures.
	wipe(t, testConfig(t))
	s.stageMin = defaultStageMin
	storetest.MustImport(t, s, storetest.Fixture())
	storetest.SameDump(t, storetest.Dump(t, s), before)
	s.stageMin = 1

	for _, at := range []int{stagingBatches / 2, stagingBatches, stagingBatches + 1} {
		t.Run(fmt.Sprintf("fail after %d statements of %d staged", at, stagingBatches), func(t *testing.T) {
			s.failAfter = at
			err := s.Import(ctx, bigger(), "test")
			s.failAfter = 0
			if err == nil || !strings.Contains(err.Error(), "test hook") {
				t.Fatalf("import with a failing hook: %v, want the hook's failure", err)
			}
			storetest.SameDump(t, storetest.Dump(t, s), before)
			st1, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st1.DatasetName != st0.DatasetName || st1.AuditEntriesCount != st0.AuditEntriesCount ||
				st1.Nodes != st0.Nodes || st1.Relationships != st0.Relationships {
				t.Errorf("stats changed by a failed import: before %+v, after %+v", st0, st1)
			}
			if n, r, staged := rawCounts(t, s); n != n0 || r != r0 || staged != 0 {
				t.Errorf("database after a failed import: %d nodes, %d relationships, %d staged; want %d, %d, 0", n, r, staged, n0, r0)
			}
		})
	}

	// And the same import without the hook publishes everything.
	s.failAfter = 0
	storetest.MustImport(t, s, bigger())
	if _, _, staged := rawCounts(t, s); staged != 0 {
		t.Errorf("%d staged nodes left after a successful import", staged)
	}
	n, err := s.Node(ctx, "extra-29")
	if err != nil || n == nil || n.Name != "Extra gathering 29" {
		t.Fatalf("node of the published import: %+v, %v", n, err)
	}
}

// TestStagedImportInvisible looks at the database through the store after
// every staging transaction: until the publish, readers see the database as
// it was before the import (stats, relationship by id, search, a node's
// relationships, tensions cited), and after it they see all of it.
func TestStagedImportInvisible(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	storetest.MustImport(t, s, storetest.Fixture())
	before := storetest.Dump(t, s)
	st0, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := bigger()
	d.Name = storetest.Fixture().Name // the new name would show at publish only anyway
	for _, n := range d.Nodes {
		n.Name = strings.TrimSuffix(n.Name, " (changed)")
	}
	s.stageMin, s.batch = 1, 4
	// One staging transaction at a time, so that the hook looks at the
	// database between commits: with two in flight it would race the
	// other's commit, and the stats by type (two count-store reads in one
	// statement, at read-committed isolation) may be off by that batch
	// for that moment.
	workers := stageWorkers
	stageWorkers = 1
	defer func() { stageWorkers = workers }()
	checks := 0
	// The hook runs on a staging goroutine (one at a time): it reports
	// with t.Error, never t.Fatal.
	s.staged = func() {
		checks++
		st, err := s.Stats(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		if st.Nodes != st0.Nodes || st.Relationships != st0.Relationships || fmt.Sprint(st.RelTypeCounts) != fmt.Sprint(st0.RelTypeCounts) {
			t.Errorf("after %d staging transactions, stats %+v; want %+v", checks, st, st0)
		}
		if r, err := s.Relationship(ctx, graph.RelationshipID("extra-00", graph.RelInspired, "extra-01", nil)); err == nil || r != nil {
			if graph.ErrorCode(err) != graph.ENOTFOUND {
				t.Errorf("after %d staging transactions, a staged relationship is found by id: %+v, %v", checks, r, err)
			}
		}
		hits, err := s.Search(ctx, graph.SearchQuery{Text: "extra gathering"})
		if err != nil {
			t.Error(err)
		}
		if len(hits) > 0 {
			t.Errorf("after %d staging transactions, search finds staged nodes: %v", checks, hits[0].Node.ID)
		}
		if n, err := s.Node(ctx, "extra-00"); n != nil || (err != nil && graph.ErrorCode(err) != graph.ENOTFOUND) {
			t.Errorf("after %d staging transactions, a staged node is found by id: %+v, %v", checks, n, err)
		}
		if ns, err := s.NodesByID(ctx, []string{"extra-00", "extra-01"}); err != nil || len(nonNil(ns)) > 0 {
			t.Errorf("after %d staging transactions, staged nodes are found by ids: %d, %v", checks, len(nonNil(ns)), err)
		}
		if rs, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"extra-00", "extra-01"}, Direction: graph.DirectionBoth}); err != nil || len(rs) > 0 {
			t.Errorf("after %d staging transactions, a staged node's relationships are found: %d, %v", checks, len(rs), err)
		}
		if sg, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"extra-00"}, Depth: 2, Direction: graph.DirectionBoth}); err == nil && sg != nil && len(sg.Nodes)+len(sg.Relationships) > 0 {
			t.Errorf("after %d staging transactions, the neighbourhood of a staged node has %d nodes, %d relationships", checks, len(sg.Nodes), len(sg.Relationships))
		}
		if ps, err := s.ShortestPaths(ctx, graph.PathQuery{From: "extra-00", To: "extra-01", MaxLength: 3, K: 1}); err == nil && len(ps) > 0 {
			t.Errorf("after %d staging transactions, a path between staged nodes is found", checks)
		}
		if checks == 1 {
			// A write that meets a staged node fails and changes nothing;
			// the staged node is not there to delete.
			err := s.UpsertNode(ctx, &graph.Node{ID: "extra-00", Kind: graph.KindEvent, Name: "Taken over", SourceIDs: d.Nodes[0].SourceIDs}, "test")
			if graph.ErrorCode(err) != graph.ECONFLICT {
				t.Errorf("upsert of a staged node's id: %v, want %s", err, graph.ECONFLICT)
			}
			if err := s.DeleteNode(ctx, "extra-00", "test"); graph.ErrorCode(err) != graph.ENOTFOUND {
				t.Errorf("delete of a staged node: %v, want %s", err, graph.ENOTFOUND)
			}
		}
		storetest.SameDump(t, storetest.Dump(t, s), before)
	}
	storetest.MustImport(t, s, d)
	s.staged = nil
	if checks < 5 {
		t.Fatalf("only %d staging transactions checked", checks)
	}
	st1, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st1.Nodes != st0.Nodes+30 || st1.Relationships != st0.Relationships+30 {
		t.Errorf("after the publish: %d nodes, %d relationships; want %d, %d", st1.Nodes, st1.Relationships, st0.Nodes+30, st0.Relationships+30)
	}
	hits, err := s.Search(ctx, graph.SearchQuery{Text: "extra gathering"})
	if err != nil || len(hits) == 0 {
		t.Errorf("search after the publish: %d hits, %v", len(hits), err)
	}
	if n, err := s.Node(ctx, "extra-00"); err != nil || n == nil || n.Name != "Extra gathering 0" {
		t.Errorf("published node: %+v, %v", n, err)
	}
	if _, _, staged := rawCounts(t, s); staged != 0 {
		t.Errorf("%d staged nodes left after the publish", staged)
	}
}

func nonNil(ns []*graph.Node) []*graph.Node {
	var out []*graph.Node
	for _, n := range ns {
		if n != nil {
			out = append(out, n)
		}
	}
	return out
}

// TestMigrateDropsOldStages: a stage that an earlier version of the store
// left behind (staged nodes without the Node label) is deleted by Migrate,
// and the database's own nodes stay.
func TestMigrateDropsOldStages(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	storetest.MustImport(t, s, storetest.Fixture())
	before := storetest.Dump(t, s)
	n0, r0, _ := rawCounts(t, s)
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, `CREATE (a:`+stagedLabel+` {id: 'old-a', hmkgImport: 'x'})-[:INSPIRED {id: 'old-r'}]->(b:`+stagedLabel+` {id: 'old-b', hmkgImport: 'x'})`,
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db)); err != nil {
		t.Fatal(err)
	}
	if n, r, staged := rawCounts(t, s); n != n0+2 || r != r0+1 || staged != 2 {
		t.Fatalf("old stage not written: %d nodes, %d relationships, %d staged", n, r, staged)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n, r, staged := rawCounts(t, s); n != n0 || r != r0 || staged != 0 {
		t.Errorf("after Migrate: %d nodes, %d relationships, %d staged; want %d, %d, 0", n, r, staged, n0, r0)
	}
	storetest.SameDump(t, storetest.Dump(t, s), before)
}

// TestStageRelsNamesEveryProperty: cypherStageRels names the properties it
// writes (to keep the planner from an Eager); a property relProps gains
// must be named there too, or staged imports would drop it.
func TestStageRelsNamesEveryProperty(t *testing.T) {
	y := 1990
	// Every field of graph.Relationship set, so relProps writes every key.
	props := relProps(&graph.Relationship{ID: "x", Type: graph.RelChallenged, From: "a", To: "b", Year: &y,
		Summary: "s", SourceIDs: []string{"src"}, TensionIDs: []string{"tension"},
		Status: graph.StatusDisputed, Disputes: []*graph.Dispute{{}}})
	for k := range props {
		for _, st := range cypherStageRels {
			if !strings.Contains(st, k+": row.props."+k) {
				t.Errorf("relProps writes %q but cypherStageRels does not name it:\n%s", k, st)
				break
			}
		}
	}
}

// TestByStartNode checks the order staged relationships are sent in: every
// row once, a start node's rows together, in their original order, the
// groups in the order of their first row.
func TestByStartNode(t *testing.T) {
	row := func(a, id string) any { return map[string]any{"a": a, "id": id} }
	in := []any{row("x", "1"), row("y", "2"), row("x", "3"), row("z", "4"), row("y", "5"), row("x", "6")}
	var got []string
	for _, r := range byStartNode(in) {
		m := r.(map[string]any)
		got = append(got, m["a"].(string)+m["id"].(string))
	}
	if want := "x1 x3 x6 y2 y5 z4"; strings.Join(got, " ") != want {
		t.Fatalf("byStartNode: got %v, want %s", got, want)
	}
}
