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

// relPlans are the relationships levels the planner tests fold under
// their roots (nil: none).
var relPlans = []*graph.RelPlan{
	nil,
	{Query: graph.RelQuery{Types: []graph.RelType{graph.RelChallenged}}, Endpoints: true, Sources: true},
	{Query: graph.RelQuery{Direction: graph.DirectionIn, Types: []graph.RelType{graph.RelPartOf}}, Endpoints: true},
	{Query: graph.RelQuery{Direction: graph.DirectionOut, AsOf: ip(1988)}},
	{Query: graph.RelQuery{Direction: graph.DirectionBoth}, Sources: true},
	{Query: graph.RelQuery{Types: []graph.RelType{graph.RelChallenged}}, Endpoints: true, Sources: true, Fields: someFields},
	{Query: graph.RelQuery{Direction: graph.DirectionIn}, Endpoints: true, Fields: &graph.Fields{}},
	{Query: graph.RelQuery{Direction: graph.DirectionIn, Types: []graph.RelType{graph.RelPartOf}}, Endpoints: true,
		OtherKinds: []graph.Kind{graph.KindOrganisation}, Fields: &graph.Fields{}},
	{Query: graph.RelQuery{}, OtherKinds: []graph.Kind{graph.KindInstitution, graph.KindTension}, Fields: someFields},
	{Query: graph.RelQuery{Direction: graph.DirectionOut}, Sources: true, OtherKinds: []graph.Kind{graph.KindMovement}},
	{Query: graph.RelQuery{Direction: graph.DirectionIn, Types: []graph.RelType{graph.RelPartOf}}, Endpoints: true,
		OtherKinds: []graph.Kind{graph.KindOrganisation}, Fields: bareFields},
	{Query: graph.RelQuery{AsOf: ip(1990)}, Endpoints: true, Sources: true, Fields: bareFields},
}

// bareFields asks for bare nodes and relationships (graph.Fields.Bare).
var bareFields = &graph.Fields{Node: []string{"year"}, Bare: true}

// someFields asks planned reads for some of the optional fields only.
var someFields = &graph.Fields{Node: []string{"summary", "year", "disputes", "publisher"}, Rel: []string{"year", "summary"}}

// fieldSets are the root fields the planner tests ask for.
var fieldSets = []*graph.Fields{nil, someFields, {}, bareFields}

func trimNodes(f *graph.Fields, ns []*graph.Node) []*graph.Node {
	out := make([]*graph.Node, len(ns))
	for i, n := range ns {
		out[i] = f.TrimNode(n)
	}
	return out
}

func trimRels(f *graph.Fields, rs []*graph.Relationship) []*graph.Relationship {
	out := make([]*graph.Relationship, len(rs))
	for i, r := range rs {
		out[i] = f.TrimRel(r)
	}
	return out
}

func trimHits(f *graph.Fields, hs []graph.SearchHit) []graph.SearchHit {
	out := make([]graph.SearchHit, len(hs))
	for i, h := range hs {
		out[i] = graph.SearchHit{Node: f.TrimNode(h.Node), Score: h.Score}
	}
	return out
}

// sourcesByID indexes sources by id, to compare sets.
func sourcesByID(ss []*graph.Source) map[string]*graph.Source {
	out := map[string]*graph.Source{}
	for _, x := range ss {
		out[x.ID] = x
	}
	return out
}

// nodesByID indexes nodes by id, to compare sets.
func nodesByID(ns []*graph.Node) map[string]*graph.Node {
	out := map[string]*graph.Node{}
	for _, n := range ns {
		if n != nil {
			out[n.ID] = n
		}
	}
	return out
}

