package memstore

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/graph"
)

// checkPages compares every page the order indexes answer with the page a
// full scan and sort gives, for every single-key order, a few kind filters,
// offsets and limits.
func checkPages(t *testing.T, s *Store, round string) {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	filters := []*graph.NodeFilter{nil, {Kinds: []graph.Kind{graph.KindMovement}},
		{Kinds: []graph.Kind{graph.KindPerson, graph.KindEvent}}, {Kinds: []graph.Kind{graph.KindTension}}}
	var orders [][]*graph.NodeOrder
	orders = append(orders, nil)
	for _, f := range []graph.OrderField{graph.OrderByID, graph.OrderByName, graph.OrderByKind, graph.OrderByYear, graph.OrderByDegree} {
		for _, d := range []graph.OrderDirection{graph.Asc, graph.Desc} {
			orders = append(orders, []*graph.NodeOrder{{Field: f, Direction: d}})
		}
	}
	indexed := 0
	for _, f := range filters {
		for _, o := range orders {
			for _, page := range [][2]int{{0, 1}, {0, 20}, {7, 20}, {0, 500}, {480, 500}, {1003, 50}, {s.live - 3, 20}, {s.live + 5, 5}, {4, 0}} {
				q := graph.NodeQuery{Filter: f, OrderBy: o, Offset: page[0], Limit: page[1]}
				if err := q.Normalize(); err != nil {
					t.Fatal(err)
				}
				got, gotTotal, ok := s.indexedPage(q)
				if !ok {
					continue
				}
				indexed++
				want, wantTotal, err := s.scanPage(q)
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%s: filter %v order %v offset %d limit %d", round, f, o, page[0], page[1])
				if gotTotal != wantTotal {
					t.Fatalf("%s: total %d, want %d", name, gotTotal, wantTotal)
				}
				if !slices.Equal(s.ids(got), s.ids(want)) {
					t.Fatalf("%s:\n got %v\nwant %v", name, s.ids(got), s.ids(want))
				}
			}
		}
	}
	if indexed < 100 {
		t.Fatalf("%s: only %d pages came from the indexes", round, indexed)
	}
}

func (s *Store) ids(hs []int32) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = s.nodes[h].id()
	}
	return out
}

