package neo4jstore

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

// curatedInBoth returns a Neo4j store and an embedded one, both holding
// the curated graph, and the graph.
func curatedInBoth(t *testing.T) (*Store, *memstore.Store, *graph.Dataset) {
	t.Helper()
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
	return s, m, d
}

// TestSearchMatchesEmbedded asks both stores the same searches on the
// curated graph and requires the same hits in the same order with the same
// scores, to the last bit: the ranking is graph's BM25 (graph/search.go),
// computed in Go by the embedded store and in Cypher here.
func TestSearchMatchesEmbedded(t *testing.T) {
	s, m, _ := curatedInBoth(t)
	ctx := context.Background()
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
		compareSearch(t, ctx, s, m, q)
	}
}

// TestSearchBoundsKeepTheAnswer asks both stores a few hundred searches
// built from the curated graph's own words (names, so that the exact-name
// bonus applies, and summary words, common and rare, with words that match
// nothing), with limits from 1 to 60 and kind filters, and requires the
// same hits, order and scores. The Neo4j statement scores only the hits
// whose score bound can reach the answer (searchScores); a bound that is
// too low, or a cut on the wrong side of a tie, shows here as a missing or
// extra hit.
func TestSearchBoundsKeepTheAnswer(t *testing.T) {
	s, m, d := curatedInBoth(t)
	ctx := context.Background()
	var words []string
	for _, n := range d.Nodes {
		words = graph.Tokenize(words, n.Summary)
	}
	rng := rand.New(rand.NewPCG(10, 25))
	kinds := []graph.Kind{graph.KindMovement, graph.KindOrganisation, graph.KindInstitution, graph.KindPerson}
	limits := []int{1, 2, 3, 5, 10, 10, 10, 20, 60}
	for i := range 300 {
		var text string
		switch i % 3 {
		case 0: // a node's name, sometimes with a word more or a word less
			n := d.Nodes[rng.IntN(len(d.Nodes))]
			text = n.Name
			if rng.IntN(2) == 0 {
				text += " " + words[rng.IntN(len(words))]
			} else if f := strings.Fields(text); len(f) > 1 {
				text = strings.Join(f[1:], " ")
			}
		case 1: // summary words, frequent ones most often
			for range 1 + rng.IntN(4) {
				text += " " + words[rng.IntN(len(words))]
			}
		default: // a word and one that matches nothing
			text = words[rng.IntN(len(words))] + " zzqx" + string(rune('a'+rng.IntN(26)))
		}
		q := graph.SearchQuery{Text: text, Limit: limits[rng.IntN(len(limits))]}
		if rng.IntN(4) == 0 {
			q.Kinds = []graph.Kind{kinds[rng.IntN(len(kinds))]}
		}
		compareSearch(t, ctx, s, m, q)
	}
}

// compareSearch requires s's Search and PlanSearch to give m's hits for q,
// in the same order with the same scores to the last bit.
func compareSearch(t *testing.T, ctx context.Context, s *Store, m graph.Store, q graph.SearchQuery) {
	t.Helper()
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
			t.Errorf("%s %q (limit %d, kinds %v): %d hits, embedded %d", name, q.Text, q.Limit, q.Kinds, len(hits), len(want))
			continue
		}
		for i := range want {
			if hits[i].Node.ID != want[i].Node.ID || hits[i].Score != want[i].Score {
				t.Errorf("%s %q (limit %d, kinds %v) hit %d: %s %v, embedded %s %v", name, q.Text, q.Limit, q.Kinds, i,
					hits[i].Node.ID, hits[i].Score, want[i].Node.ID, want[i].Score)
			}
		}
	}
}

// TestSearchLogInCypher runs searchLog in Neo4j over
// storetest.LogArguments and requires graph.SearchLog's results bit for
// bit: idf, and so every score, must be the embedded store's. It also
// counts how often Cypher's own log() would have differed.
func TestSearchLogInCypher(t *testing.T) {
	s := openStore(t)
	xs := storetest.LogArguments()
	params := map[string]any{"xs": xs}
	logParams(params)
	res, err := neo4j.ExecuteQuery(context.Background(), s.driver,
		"WITH $xs AS xs "+searchLog("xs", "lns")+" RETURN lns, [x IN xs | log(x)] AS javaLns",
		params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db))
	if err != nil {
		t.Fatal(err)
	}
	lns, _ := res.Records[0].Values[0].([]any)
	javaLns, _ := res.Records[0].Values[1].([]any)
	if len(lns) != len(xs) {
		t.Fatalf("%d logarithms for %d values", len(lns), len(xs))
	}
	java := 0
	for i, x := range xs {
		if got, want := lns[i].(float64), graph.SearchLog(x); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("log(%v): %v in Cypher, %v in Go", x, got, want)
		}
		if javaLns[i].(float64) != graph.SearchLog(x) {
			java++
		}
	}
	t.Logf("%d values; Cypher's log() differs from graph.SearchLog for %d of them", len(xs), java)
}
