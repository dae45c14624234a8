package memstore

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/graph"
)

// TestHubPagesMatchFullLists: the first k relationships of hubs (answered
// from the sorted lists cached in adjacency.go) equal the first k of their
// full lists, for every direction, type filter and date, before and after
// writes that add and delete hub relationships (which must clear the cache).
func TestHubPagesMatchFullLists(t *testing.T) {
	ctx := context.Background()
	s := New(WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.Import(ctx, synth.Generate(3000, 6, 11), "test"); err != nil {
		t.Fatal(err)
	}
	page, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: []*graph.NodeOrder{{Field: "DEGREE", Direction: "DESC"}}, Limit: 8})
	if err != nil {
		t.Fatal(err)
	}
	var hubs []string
	for _, n := range page.Nodes {
		hubs = append(hubs, n.ID)
	}
	year := 2000
	check := func(when string) {
		t.Helper()
		hubPaths := 0
		for _, dir := range []graph.Direction{graph.DirectionOut, graph.DirectionIn, graph.DirectionBoth} {
			for _, types := range [][]graph.RelType{nil, {graph.RelPartOf, graph.RelChallenged}} {
				for _, asOf := range []*int{nil, &year} {
					for _, k := range []int{1, 5, 32} {
						full := graph.RelQuery{NodeIDs: hubs, Direction: dir, Types: types, AsOf: asOf}
						all, err := s.Relationships(ctx, full)
						if err != nil {
							t.Fatal(err)
						}
						capped := full
						capped.PerNode = k
						some, err := s.Relationships(ctx, capped)
						if err != nil {
							t.Fatal(err)
						}
						for _, id := range hubs {
							want := ids(graph.CapPerNode(all, id, dir, k))
							got := ids(graph.CapPerNode(some, id, dir, k))
							if !slices.Equal(got, want) {
								t.Fatalf("%s: %s %s %v asOf %v first %d:\n got %v\nwant %v", when, id, dir, types, asOf != nil, k, got, want)
							}
						}
					}
				}
			}
		}
		s.hubs.mu.Lock()
		hubPaths = len(s.hubs.sorted)
		s.hubs.mu.Unlock()
		if hubPaths == 0 {
			t.Fatalf("%s: no hub list was cached: the test does not reach adjacency.go", when)
		}
	}
	check("after import")
	// Delete each hub's first relationship by id, and add one that sorts
	// first: stale lists would still return the deleted one and miss the new.
	for _, id := range hubs[:4] {
		rs, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{id}})
		if err != nil || len(rs) == 0 {
			t.Fatalf("relationships of %s: %v (%d)", id, err, len(rs))
		}
		if err := s.DeleteRelationship(ctx, rs[0].ID, "test"); err != nil {
			t.Fatal(err)
		}
		n := &graph.Node{ID: "0-" + id, Kind: graph.KindOrganisation, Name: "first " + id, SourceIDs: rs[0].SourceIDs}
		if err := s.UpsertNode(ctx, n, "test"); err != nil {
			t.Fatal(err)
		}
		r := &graph.Relationship{Type: graph.RelPartOf, From: n.ID, To: id, SourceIDs: rs[0].SourceIDs}
		r.ID = graph.RelationshipID(r.From, r.Type, r.To, nil)
		if err := s.UpsertRelationship(ctx, r, "test"); err != nil {
			t.Fatal(err)
		}
	}
	check("after writes")
}

func ids(rs []*graph.Relationship) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
