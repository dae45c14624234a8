package neo4jstore

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
)

// TestProfilePlans prints the database hits of the statements that answer
// issue 10's six questions on the curated graph, for the benchmark notes
// (README's Benchmarks); HMKG_PROFILE=plans also prints each plan:
//
//	HMKG_PROFILE=1 go test -run TestProfilePlans -v ./graph/neo4jstore
func TestProfilePlans(t *testing.T) {
	if os.Getenv("HMKG_PROFILE") == "" {
		t.Skip("set HMKG_PROFILE=1 to profile the planned statements")
	}
	s := openStore(t)
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Import(ctx, d, "profile"); err != nil {
		t.Fatal(err)
	}
	type stmt struct {
		name, cypher string
		params       map[string]any
	}
	var stmts []stmt
	// Issue 10's six questions as the store answers them (see
	// resolvers/bench_test.go's ratioQuestions).
	// Fields are those the resolvers ask for (resolvers/planfields.go).
	nodes := func(name string, ids []string, sources bool, f *graph.Fields, rp *graph.RelPlan) {
		params := map[string]any{"ids": ids, "sources": sources}
		dir, err := relLevelParams(rp, params)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, stmt{name, planNodesStatement(newTail(dir, sources, rp, true, f)), params})
	}
	nodes("node with its sources", []string{"act-up"}, true, &graph.Fields{Node: []string{"summary"}}, nil)
	challenged := &graph.Fields{Rel: []string{"year", "summary"}}
	nodes("act-up's CHALLENGED relationships with endpoints and sources", []string{"act-up"}, false, challenged,
		&graph.RelPlan{Query: graph.RelQuery{Types: []graph.RelType{graph.RelChallenged}}, Endpoints: true, Sources: true,
			Fields: challenged})
	sq := graph.SearchQuery{Text: "ACT UP", Limit: 10}
	if err := sq.Normalize(); err != nil {
		t.Fatal(err)
	}
	params := searchParams(sq)
	if _, err := relLevelParams(nil, params); err != nil {
		t.Fatal(err)
	}
	stmts = append(stmts, stmt{"search \"ACT UP\" top 10", planSearchStatement(newTail(relShape{dir: graph.DirectionBoth}, false, nil, true, &graph.Fields{Bare: true})), params})
	// The neighbourhood and path statements with the GraphQL defaults
	// (disputed relationships left out).
	nq := graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2, Limit: 500, ExcludeContested: true}
	if err := nq.Normalize(); err != nil {
		t.Fatal(err)
	}
	ncypher, np, _, _ := neighbourhoodStatement(nq, nq.Seeds)
	stmts = append(stmts, stmt{"2-hop neighbourhood", ncypher, np})
	stmts = append(stmts, stmt{"shortest path act-up -> nhs-england", pathsStatement(true, graph.PathQuery{ExcludeContested: true}, 1, 8),
		map[string]any{"from": "act-up", "to": "nhs-england", "types": []any{}, "asOf": nil, "assertedOnly": true}})
	// What the resolvers ask for: no field reads sources, so bare nodes
	// and relationships; totalCount is not selected.
	page, _, params, err := planPageStatement(graph.PagePlan{Fields: &graph.Fields{Bare: true}, NoTotal: true,
		Query: graph.NodeQuery{Filter: &graph.NodeFilter{Kinds: []graph.Kind{graph.KindMovement}},
			OrderBy: []*graph.NodeOrder{{Field: graph.OrderByName}}, Limit: 20},
		Rels: &graph.RelPlan{Query: graph.RelQuery{Direction: graph.DirectionIn, Types: []graph.RelType{graph.RelPartOf}}, Endpoints: true,
			Fields: &graph.Fields{Bare: true}, OtherKinds: []graph.Kind{graph.KindOrganisation}}})
	if err != nil {
		t.Fatal(err)
	}
	stmts = append(stmts, stmt{"20 movements with their PART_OF members", page, params})
	for _, st := range stmts {
		res, err := neo4j.ExecuteQuery(ctx, s.driver, "PROFILE "+st.cypher, st.params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		p := res.Summary.Profile()
		t.Logf("%s: %d db hits, %d rows", st.name, totalHits(p), p.Records())
		if testing.Verbose() && os.Getenv("HMKG_PROFILE") == "plans" {
			logPlan(t, p, "  ")
		}
	}
}

func totalHits(p neo4j.ProfiledPlan) int64 {
	n := p.DbHits()
	for _, c := range p.Children() {
		n += totalHits(c)
	}
	return n
}

func logPlan(t *testing.T, p neo4j.ProfiledPlan, indent string) {
	t.Logf("%s%s: %d db hits", indent, p.Operator(), p.DbHits())
	for _, c := range p.Children() {
		logPlan(t, c, indent+"  ")
	}
}