// checkRelLevel checks that got answers rp for the nodes ns exactly as
// Relationships, NodesByID and SourcesByID do.
func checkRelLevel(t *testing.T, s graph.Store, name string, rp *graph.RelPlan, ns []*graph.Node, got *graph.RelPlanResult) {
	t.Helper()
	if rp == nil {
		if got != nil {
			t.Errorf("%s: a relationships level that was not asked for", name)
		}
		return
	}
	if got == nil {
		t.Fatalf("%s: no relationships level", name)
	}
	q := *rp
	q.Query.NodeIDs = []string{}
	for _, n := range ns {
		if n != nil {
			q.Query.NodeIDs = append(q.Query.NodeIDs, n.ID)
		}
	}
	rels, err := s.Relationships(ctx, q.Query)
	if err != nil {
		t.Fatalf("%s: relationships: %v", name, err)
	}
	ref, err := graph.PlanByParts(ctx, s, q)
	if err != nil {
		t.Fatalf("%s (by parts): %v", name, err)
	}
	if len(rp.OtherKinds) > 0 {
		// Relationships whose other end is of the kinds, by the rule of
		// graph.RelPlan.OtherKinds.
		kinds := map[string]graph.Kind{}
		for _, n := range ns {
			if n != nil {
				kinds[n.ID] = n.Kind
			}
		}
		kept := []*graph.Relationship{}
		for _, r := range rels {
			other := []string{}
			if _, ok := kinds[r.From]; ok && q.Query.Direction != graph.DirectionIn {
				other = append(other, r.To)
			}
			if _, ok := kinds[r.To]; ok && q.Query.Direction != graph.DirectionOut {
				other = append(other, r.From)
			}
			for _, id := range other {
				o, err := s.Node(ctx, id)
				if err != nil {
					t.Fatalf("%s: node %s: %v", name, id, err)
				}
				if slices.Contains(rp.OtherKinds, o.Kind) {
					kept = append(kept, r)
					break
				}
			}
		}
		rels = kept
	}
	f := rp.Fields
	equal(t, name+": relationships", trimRels(f, got.Relationships), trimRels(f, rels))
	equal(t, name+": endpoints", nodesByID(trimNodes(f, got.Nodes)), nodesByID(trimNodes(f, ref.Nodes)))
	equal(t, name+": relationships' sources", sourcesByID(got.Sources), sourcesByID(ref.Sources))
	if rp.Endpoints && len(rels) > 0 && len(got.Nodes) == 0 {
		t.Errorf("%s: no endpoints", name)
	}
}

// testPlanNodes checks that graph.PlanNodes (the store's NodePlanner when
// it has one) answers as NodesByID, SourcesByID and Relationships do.
func testPlanNodes(t *testing.T, s graph.Store) {
	for _, ids := range [][]string{{"act-up"}, {"missing", "fda", "act-up"}, {"aids-movement", "who", "tension-co-option"}, {"missing"}, {}} {
		for i, sources := range []bool{false, true} {
			for j, rp := range relPlans {
				f := fieldSets[(i+j)%len(fieldSets)]
				p := graph.NodePlan{IDs: ids, Sources: sources, Rels: rp, Fields: f}
				name := fmt.Sprintf("plan nodes %v sources %v rels %+v fields %+v", ids, sources, rp, f)
				got, err := graph.PlanNodes(ctx, s, p)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want, err := s.NodesByID(ctx, ids)
				if err != nil {
					t.Fatalf("%s: nodes by id: %v", name, err)
				}
				equal(t, name+": nodes", trimNodes(f, got.Nodes), trimNodes(f, want))
				ref, err := graph.PlanNodesByParts(ctx, s, p)
				if err != nil {
					t.Fatalf("%s (by parts): %v", name, err)
				}
				equal(t, name+": sources", sourcesByID(got.Sources), sourcesByID(ref.Sources))
				if sources && len(ids) > 0 && got.Nodes[len(ids)-1] != nil && len(got.Sources) == 0 {
					t.Errorf("%s: no sources", name)
				}
				checkRelLevel(t, s, name, rp, got.Nodes, got.Rels)
			}
		}
	}
	_, err := graph.PlanNodes(ctx, s, graph.NodePlan{IDs: []string{"act-up"},
		Rels: &graph.RelPlan{Query: graph.RelQuery{Direction: "SIDEWAYS"}}})
	WantCode(t, err, graph.EINVALID)
}

