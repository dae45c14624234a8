package memstore

import (
	"context"

	"github.com/hmkg/hmkg/graph"
)

// SearchExhaustive is Search without pruning: every node that holds a
// query term is scored (for the benchmarks that compare the two).
func SearchExhaustive(s *Store, ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	return s.rankedSearch(ctx, q, true)
}
