package storetest

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// The rules of graph/rules.go, checked on a store: every store must apply
// them, so a request gets the same answer whichever store serves it.

// wantInvalid fails unless err is EINVALID with a message containing msg.
func wantInvalid(tb testing.TB, what string, err error, msg string) {
	tb.Helper()
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), msg) {
		tb.Errorf("%s: error %v, want %s mentioning %q", what, err, graph.EINVALID, msg)
	}
}

// notNested returns a filter that negates f n times.
func notNested(f *graph.NodeFilter, n int) *graph.NodeFilter {
	for range n {
		f = &graph.NodeFilter{Not: f}
	}
	return f
}

func testRulesNodes(t *testing.T, s graph.Store) {
	byID := []*graph.NodeOrder{{Field: graph.OrderByID}}
	// Offsets: within the bound an offset past the end gives an empty page;
	// beyond it, and at the values of forged cursors, EINVALID, never a
	// panic or an overflow in the database.
	p, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: byID, Offset: graph.MaxOffset, Limit: graph.MaxPageSize})
	if err != nil {
		t.Fatalf("offset MaxOffset: %v", err)
	}
	if p.Total != 25 || len(p.Nodes) != 0 {
		t.Errorf("offset MaxOffset: total %d, %d nodes; want 25 and none", p.Total, len(p.Nodes))
	}
	for _, off := range []int{graph.MaxOffset + 1, math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 - graph.MaxPageSize, math.MinInt64} {
		_, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: byID, Offset: off, Limit: graph.MaxPageSize})
		wantInvalid(t, fmt.Sprintf("offset %d", off), err, fmt.Sprintf("offset must be between 0 and %d", graph.MaxOffset))
	}
	_, err = s.Nodes(ctx, graph.NodeQuery{Limit: 1, OrderBy: []*graph.NodeOrder{{Field: graph.OrderByName, Direction: "SIDEWAYS"}}})
	wantInvalid(t, "order direction", err, "SIDEWAYS")
	_, err = s.Nodes(ctx, graph.NodeQuery{Limit: 1, OrderBy: []*graph.NodeOrder{nil}})
	wantInvalid(t, "nil order", err, "empty order")
	// An order without direction is ascending.
	for _, f := range []graph.OrderField{graph.OrderByName, graph.OrderByYear, graph.OrderByDegree} {
		def, err := s.Nodes(ctx, graph.NodeQuery{Limit: 30, OrderBy: []*graph.NodeOrder{{Field: f}}})
		if err != nil {
			t.Fatal(err)
		}
		asc, err := s.Nodes(ctx, graph.NodeQuery{Limit: 30, OrderBy: []*graph.NodeOrder{{Field: f, Direction: graph.Asc}}})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, string(f)+" default direction", NodeIDs(def.Nodes), NodeIDs(asc.Nodes))
	}

	// Filter bounds, counted on the decoded value.
	who := &graph.NodeFilter{IDs: []string{"who"}}
	ok := map[string]*graph.NodeFilter{
		"depth at the bound": {And: []*graph.NodeFilter{notNested(who, graph.MaxFilterDepth-2)}},
		"ids at the bound":   {IDs: append(manyIDs(graph.MaxFilterIDs-1), "who")},
		// The root, the nils and who with its ids: MaxFilterTerms terms.
		"terms at the bound": {Or: append(make([]*graph.NodeFilter, graph.MaxFilterTerms-3), who)},
		"string at the bound": {Or: []*graph.NodeFilter{who,
			{NameContains: sp(strings.Repeat("a", graph.MaxFilterString))}}},
	}
	for name, f := range ok {
		p, err := s.Nodes(ctx, graph.NodeQuery{Filter: f, Limit: 30})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// The zero-filter nils in "terms" match every node.
		if name != "terms at the bound" {
			equal(t, name, NodeIDs(p.Nodes), []string{"who"})
		} else if p.Total != 25 {
			t.Errorf("%s: total %d, want 25", name, p.Total)
		}
	}
	long := strings.Repeat("x", graph.MaxFilterString+1)
	depth := fmt.Sprintf("more than %d levels", graph.MaxFilterDepth)
	terms := fmt.Sprintf("more than %d terms", graph.MaxFilterTerms)
	bad := []struct {
		name string
		f    *graph.NodeFilter
		msg  string
	}{
		{"depth over the bound", notNested(who, graph.MaxFilterDepth), depth},
		{"NOT nested 1,000 times", notNested(who, 1000), depth},
		{"AND nested", nestedAnd(graph.MaxFilterDepth + 1), depth},
		{"OR nested", nestedOr(graph.MaxFilterDepth + 1), depth},
		{"ids over the bound", &graph.NodeFilter{IDs: manyIDs(graph.MaxFilterIDs + 1)}, fmt.Sprintf("more than %d ids", graph.MaxFilterIDs)},
		{"ids over the bound across filters", &graph.NodeFilter{And: []*graph.NodeFilter{{IDs: manyIDs(300)}, {IDs: manyIDs(300)}}}, fmt.Sprintf("more than %d ids", graph.MaxFilterIDs)},
		{"terms over the bound", &graph.NodeFilter{Or: make([]*graph.NodeFilter, graph.MaxFilterTerms)}, terms},
		{"kinds over the bound", &graph.NodeFilter{Kinds: manyKinds(graph.MaxFilterTerms)}, terms},
		{"a million nil filters", &graph.NodeFilter{And: make([]*graph.NodeFilter, 1_000_000)}, terms},
		{"nameContains too long", &graph.NodeFilter{NameContains: &long}, "nameContains"},
		{"regionContains too long", &graph.NodeFilter{RegionContains: &long}, "regionContains"},
		{"category too long", &graph.NodeFilter{Category: &long}, "category"},
		{"citesSource too long", &graph.NodeFilter{CitesSource: &long}, "citesSource"},
		{"id too long", &graph.NodeFilter{IDs: []string{long}}, "ids"},
		{"otherId too long", &graph.NodeFilter{HasRelationship: &graph.RelFilter{OtherID: &long}}, "otherId"},
		{"deep unknown kind", notNested(&graph.NodeFilter{Kinds: []graph.Kind{"PLANET"}}, 3), "PLANET"},
	}
	for _, c := range bad {
		start := time.Now()
		_, err := s.Nodes(ctx, graph.NodeQuery{Filter: c.f, Limit: 10})
		wantInvalid(t, c.name, err, c.msg)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: rejected after %v, want at once", c.name, d)
		}
	}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("node-%d", i)
	}
	return out
}

