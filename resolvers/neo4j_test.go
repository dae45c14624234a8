package resolvers_test

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/neo4jstore"
)

// openNeo4j returns an emptied Neo4j store when NEO4J_URI is set. In CI a
// missing Neo4j fails the test instead of skipping it silently.
func openNeo4j(t testing.TB) graph.Store {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("NEO4J_URI is not set: CI must run the resolver tests against Neo4j (make test starts it)")
		}
		t.Log("NEO4J_URI not set: resolver tests run on the embedded store only")
		return nil
	}
	ctx := context.Background()
	db := os.Getenv("NEO4J_DATABASE")
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(os.Getenv("NEO4J_USERNAME"), os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	if _, err := neo4j.ExecuteQuery(ctx, drv, "MATCH (n) DETACH DELETE n", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db)); err != nil {
		t.Fatalf("wipe neo4j: %v", err)
	}
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"),
		Password: os.Getenv("NEO4J_PASSWORD"), Database: db})
	if err != nil {
		t.Fatalf("open neo4j store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
