package httpapi_test

import (
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
)

// openStores returns an empty store of every kind under test, keyed by name.
func openStores(t *testing.T) map[string]graph.Store {
	t.Helper()
	stores := map[string]graph.Store{"memstore": memstore.New()}
	if s := openNeo4j(t); s != nil {
		stores["neo4j"] = s
	}
	return stores
}