func manyKinds(n int) []graph.Kind {
	out := make([]graph.Kind, n)
	for i := range out {
		out[i] = graph.Kinds[i%len(graph.Kinds)]
	}
	return out
}

func nestedAnd(depth int) *graph.NodeFilter {
	f := &graph.NodeFilter{}
	for range depth - 1 {
		f = &graph.NodeFilter{And: []*graph.NodeFilter{f}}
	}
	return f
}

func nestedOr(depth int) *graph.NodeFilter {
	f := &graph.NodeFilter{}
	for range depth - 1 {
		f = &graph.NodeFilter{Or: []*graph.NodeFilter{f}}
	}
	return f
}

// testRulesAsOf checks the one asOf rule on every read that takes asOf.
func testRulesAsOf(t *testing.T, s graph.Store) {
	for _, y := range []int{graph.MinYear - 1, graph.MaxYear + 1, -99999, 99999} {
		asOf := ip(y)
		msg := fmt.Sprintf("asOf: %d is not a plausible year", y)
		_, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}, AsOf: asOf})
		wantInvalid(t, fmt.Sprintf("relationships asOf %d", y), err, msg)
		_, err = s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, AsOf: asOf})
		wantInvalid(t, fmt.Sprintf("neighbourhood asOf %d", y), err, msg)
		_, err = s.ShortestPaths(ctx, graph.PathQuery{From: "act-up", To: "fda", AsOf: asOf})
		wantInvalid(t, fmt.Sprintf("paths asOf %d", y), err, msg)
	}
	for _, y := range []int{graph.MinYear, graph.MaxYear} {
		if _, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}, AsOf: ip(y)}); err != nil {
			t.Errorf("relationships asOf %d: %v", y, err)
		}
		if _, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, AsOf: ip(y)}); err != nil {
			t.Errorf("neighbourhood asOf %d: %v", y, err)
		}
		if _, err := s.ShortestPaths(ctx, graph.PathQuery{From: "act-up", To: "fda", AsOf: ip(y)}); err != nil {
			t.Errorf("paths asOf %d: %v", y, err)
		}
	}
}