// TestOrderIndexesFollowWrites builds the order indexes, then changes the
// graph through every write (nodes renamed, re-kinded, re-dated, added and
// deleted; relationships added, replaced and deleted; a small import; a
// bulk import that drops the indexes) and checks every page against a full
// sort after each round.
func TestOrderIndexesFollowWrites(t *testing.T) {
	ctx := context.Background()
	d := synth.Generate(3000, 4, 7)
	// Names that differ only in case, and exact duplicates, to test ties.
	for i, n := range d.Nodes[100:130] {
		n.Name = []string{"Alpha Beta", "alpha beta", "ALPHA beta", "Zeta"}[i%4]
	}
	s := New(WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	checkPages(t, s, "after bulk import")
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() *graph.Node { return d.Nodes[5+rng.IntN(len(d.Nodes)-5)] }
	kinds := []graph.Kind{graph.KindMovement, graph.KindOrganisation, graph.KindPerson, graph.KindEvent, graph.KindReport}
	for round := range 6 {
		for range 40 {
			switch rng.IntN(6) {
			case 0: // rename, re-kind or re-date an existing node
				n := *pick()
				n.Name = []string{"Alpha Beta", "alpha beta", "Omega", n.Name + " x"}[rng.IntN(4)]
				if rng.IntN(2) == 0 {
					n.Kind = kinds[rng.IntN(len(kinds))]
				}
				y := 1900 + rng.IntN(100)
				n.StartYear, n.FoundedYear, n.Year, n.EndYear = nil, nil, nil, nil
				n.Aliases, n.Region, n.Category, n.URL = nil, "", "", ""
				if rng.IntN(3) > 0 {
					n.FoundedYear = &y
				}
				if err := s.UpsertNode(ctx, &n, "t"); err != nil {
					t.Fatal(err)
				}
			case 1: // a new node
				n := &graph.Node{ID: fmt.Sprintf("new-%d-%d", round, rng.IntN(1e6)), Kind: kinds[rng.IntN(len(kinds))],
					Name: "Alpha Beta", SourceIDs: d.Nodes[0].SourceIDs}
				if err := s.UpsertNode(ctx, n, "t"); err != nil {
					t.Fatal(err)
				}
				d.Nodes = append(d.Nodes, n)
			case 2, 3: // a new relationship
				from, to := pick(), pick()
				y := 1950 + rng.IntN(70)
				r := &graph.Relationship{Type: graph.RelTypes[rng.IntN(len(graph.RelTypes))], From: from.ID, To: to.ID,
					Year: &y, SourceIDs: d.Nodes[0].SourceIDs}
				if err := s.UpsertRelationship(ctx, r, "t"); err != nil && graph.ErrorCode(err) != graph.EINVALID {
					t.Fatal(err)
				}
			case 4: // delete a relationship
				r := d.Relationships[rng.IntN(len(d.Relationships))]
				if err := s.DeleteRelationship(ctx, r.ID, "t"); err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
					t.Fatal(err)
				}
			case 5: // delete a node
				n := pick()
				if err := s.DeleteNode(ctx, n.ID, "t"); err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
					t.Fatal(err)
				}
			}
		}
		checkPages(t, s, fmt.Sprintf("round %d", round))
	}
	small := &graph.Dataset{Name: "small", Version: "1"}
	for i := range 30 {
		small.Nodes = append(small.Nodes, &graph.Node{ID: fmt.Sprintf("small-%d", i), Kind: graph.KindOrganisation,
			Name: "alpha BETA", SourceIDs: d.Nodes[0].SourceIDs})
	}
	for i := range 60 {
		to := pick()
		if _, err := s.Node(ctx, to.ID); err != nil {
			continue
		}
		r := &graph.Relationship{Type: graph.RelPartneredWith, From: fmt.Sprintf("small-%d", i%30), To: to.ID, SourceIDs: d.Nodes[0].SourceIDs}
		r.ID = graph.RelationshipID(r.From, r.Type, r.To, nil)
		if !slices.ContainsFunc(small.Relationships, func(x *graph.Relationship) bool { return x.ID == r.ID }) {
			small.Relationships = append(small.Relationships, r)
		}
	}
	if err := s.Import(ctx, small, "test"); err != nil {
		t.Fatal(err)
	}
	checkPages(t, s, "after a small import")
	if err := s.Import(ctx, synth.Generate(2000, 3, 8), "test"); err != nil {
		t.Fatal(err)
	}
	checkPages(t, s, "after a second bulk import")
}

// TestConcurrentReadsBuildIndexesOnce runs ordered pages, searches and
// neighbourhoods from many goroutines while a writer changes the graph, so
// that the race detector sees indexes and norms built under the read lock.
func TestConcurrentReadsBuildIndexesOnce(t *testing.T) {
	ctx := context.Background()
	d := synth.Generate(1500, 4, 5)
	s := New(WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 16)
	for g := range 6 {
		go func() {
			defer func() { done <- struct{}{} }()
			f := []graph.OrderField{graph.OrderByName, graph.OrderByDegree, graph.OrderByYear}[g%3]
			for i := range 30 {
				if _, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: []*graph.NodeOrder{{Field: f, Direction: graph.Desc}}, Offset: i, Limit: 5}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Search(ctx, graph.SearchQuery{Text: "patient voice"}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{d.Nodes[7+i].ID}, Depth: 2, Limit: 50}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 30 {
		n := *d.Nodes[10+i]
		n.Name = "Renamed " + n.Name
		if err := s.UpsertNode(ctx, &n, "t"); err != nil {
			t.Fatal(err)
		}
	}
	for range 6 {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkPages(t, s, "after concurrent reads and writes")
}
