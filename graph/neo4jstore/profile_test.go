package neo4jstore

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
)

// TestProfilePlans prints the database hits of the planned statements on
// the curated graph, for the benchmark notes (README's Benchmarks):
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
	stmts := []struct {
		name, cypher string
		params       map[string]any
	}{
		{"node with sources", cypherPlanNodes, map[string]any{"ids": []string{"act-up"}, "sources": true}},
		{"CHALLENGED with endpoints and sources", cypherPlanRelationships[graph.DirectionBoth],
			map[string]any{"ids": []string{"act-up"}, "types": []string{"CHALLENGED"}, "asOf": nil, "endpoints": true, "sources": true}},
		{"20 nodes' relationships with endpoints and sources", cypherPlanRelationships[graph.DirectionBoth],
			map[string]any{"ids": []string{"act-up", "nhs-england", "aids-movement", "who", "fda"}, "types": []string{}, "asOf": nil, "endpoints": true, "sources": true}},
		{"members (IN PART_OF) with endpoints", cypherPlanRelationships[graph.DirectionIn],
			map[string]any{"ids": []string{"aids-movement", "disability-rights-movement"}, "types": []string{"PART_OF"}, "asOf": nil, "endpoints": true, "sources": false}},
	}
	for _, st := range stmts {
		res, err := neo4j.ExecuteQuery(ctx, s.driver, "PROFILE "+st.cypher, st.params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		p := res.Summary.Profile()
		t.Logf("%s: %d db hits, %d rows", st.name, totalHits(p), p.Records())
		logPlan(t, p, "  ")
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