// testPlanPage checks that graph.PlanPage answers as Nodes, SourcesByID
// and Relationships do.
func testPlanPage(t *testing.T, s graph.Store) {
	queries := []graph.NodeQuery{
		{Filter: &graph.NodeFilter{Kinds: []graph.Kind{graph.KindMovement}}, OrderBy: []*graph.NodeOrder{{Field: graph.OrderByName}}, Limit: 20},
		{OrderBy: []*graph.NodeOrder{{Field: graph.OrderByDegree, Direction: graph.Desc}}, Offset: 2, Limit: 5},
		{Filter: &graph.NodeFilter{Kinds: []graph.Kind{graph.KindPerson}}, Limit: 3},
		{Filter: &graph.NodeFilter{IDs: []string{"missing"}}, Limit: 10},
		{Filter: &graph.NodeFilter{Kinds: []graph.Kind{graph.KindMovement}}, OrderBy: []*graph.NodeOrder{{Field: graph.OrderByName}}, Offset: 1, Limit: 2},
	}
	for i, q := range queries {
		for k, sources := range []bool{false, true} {
			for j, rp := range relPlans {
				f := fieldSets[(i+j+k)%len(fieldSets)]
				p := graph.PagePlan{Query: q, Sources: sources, Rels: rp, Fields: f}
				name := fmt.Sprintf("plan page %d sources %v rels %+v fields %+v", i, sources, rp, f)
				got, err := graph.PlanPage(ctx, s, p)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want, err := s.Nodes(ctx, q)
				if err != nil {
					t.Fatalf("%s: nodes: %v", name, err)
				}
				equal(t, name+": page total", got.Page.Total, want.Total)
				equal(t, name+": page", trimNodes(f, got.Page.Nodes), trimNodes(f, want.Nodes))
				ref, err := graph.PlanPageByParts(ctx, s, p)
				if err != nil {
					t.Fatalf("%s (by parts): %v", name, err)
				}
				equal(t, name+": sources", sourcesByID(got.Sources), sourcesByID(ref.Sources))
				checkRelLevel(t, s, name, rp, got.Page.Nodes, got.Rels)

				// Without the count (and the nodes projected as the
				// relationships' endpoints): the same page, and Total
				// still tells whether another follows.
				if rp != nil {
					p.Fields = rp.Fields
				}
				p.NoTotal = true
				name += " no total"
				got, err = graph.PlanPage(ctx, s, p)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				equal(t, name+": page", trimNodes(p.Fields, got.Page.Nodes), trimNodes(p.Fields, want.Nodes))
				end := q.Offset + len(got.Page.Nodes)
				equal(t, name+": next page", got.Page.Total > end, want.Total > end)
				if got.Page.Total < end || (got.Page.Total != want.Total && got.Page.Total > end+1) {
					t.Errorf("%s: total %d for a page ending at %d (%d match)", name, got.Page.Total, end, want.Total)
				}
				checkRelLevel(t, s, name, rp, got.Page.Nodes, got.Rels)
			}
		}
	}
	_, err := graph.PlanPage(ctx, s, graph.PagePlan{Query: graph.NodeQuery{Limit: graph.MaxPageSize + 1}})
	WantCode(t, err, graph.EINVALID)
}

// testPlanSearch checks that graph.PlanSearch ranks exactly as Search
// (scores and ties included) and answers the rest as the ordinary reads.
func testPlanSearch(t *testing.T, s graph.Store) {
	queries := []graph.SearchQuery{
		{Text: "ACT UP", Limit: 10},
		{Text: "mental health", Limit: 5},
		{Text: "act up", Kinds: []graph.Kind{graph.KindOrganisation, graph.KindPerson}, Limit: 20},
		{Text: "zzyzx", Limit: 10},
	}
	for i, q := range queries {
		for k, sources := range []bool{false, true} {
			for j, rp := range relPlans {
				f := fieldSets[(i+j+k)%len(fieldSets)]
				p := graph.SearchPlan{Query: q, Sources: sources, Rels: rp, Fields: f}
				name := fmt.Sprintf("plan search %d %q sources %v rels %+v fields %+v", i, q.Text, sources, rp, f)
				got, err := graph.PlanSearch(ctx, s, p)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want, err := s.Search(ctx, q)
				if err != nil {
					t.Fatalf("%s: search: %v", name, err)
				}
				equal(t, name+": hits", trimHits(f, got.Hits), trimHits(f, want))
				ref, err := graph.PlanSearchByParts(ctx, s, p)
				if err != nil {
					t.Fatalf("%s (by parts): %v", name, err)
				}
				equal(t, name+": sources", sourcesByID(got.Sources), sourcesByID(ref.Sources))
				ns := make([]*graph.Node, len(got.Hits))
				for j := range got.Hits {
					ns[j] = got.Hits[j].Node
				}
				checkRelLevel(t, s, name, rp, ns, got.Rels)
			}
		}
	}
	_, err := graph.PlanSearch(ctx, s, graph.SearchPlan{Query: graph.SearchQuery{Text: "act", Limit: graph.MaxSearchResults + 1}})
	WantCode(t, err, graph.EINVALID)
}
