package export

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
)

func loaded(t *testing.T, d *graph.Dataset) graph.Store {
	t.Helper()
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(sub *graph.Subgraph) (nodes, rels []string) {
	for _, n := range sub.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, r := range sub.Relationships {
		rels = append(rels, r.ID)
	}
	slices.Sort(nodes)
	slices.Sort(rels)
	return nodes, rels
}

// TestSelectIsTheStoreTraversal checks that a selection with seeds is what
// the store's Neighbourhood answers (the export has no traversal of its
// own), and that a whole-graph selection with asOf holds exactly the nodes
// that existed then and the relationships among them.
func TestSelectIsTheStoreTraversal(t *testing.T) {
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	store := loaded(t, d)
	ctx := context.Background()
	y := 1990
	for i, sel := range []Selection{
		{Seeds: []string{"act-up"}, Depth: 2},
		{Seeds: []string{"nhs-england"}, Depth: 1, Direction: graph.DirectionIn},
		{Seeds: []string{"nhs-england", "act-up"}, Depth: 2, Direction: graph.DirectionOut},
		{Seeds: []string{"aids-movement"}, Depth: 3, Types: []graph.RelType{graph.RelPartOf, graph.RelChallenged}},
		{Seeds: []string{"aids-movement"}, Depth: 2, Kinds: []graph.Kind{graph.KindOrganisation, graph.KindInstitution}},
		{Seeds: []string{"act-up"}, Depth: 3, AsOf: &y},
		{Seeds: []string{"act-up"}, Depth: 0},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			sel = sel.normalised()
			want, err := store.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: sel.Seeds, Depth: sel.Depth, Direction: sel.Direction,
				Types: sel.Types, Kinds: sel.Kinds, AsOf: sel.AsOf, Limit: graph.MaxNeighbourhoodSize})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := Select(ctx, store, sel)
			if err != nil {
				t.Fatal(err)
			}
			wn, wr := ids(want)
			gn, gr := ids(got)
			if !slices.Equal(wn, gn) || !slices.Equal(wr, gr) {
				t.Errorf("select: %d nodes, %d relationships; Neighbourhood: %d, %d\nnodes only in select: %v\nonly in Neighbourhood: %v",
					len(gn), len(gr), len(wn), len(wr), minus(gn, wn), minus(wn, gn))
			}
		})
	}
	got, _, err := Select(ctx, store, Selection{AsOf: &y})
	if err != nil {
		t.Fatal(err)
	}
	var wantNodes, wantRels []string
	in := map[string]bool{}
	for _, n := range d.Nodes {
		if n.ExistsAsOf(&y) {
			wantNodes = append(wantNodes, n.ID)
			in[n.ID] = true
		}
	}
	for _, r := range d.Relationships {
		if r.ExistsAsOf(&y) && in[r.From] && in[r.To] {
			wantRels = append(wantRels, r.ID)
		}
	}
	slices.Sort(wantNodes)
	slices.Sort(wantRels)
	gn, gr := ids(got)
	if !slices.Equal(gn, wantNodes) || !slices.Equal(gr, wantRels) {
		t.Errorf("whole graph asOf %d: %d nodes, %d relationships; want %d, %d\nnodes only in select: %v\nmissing: %v",
			y, len(gn), len(gr), len(wantNodes), len(wantRels), minus(gn, wantNodes), minus(wantNodes, gn))
	}
	if len(gn) == 0 || len(gn) == len(d.Nodes) {
		t.Errorf("whole graph asOf %d kept %d of %d nodes: the test needs some of each", y, len(gn), len(d.Nodes))
	}
}

// TestSelectBeyondNeighbourhoodLimit exports a neighbourhood larger than
// MaxNeighbourhoodSize, and fails one larger than the cap.
func TestSelectBeyondNeighbourhoodLimit(t *testing.T) {
	store := loaded(t, synth.Generate(20000, 4, 7))
	ctx := context.Background()
	hub := "movement-0"
	if _, err := store.Node(ctx, hub); err != nil {
		page, err := store.Nodes(ctx, graph.NodeQuery{OrderBy: []*graph.NodeOrder{{Field: graph.OrderByDegree, Direction: graph.Desc}}, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		hub = page.Nodes[0].ID
	}
	sub, sources, err := Select(ctx, store, Selection{Seeds: []string{hub}, Depth: 3, MaxNodes: 50000})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Nodes) <= graph.MaxNeighbourhoodSize || sub.Truncated || len(sources) == 0 {
		t.Fatalf("%d nodes (truncated %v), %d sources: want more than %d", len(sub.Nodes), sub.Truncated, len(sources), graph.MaxNeighbourhoodSize)
	}
	in := map[string]bool{}
	for _, n := range sub.Nodes {
		in[n.ID] = true
	}
	for _, r := range sub.Relationships {
		if !in[r.From] || !in[r.To] {
			t.Fatalf("relationship %s leaves the selection", r.ID)
		}
	}
	_, _, err = Select(ctx, store, Selection{Seeds: []string{hub}, Depth: 3, MaxNodes: len(sub.Nodes) - 1})
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), fmt.Sprintf("export cap of %d", len(sub.Nodes)-1)) {
		t.Errorf("over the cap: %v", err)
	}
	_, _, err = Select(ctx, store, Selection{Seeds: []string{hub}, Depth: 3, MaxNodes: 100})
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "export cap of 100") {
		t.Errorf("over a small cap: %v", err)
	}
	_, _, err = Select(ctx, store, Selection{MaxNodes: 19999})
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "has 20000 nodes") {
		t.Errorf("whole graph over the cap: %v", err)
	}
}

func TestSelectErrors(t *testing.T) {
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	store := loaded(t, d)
	ctx := context.Background()
	for _, tc := range []struct {
		sel  Selection
		code string
		msg  string
	}{
		{Selection{Seeds: []string{"act-up", "nobody-here"}, Depth: 1}, graph.ENOTFOUND, "nobody-here"},
		{Selection{Seeds: []string{"act-up"}, Depth: graph.MaxDepth + 1}, graph.EINVALID, "depth 5 is out of range: use 0 to 4"},
		{Selection{Seeds: []string{"act-up"}, Depth: -1}, graph.EINVALID, "depth -1"},
		{Selection{Seeds: []string{"act-up"}, AsOf: ip(99999)}, graph.EINVALID, "asOf: 99999"},
		{Selection{AsOf: ip(-99999)}, graph.EINVALID, "asOf: -99999"},
		{Selection{Seeds: []string{"act-up"}, MaxNodes: graph.MaxSubgraphSize + 1}, graph.EINVALID, "export cap"},
		{Selection{Seeds: []string{"act-up"}, Types: []graph.RelType{"LIKED"}}, graph.EINVALID, "LIKED"},
		{Selection{Kinds: []graph.Kind{"ROBOT"}}, graph.EINVALID, "ROBOT"},
		{Selection{Seeds: []string{"act-up"}, Direction: "UP"}, graph.EINVALID, "UP"},
	} {
		_, _, err := Select(ctx, store, tc.sel)
		if graph.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: err = %v, want %s mentioning %q", tc.sel, err, tc.code, tc.msg)
		}
	}
}

func ip(v int) *int { return &v }

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
