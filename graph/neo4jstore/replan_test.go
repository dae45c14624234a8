package neo4jstore

import (
	"context"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
)

// TestImportReplansStatements plans the neighbourhood statement on an
// empty database, imports the curated graph and profiles the statement
// Neo4j then runs from its cache: with the plan made on the empty
// database it scanned every node and relationship (140,000-350,000 db
// hits); replanned with the new statistics it takes about 5,000.
func TestImportReplansStatements(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	q := graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2, Limit: 500, ExcludeContested: true}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	// Plan on the empty database: the answer is NOT_FOUND, the plan stays.
	if _, err := s.Neighbourhood(ctx, q); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("neighbourhood on an empty store: %v, want NOT_FOUND", err)
	}
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	cypher, params, _, _ := neighbourhoodStatement(q, q.Seeds)
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "PROFILE "+cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db))
	if err != nil {
		t.Fatal(err)
	}
	if hits := totalHits(res.Summary.Profile()); hits > 20000 {
		logPlan(t, res.Summary.Profile(), "  ")
		t.Fatalf("the neighbourhood after an import took %d db hits: its plan was made on the empty database", hits)
	}
}
