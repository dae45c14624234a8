package memstore

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/graph"
)

// referenceSearch ranks every live node from its record alone, the plain
// way: graph.BM25Score per query term in SearchTerms order, document
// frequencies counted over the nodes, every hit sorted.
func referenceSearch(s *Store, q graph.SearchQuery) []graph.SearchHit {
	terms := graph.SearchTerms(q.Text)
	qkey := graph.NameKey(q.Text)
	ks, _ := kindSet(q.Kinds)
	type doc struct {
		h  int32
		tf map[string]float32
		dl float32
	}
	var docs []doc
	df := map[string]int{}
	total := 0.0
	for h := range s.nodes {
		rec := &s.nodes[h]
		if !rec.alive() {
			continue
		}
		tf, dl := docTerms(rec, nil)
		docs = append(docs, doc{int32(h), tf, dl})
		total += float64(dl)
		for t := range tf {
			df[t]++
		}
	}
	avgdl := total / float64(len(docs))
	var hits []graph.SearchHit
	for _, d := range docs {
		score, matched := 0.0, false
		for _, t := range terms {
			if f, ok := d.tf[t]; ok {
				matched = true
				score += graph.BM25Score(graph.BM25IDF(float64(len(docs)), float64(df[t])), float64(f), float64(d.dl), avgdl)
			}
		}
		rec := &s.nodes[d.h]
		if !matched || ks != 0 && ks&(1<<rec.kind) == 0 {
			continue
		}
		exact := graph.NameKey(rec.name()) == qkey
		for _, a := range rec.aliases() {
			exact = exact || graph.NameKey(a) == qkey
		}
		if exact {
			score += graph.SearchExactBonus
		}
		hits = append(hits, graph.SearchHit{Node: s.nodeOut(d.h), Score: score})
	}
	slices.SortFunc(hits, func(a, b graph.SearchHit) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Node.ID, b.Node.ID)
	})
	limit := q.Limit
	if limit == 0 {
		limit = graph.DefaultSearchLimit
	}
	return hits[:min(limit, len(hits))]
}

// TestSearchMatchesReference checks that Search returns exactly the hits
// and scores (to the last bit) of the plain computation, for short queries
// (merged document by document), long ones (added up term by term), kind
// filters and exact names, before and after nodes are replaced, added and
// deleted.
func TestSearchMatchesReference(t *testing.T) {
	ctx := context.Background()
	d := synth.Generate(4000, 4, 3)
	s := New(WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	queries := []graph.SearchQuery{
		{Text: "patient voice"}, {Text: "mental health recovery", Limit: 50}, {Text: "Disability Rights"},
		{Text: d.Nodes[17].Name}, {Text: d.Nodes[33].Name, Kinds: []graph.Kind{graph.KindPerson, graph.KindEvent}},
		{Text: "zzz"}, {Text: "synthetic", Limit: 100},
		{Text: "access action advocacy alliance autonomy care carers choice citizen clinic coalition", Limit: 30},
		{Text: "women treatment access rights voice power people peer nurse", Kinds: []graph.Kind{graph.KindMovement}},
		{Text: "health", Kinds: []graph.Kind{graph.KindTension}},
	}
	check := func(round string) {
		t.Helper()
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, q := range queries {
			want := referenceSearch(s, q)
			s.mu.RUnlock()
			got, err := s.Search(ctx, q)
			s.mu.RLock()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %q: %d hits, want %d", round, q.Text, len(got), len(want))
			}
			for i := range got {
				if got[i].Node.ID != want[i].Node.ID || got[i].Score != want[i].Score {
					t.Fatalf("%s: %q: hit %d is %s %v, want %s %v", round, q.Text, i, got[i].Node.ID, got[i].Score, want[i].Node.ID, want[i].Score)
				}
			}
		}
	}
	check("after import")
	for round := range 3 {
		for range 30 {
			n := *d.Nodes[5+rng.IntN(len(d.Nodes)-5)]
			switch rng.IntN(3) {
			case 0: // replace: the node keeps its handle, its postings move
				n.Name = "Patient Voice " + n.Name
				n.Summary = strings.Repeat("mental ", rng.IntN(4))
				if err := s.UpsertNode(ctx, &n, "t"); err != nil {
					t.Fatal(err)
				}
			case 1:
				n.ID = fmt.Sprintf("added-%d-%d", round, rng.IntN(1e6))
				if err := s.UpsertNode(ctx, &n, "t"); err != nil {
					t.Fatal(err)
				}
			case 2:
				if err := s.DeleteNode(ctx, n.ID, "t"); err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
					t.Fatal(err)
				}
			}
		}
		check(fmt.Sprintf("round %d", round))
	}
}
