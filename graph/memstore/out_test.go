package memstore

import (
	"context"
	"log/slog"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/graph"
)

// TestBatchedValuesAreIndependent checks that values converted in one
// batch share no memory a caller can change: writing into one node's or
// relationship's slices and years changes neither another value of the
// batch nor what the store returns next.
func TestBatchedValuesAreIndependent(t *testing.T) {
	ctx := context.Background()
	d := synth.Generate(300, 4, 11)
	s := New(WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	var dated string
	for _, n := range d.Nodes {
		if n.Since() != nil && len(n.SourceIDs) > 0 {
			dated = n.ID
			break
		}
	}
	ns, err := s.NodesByID(ctx, []string{dated, "missing", dated})
	if err != nil {
		t.Fatal(err)
	}
	if ns[1] != nil || ns[0] == ns[2] {
		t.Fatalf("NodesByID: missing %v, duplicates the same pointer: %v", ns[1], ns[0] == ns[2])
	}
	src, year := ns[2].SourceIDs[0], *ns[2].Since()
	ns[0].SourceIDs[0] = "changed"
	*ns[0].Since() = 1
	ns[0].SourceIDs = append(ns[0].SourceIDs, "appended")
	if ns[2].SourceIDs[0] != src || *ns[2].Since() != year {
		t.Fatalf("changing one copy changed the other: %v %v", ns[2].SourceIDs, *ns[2].Since())
	}
	again, _ := s.Node(ctx, dated)
	if again.SourceIDs[0] != src || *again.Since() != year || len(again.SourceIDs) != len(ns[2].SourceIDs) {
		t.Fatalf("changing a copy changed the store: %v %v", again.SourceIDs, *again.Since())
	}
	rs, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{d.Nodes[5].ID, d.Nodes[6].ID}})
	if err != nil || len(rs) < 2 {
		t.Fatalf("relationships: %d, %v", len(rs), err)
	}
	id1 := rs[1].ID
	rs[0].SourceIDs = append(rs[0].SourceIDs, "appended")
	rs[0].SourceIDs[0] = "changed"
	if rs[1].ID != id1 || rs[1].SourceIDs[0] == "changed" || rs[1].SourceIDs[0] == "appended" {
		t.Fatalf("changing one relationship changed another: %+v", rs[1])
	}
}