func testRulesSearch(t *testing.T, s graph.Store) {
	at := strings.Repeat("a", graph.MaxSearchText-len(" act up")) + " act up"
	hits, err := s.Search(ctx, graph.SearchQuery{Text: at})
	if err != nil {
		t.Fatalf("search text at the bound: %v", err)
	}
	if len(hits) == 0 || hits[0].Node.ID != "act-up" {
		t.Errorf("search text at the bound: %v", hitIDs(hits))
	}
	_, err = s.Search(ctx, graph.SearchQuery{Text: at + "x"})
	wantInvalid(t, "search text over the bound", err, fmt.Sprintf("the limit is %d", graph.MaxSearchText))
	_, err = s.Search(ctx, graph.SearchQuery{Text: "health", Limit: -1})
	wantInvalid(t, "search limit -1", err, "limit")
}

func testRulesTraversals(t *testing.T, s graph.Store) {
	for _, c := range []struct {
		q   graph.NeighbourhoodQuery
		msg string
	}{
		{graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: -1}, "depth -1 is out of range"},
		{graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: graph.MaxDepth + 1}, "is out of range: use 0 to"},
		{graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, Limit: graph.MaxSubgraphSize + 1}, "limit"},
		{graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, Limit: -1}, "limit"},
		{graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, Kinds: []graph.Kind{"PLANET"}}, "PLANET"},
	} {
		_, err := s.Neighbourhood(ctx, c.q)
		wantInvalid(t, fmt.Sprintf("neighbourhood %+v", c.q), err, c.msg)
	}
	// A limit above MaxNeighbourhoodSize is the exports' and is served.
	sg, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2, Limit: graph.MaxNeighbourhoodSize + 1})
	if err != nil || sg.Truncated || len(sg.Nodes) < 2 {
		t.Errorf("neighbourhood with an export's limit: %v, %v", sg, err)
	}
	for _, q := range []graph.PathQuery{
		{From: "act-up", To: "fda", MaxLength: -1},
		{From: "act-up", To: "fda", K: -1},
	} {
		_, err := s.ShortestPaths(ctx, q)
		wantInvalid(t, fmt.Sprintf("paths %+v", q), err, "between")
	}
}

// testRulesActor checks the actor rule on every mutation: an empty, blank
// or over-long actor is EINVALID, and nothing is written or recorded.
func testRulesActor(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	before := Dump(t, s)
	all, err := s.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, actor := range []string{"", " ", "\t\n", strings.Repeat("a", graph.MaxActor+1)} {
		d := Fixture()
		d.Name = "by-nobody"
		for name, err := range map[string]error{
			"import":              s.Import(ctx, d, actor),
			"upsert source":       s.UpsertSource(ctx, src("src-anon", "Anonymous", 2020), actor),
			"upsert node":         s.UpsertNode(ctx, &graph.Node{ID: "anon", Kind: graph.KindPerson, Name: "Anon", SourceIDs: []string{"src-who"}}, actor),
			"upsert relationship": s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: graph.RelLed, To: "who", SourceIDs: []string{"src-who"}}, actor),
			"delete node":         s.DeleteNode(ctx, "larry-kramer", actor),
			"delete relationship": s.DeleteRelationship(ctx, "act-up:CHALLENGED:fda:1988", actor),
		} {
			wantInvalid(t, fmt.Sprintf("%s by %q", name, actor), err, "actor")
		}
	}
	SameDump(t, Dump(t, s), before)
	after, err := s.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "changes after rejected actors", len(after), len(all))
	if err := s.UpsertSource(ctx, src("src-named", "Named", 2020), strings.Repeat("a", graph.MaxActor)); err != nil {
		t.Errorf("actor at the bound: %v", err)
	}
}

func testRulesChanges(t *testing.T, s graph.Store) {
	for _, c := range []struct {
		before int64
		limit  int
		msg    string
	}{
		{-1, 10, "before must not be negative"},
		{0, -1, "limit"},
		{0, graph.MaxPageSize + 1, "limit"},
		{math.MinInt64, 10, "before must not be negative"},
	} {
		_, err := s.Changes(ctx, c.before, c.limit)
		wantInvalid(t, fmt.Sprintf("changes before %d limit %d", c.before, c.limit), err, c.msg)
	}
	// A before past the newest entry reads from the newest.
	all, err := s.Changes(ctx, 0, graph.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Changes(ctx, math.MaxInt64, graph.MaxPageSize)
	if err != nil {
		t.Fatalf("changes before MaxInt64: %v", err)
	}
	equal(t, "changes before MaxInt64", len(got), len(all))
}
