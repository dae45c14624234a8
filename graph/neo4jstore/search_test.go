package neo4jstore

import (
	"context"
	"testing"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
)

// TestSearchMatchesEmbedded asks both stores the same searches on the
// curated graph and requires the same hits in the same order with the same
// scores, to the last bit: the ranking is graph's BM25 (graph/search.go),
// computed in Go by the embedded store and in Cypher here.
func TestSearchMatchesEmbedded(t *testing.T) {
	s := openStore(t)
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Import(ctx, d, "search"); err != nil {
		t.Fatal(err)
	}
	m := memstore.New()
	if err := m.Import(ctx, d, "search"); err != nil {
		t.Fatal(err)
	}
	queries := []graph.SearchQuery{
		{Text: "ACT UP", Limit: 10},
		{Text: "ACT UP", Limit: 100},
		{Text: "nhs", Limit: 100}, // one-token names: repeated tokens side by side in searchText
		{Text: "health movement women", Limit: 100},
		{Text: "World Health Organization", Limit: 50},
		{Text: "breast cancer", Limit: 20, Kinds: []graph.Kind{graph.KindOrganisation, graph.KindMovement}},
		{Text: "dignity", Limit: 10},
		{Text: "act act up", Limit: 10}, // repeated query terms count once
		{Text: "zzzzqqq", Limit: 10},
	}
	for _, q := range queries {
		want, err := m.Search(ctx, q)
		if err != nil {
			t.Fatalf("embedded %q: %v", q.Text, err)
		}
		got, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("neo4j %q: %v", q.Text, err)
		}
		plan, err := s.PlanSearch(ctx, graph.SearchPlan{Query: q, Fields: &graph.Fields{}})
		if err != nil {
			t.Fatalf("neo4j plan %q: %v", q.Text, err)
		}
		for name, hits := range map[string][]graph.SearchHit{"Search": got, "PlanSearch": plan.Hits} {
			if len(hits) != len(want) {
				t.Errorf("%s %q: %d hits, embedded %d", name, q.Text, len(hits), len(want))
				continue
			}
			for i := range want {
				if hits[i].Node.ID != want[i].Node.ID || hits[i].Score != want[i].Score {
					t.Errorf("%s %q hit %d: %s %v, embedded %s %v", name, q.Text, i,
						hits[i].Node.ID, hits[i].Score, want[i].Node.ID, want[i].Score)
				}
			}
		}
	}
}
