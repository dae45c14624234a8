package httpapi_test

import (
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
)

// openNeo4j returns an emptied Neo4j store, locked for this test, when
// NEO4J_URI is set (in CI it must be).
func openNeo4j(t testing.TB) graph.Store {
	t.Helper()
	if s := neo4jtest.Open(t); s != nil {
		return s
	}
	t.Log("NEO4J_URI not set: running on the embedded store only")
	return nil
}
