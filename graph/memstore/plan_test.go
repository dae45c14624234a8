package memstore

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/graph"
)

// TestPlanRelationshipsMatchesParts checks the store's one-lock answer to a
// relationships level against graph.PlanByParts (the three ordinary reads)
// for node sets sharing relationships, every direction, types, asOf and
// OtherKinds (which the conformance suite's direct plan test leaves out).
func TestPlanRelationshipsMatchesParts(t *testing.T) {
	ctx := context.Background()
	d := synth.Generate(800, 5, 13)
	s := New(WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	ids := func(ns []*graph.Node) []string {
		out := []string{}
		for _, n := range ns {
			out = append(out, n.ID)
		}
		slices.Sort(out)
		return out
	}
	srcs := func(ss []*graph.Source) []string {
		out := []string{}
		for _, x := range ss {
			out = append(out, x.ID)
		}
		slices.Sort(out)
		return out
	}
	y := 1990
	sets := [][]string{{d.Nodes[5].ID}, {d.Nodes[5].ID, d.Nodes[6].ID, d.Nodes[7].ID, "missing"}, {d.Nodes[9].ID, d.Nodes[9].ID}, {}}
	for _, set := range sets {
		for _, dir := range []graph.Direction{"", graph.DirectionOut, graph.DirectionIn, graph.DirectionBoth} {
			for _, others := range [][]graph.Kind{nil, {graph.KindOrganisation}, {graph.KindPerson, graph.KindEvent, graph.KindMovement}} {
				for _, asOf := range []*int{nil, &y} {
					p := graph.RelPlan{Query: graph.RelQuery{NodeIDs: set, Direction: dir, AsOf: asOf}, Endpoints: true, Sources: true, OtherKinds: others}
					got, err := s.PlanRelationships(ctx, p)
					if err != nil {
						t.Fatal(err)
					}
					want, err := graph.PlanByParts(ctx, s, p)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got.Relationships, want.Relationships) || !slices.Equal(ids(got.Nodes), ids(want.Nodes)) ||
						!slices.Equal(srcs(got.Sources), srcs(want.Sources)) {
						t.Fatalf("%v %q others %v asOf %v: %d rels, %d nodes, %d sources; by parts %d, %d, %d", set, dir, others, asOf,
							len(got.Relationships), len(got.Nodes), len(got.Sources), len(want.Relationships), len(want.Nodes), len(want.Sources))
					}
				}
			}
		}
	}
	if _, err := s.PlanRelationships(ctx, graph.RelPlan{Query: graph.RelQuery{NodeIDs: sets[0]}, OtherKinds: []graph.Kind{"PLANET"}}); graph.ErrorCode(err) != graph.EINVALID {
		t.Fatalf("unknown kind: %v", err)
	}
}
