package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

// testPlanRelationships checks that a store's RelPlanner answers a nesting
// level exactly as Relationships, NodesByID and SourcesByID do.
func testPlanRelationships(t *testing.T, s graph.Store) {
	rp, ok := s.(graph.RelPlanner)
	if !ok {
		t.Skip("store has no RelPlanner")
	}
	nodeIDs := func(ns []*graph.Node) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = n.ID
		}
		slices.Sort(out)
		return out
	}
	byID := func(ns []*graph.Node) map[string]*graph.Node {
		out := map[string]*graph.Node{}
		for _, n := range ns {
			out[n.ID] = n
		}
		return out
	}
	sourceIDs := func(ss []*graph.Source) map[string]*graph.Source {
		out := map[string]*graph.Source{}
		for _, x := range ss {
			out[x.ID] = x
		}
		return out
	}
	sets := [][]string{{"act-up"}, {"fda", "missing"}, {"aids-movement", "act-up", "who"}, {"tension-co-option"}, {}}
	for _, ids := range sets {
		for _, dir := range []graph.Direction{graph.DirectionOut, graph.DirectionIn, graph.DirectionBoth} {
			for _, types := range [][]graph.RelType{nil, {graph.RelChallenged, graph.RelPartOf}} {
				for _, asOf := range []*int{nil, ip(1988), ip(2015)} {
					for _, want := range [][2]bool{{false, false}, {true, false}, {true, true}} {
						p := graph.RelPlan{Query: graph.RelQuery{NodeIDs: ids, Direction: dir, Types: types, AsOf: asOf},
							Endpoints: want[0], Sources: want[1]}
						name := fmt.Sprintf("plan %v %s %v asOf %v endpoints %v sources %v",
							strings.Join(ids, ","), dir, types, deref(asOf), want[0], want[1])
						got, err := rp.PlanRelationships(ctx, p)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						ref, err := graph.PlanByParts(ctx, s, p)
						if err != nil {
							t.Fatalf("%s (by parts): %v", name, err)
						}
						equal(t, name+": relationships", got.Relationships, ref.Relationships)
						equal(t, name+": node ids", nodeIDs(got.Nodes), nodeIDs(ref.Nodes))
						equal(t, name+": nodes", byID(got.Nodes), byID(ref.Nodes))
						equal(t, name+": sources", sourceIDs(got.Sources), sourceIDs(ref.Sources))
						if want[0] && len(got.Relationships) > 0 && len(got.Nodes) == 0 {
							t.Errorf("%s: no endpoints", name)
						}
					}
				}
			}
		}
	}
	// A bad query is refused as Relationships refuses it.
	_, err := rp.PlanRelationships(ctx, graph.RelPlan{Query: graph.RelQuery{NodeIDs: []string{"act-up"}, Direction: "SIDEWAYS"}})
	WantCode(t, err, graph.EINVALID)
}

// testPlanNodes checks that a store's NodePlanner answers as NodesByID and
// SourcesByID do.
func testPlanNodes(t *testing.T, s graph.Store) {
	np, ok := s.(graph.NodePlanner)
	if !ok {
		t.Skip("store has no NodePlanner")
	}
	sourceIDs := func(ss []*graph.Source) map[string]*graph.Source {
		out := map[string]*graph.Source{}
		for _, x := range ss {
			out[x.ID] = x
		}
		return out
	}
	for _, ids := range [][]string{{"act-up"}, {"missing", "fda", "act-up"}, {"aids-movement", "who", "tension-co-option"}, {"missing"}} {
		for _, sources := range []bool{false, true} {
			p := graph.NodePlan{IDs: ids, Sources: sources}
			name := fmt.Sprintf("plan nodes %v sources %v", ids, sources)
			got, err := np.PlanNodes(ctx, p)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ref, err := graph.PlanNodesByParts(ctx, s, p)
			if err != nil {
				t.Fatalf("%s (by parts): %v", name, err)
			}
			equal(t, name+": nodes", got.Nodes, ref.Nodes)
			equal(t, name+": sources", sourceIDs(got.Sources), sourceIDs(ref.Sources))
			if sources && got.Nodes[len(ids)-1] != nil && len(got.Sources) == 0 {
				t.Errorf("%s: no sources", name)
			}
		}
	}
}
