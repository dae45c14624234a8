package storetest

// reads.go is the conformance suite's read half: one check per rule of the
// Store contract, each comparing both stores against the naive model; the
// list is long (over 500 lines) because the contract is.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

var ctx = context.Background()

func testEmpty(t *testing.T, s graph.Store) {
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	_, err := s.Node(ctx, "act-up")
	WantCode(t, err, graph.ENOTFOUND)
	p, err := s.Nodes(ctx, graph.NodeQuery{Limit: 10})
	if err != nil || p.Total != 0 || len(p.Nodes) != 0 {
		t.Fatalf("nodes on empty store = %+v, %v", p, err)
	}
	hits, err := s.Search(ctx, graph.SearchQuery{Text: "act up"})
	if err != nil || len(hits) != 0 {
		t.Fatalf("search on empty store = %v, %v", hits, err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != 0 || st.Relationships != 0 || st.Sources != 0 || st.AuditEntriesCount != 0 || st.LastChangeAt != nil {
		t.Fatalf("stats on empty store = %+v", st)
	}
	for _, k := range graph.Kinds {
		if c, ok := st.KindCounts[k]; !ok || c != 0 {
			t.Errorf("KindCounts[%s] = %d, %v; want 0, present", k, c, ok)
		}
	}
	ch, err := s.Changes(ctx, 0, 10)
	if err != nil || len(ch) != 0 {
		t.Fatalf("changes on empty store = %v, %v", ch, err)
	}
}

func testNode(t *testing.T, s graph.Store) {
	want := Fixture().Nodes[4] // act-up
	got, err := s.Node(ctx, "act-up")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Node(act-up)", got, want)
	_, err = s.Node(ctx, "no-such-node")
	WantCode(t, err, graph.ENOTFOUND)
	ns, err := s.NodesByID(ctx, []string{"who", "missing", "act-up", "who"})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "NodesByID", NodeIDs(ns), []string{"who", "", "act-up", "who"})
	if ns[1] != nil {
		t.Errorf("missing id gave %v, want nil", ns[1])
	}
	for _, n := range Fixture().Nodes {
		got, err := s.Node(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Node("+n.ID+")", got, n)
	}
}

func filterIDs(tb testing.TB, s graph.Store, f *graph.NodeFilter) []string {
	tb.Helper()
	p, err := s.Nodes(ctx, graph.NodeQuery{Filter: f, Limit: graph.MaxPageSize})
	if err != nil {
		tb.Fatalf("nodes(%+v): %v", f, err)
	}
	if p.Total != len(p.Nodes) {
		tb.Errorf("Total = %d, but %d nodes on the only page", p.Total, len(p.Nodes))
	}
	return NodeIDs(p.Nodes)
}

func testNodesFilter(t *testing.T, s graph.Store) {
	challenged, in, out := graph.RelChallenged, graph.DirectionIn, graph.DirectionOut
	undated := []string{"larry-kramer", "paul-hunt", "psychiatric-survivors-movement", "tension-accountability",
		"tension-co-option", "tension-formal-vs-restless", "zackie-achmat"}
	cases := []struct {
		name string
		f    *graph.NodeFilter
		want []string
	}{
		{"kinds", &graph.NodeFilter{Kinds: []graph.Kind{graph.KindInstitution}}, sorted("fda", "nhs-england", "nice", "who")},
		{"two kinds", &graph.NodeFilter{Kinds: []graph.Kind{graph.KindTension, graph.KindReport}},
			sorted("tension-co-option", "tension-accountability", "tension-formal-vs-restless", "black-report", "nesta-health-movements")},
		{"nameContains name and alias", &graph.NodeFilter{NameContains: sp("aCt")},
			sorted("act-up", "aids-movement", "breast-cancer-action", "treatment-action-campaign")},
		{"nameContains alias only", &graph.NodeFilter{NameContains: sp("upias")}, []string{"upias"}},
		{"nameContains no match", &graph.NodeFilter{NameContains: sp("zzz")}, []string{}},
		{"regionContains region or country", &graph.NodeFilter{RegionContains: sp("united kingdom")},
			sorted("disability-rights-movement", "macmillan-cancer-support", "nesta", "nhs-england", "nice", "upias")},
		{"regionContains part", &graph.NodeFilter{RegionContains: sp("UNITED STATES")},
			sorted("act-up", "aids-movement", "breast-cancer-action", "breast-cancer-movement", "fda", "seize-control-of-the-fda", "stop-the-church")},
		{"category", &graph.NodeFilter{Category: sp("regulator")}, sorted("fda", "nice")},
		{"category exact", &graph.NodeFilter{Category: sp("Regulator")}, []string{}},
		{"yearFrom", &graph.NodeFilter{YearFrom: ip(1990)},
			sorted("breast-cancer-action", "nesta", "nesta-health-movements", "nhs-england", "nice", "treatment-action-campaign")},
		{"yearTo", &graph.NodeFilter{YearTo: ip(1950)}, sorted("fda", "macmillan-cancer-support", "who")},
		{"year range", &graph.NodeFilter{YearFrom: ip(1980), YearTo: ip(1989)},
			sorted("act-up", "aids-movement", "black-report", "seize-control-of-the-fda", "stop-the-church")},
		{"hasRelationship out", &graph.NodeFilter{HasRelationship: &graph.RelFilter{Type: &challenged, Direction: out}},
			sorted("act-up", "breast-cancer-movement", "macmillan-cancer-support", "psychiatric-survivors-movement")},
		{"hasRelationship in", &graph.NodeFilter{HasRelationship: &graph.RelFilter{Type: &challenged, Direction: in}},
			sorted("fda", "nice", "who")},
		{"hasRelationship other", &graph.NodeFilter{HasRelationship: &graph.RelFilter{Type: &challenged, OtherID: sp("fda")}},
			sorted("act-up", "breast-cancer-movement")},
		{"hasRelationship any type", &graph.NodeFilter{HasRelationship: &graph.RelFilter{Direction: graph.DirectionBoth, OtherID: sp("nhs-england")}},
			sorted("disability-rights-movement", "macmillan-cancer-support", "nice")},
		{"hasRelationship unknown other", &graph.NodeFilter{HasRelationship: &graph.RelFilter{OtherID: sp("missing")}}, []string{}},
		{"hasRelationship none", &graph.NodeFilter{Not: &graph.NodeFilter{HasRelationship: &graph.RelFilter{}}}, []string{"alma-ata-conference"}},
		{"citesSource", &graph.NodeFilter{CitesSource: sp("src-nesta-report")},
			sorted("aids-movement", "disability-rights-movement", "nesta", "nesta-health-movements", "tension-accountability", "tension-co-option", "tension-formal-vs-restless")},
		{"ids", &graph.NodeFilter{IDs: []string{"who", "missing", "act-up"}}, sorted("act-up", "who")},
		{"ids and kinds", &graph.NodeFilter{IDs: []string{"who", "act-up"}, Kinds: []graph.Kind{graph.KindInstitution}}, []string{"who"}},
		{"and", &graph.NodeFilter{And: []*graph.NodeFilter{{Kinds: []graph.Kind{graph.KindOrganisation}}, {Category: sp("grassroots")}}},
			sorted("act-up", "breast-cancer-action", "treatment-action-campaign", "upias")},
		{"or", &graph.NodeFilter{Or: []*graph.NodeFilter{{Category: sp("regulator")}, {NameContains: sp("nhs")}}},
			sorted("fda", "nhs-england", "nice")},
		{"not", &graph.NodeFilter{Kinds: []graph.Kind{graph.KindOrganisation}, Not: &graph.NodeFilter{RegionContains: sp("united")}},
			[]string{"treatment-action-campaign"}},
		{"not year includes undated", &graph.NodeFilter{Not: &graph.NodeFilter{YearFrom: ip(1000)}}, undated},
		{"nested", &graph.NodeFilter{Or: []*graph.NodeFilter{
			{And: []*graph.NodeFilter{{Kinds: []graph.Kind{graph.KindMovement}}, {Not: &graph.NodeFilter{YearTo: ip(1970)}}}},
			{IDs: []string{"who"}},
		}}, sorted("aids-movement", "breast-cancer-movement", "psychiatric-survivors-movement", "who")},
		{"zero filter", &graph.NodeFilter{}, nil},
	}
	all := make([]string, 0, 25)
	for _, n := range Fixture().Nodes {
		all = append(all, n.ID)
	}
	slices.Sort(all)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if want == nil {
				want = all
			}
			equal(t, "ids", filterIDs(t, s, c.f), want)
		})
	}
	equal(t, "nil filter", filterIDs(t, s, nil), all)
}

func testNodesOrder(t *testing.T, s graph.Store, m *model) {
	all := make([]string, 0, len(m.nodes))
	for id := range m.nodes {
		all = append(all, id)
	}
	o := func(f graph.OrderField, d graph.OrderDirection) *graph.NodeOrder {
		return &graph.NodeOrder{Field: f, Direction: d}
	}
	orders := [][]*graph.NodeOrder{
		nil,
		{o(graph.OrderByName, graph.Asc)}, {o(graph.OrderByName, graph.Desc)},
		{o(graph.OrderByYear, graph.Asc)}, {o(graph.OrderByYear, graph.Desc)}, {o(graph.OrderByYear, "")},
		{o(graph.OrderByKind, graph.Asc)}, {o(graph.OrderByKind, graph.Desc)},
		{o(graph.OrderByID, graph.Desc)},
		{o(graph.OrderByDegree, graph.Desc)}, {o(graph.OrderByDegree, graph.Asc)},
		{o(graph.OrderByKind, graph.Asc), o(graph.OrderByYear, graph.Desc)},
		{o(graph.OrderByKind, graph.Desc), o(graph.OrderByName, graph.Asc)},
	}
	for _, ord := range orders {
		var names []string
		for _, k := range ord {
			names = append(names, string(k.Field)+" "+string(k.Direction))
		}
		t.Run(strings.Join(names, ","), func(t *testing.T) {
			p, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: ord, Limit: graph.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			want := m.order(all, ord)
			equal(t, "order", NodeIDs(p.Nodes), want)
			// Pages of 3 (so that page edges fall inside runs of equal
			// keys: many nodes share a degree, a kind or no year) joined
			// give the same order, alone and within one kind.
			for _, kinds := range [][]graph.Kind{nil, {graph.KindOrganisation, graph.KindMovement}} {
				var f *graph.NodeFilter
				sub := want
				if kinds != nil {
					f = &graph.NodeFilter{Kinds: kinds}
					sub = slices.DeleteFunc(slices.Clone(want), func(id string) bool { return !slices.Contains(kinds, m.nodes[id].Kind) })
				}
				var paged []string
				for off := 0; off < len(sub)+3; off += 3 {
					p, err := s.Nodes(ctx, graph.NodeQuery{Filter: f, OrderBy: ord, Offset: off, Limit: 3})
					if err != nil {
						t.Fatal(err)
					}
					if p.Total != len(sub) {
						t.Fatalf("kinds %v offset %d: Total = %d, want %d", kinds, off, p.Total, len(sub))
					}
					paged = append(paged, NodeIDs(p.Nodes)...)
				}
				equal(t, fmt.Sprintf("pages of 3, kinds %v", kinds), paged, sub)
			}
		})
	}
	// Anchors for the reference order.
	first := func(ord ...*graph.NodeOrder) []string {
		p, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: ord, Limit: graph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		return NodeIDs(p.Nodes)
	}
	asc := first(o(graph.OrderByYear, graph.Asc))
	equal(t, "YEAR ASC head", asc[:2], []string{"fda", "macmillan-cancer-support"})
	undated := []string{"larry-kramer", "paul-hunt", "psychiatric-survivors-movement", "tension-accountability",
		"tension-co-option", "tension-formal-vs-restless", "zackie-achmat"}
	equal(t, "YEAR ASC tail (undated last, by id)", asc[len(asc)-7:], undated)
	desc := first(o(graph.OrderByYear, graph.Desc))
	equal(t, "YEAR DESC head", desc[:2], []string{"nesta-health-movements", "nhs-england"})
	equal(t, "YEAR DESC tail (undated last, by id)", desc[len(desc)-7:], undated)
	equal(t, "DEGREE DESC head", first(o(graph.OrderByDegree, graph.Desc))[:5], []string{"act-up", "aids-movement", "nesta-health-movements", "disability-rights-movement", "fda"})
	equal(t, "KIND ASC head", first(o(graph.OrderByKind, graph.Asc))[:3], []string{"alma-ata-conference", "seize-control-of-the-fda", "stop-the-church"})
	equal(t, "NAME ASC head", first(o(graph.OrderByName, graph.Asc))[:3], []string{"tension-accountability", "act-up", "aids-movement"})
}

func testNodesPage(t *testing.T, s graph.Store) {
	byID := []*graph.NodeOrder{{Field: graph.OrderByID}}
	full, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: byID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if full.Total != 25 || len(full.Nodes) != 25 {
		t.Fatalf("full page: total %d, %d nodes; want 25", full.Total, len(full.Nodes))
	}
	for _, c := range []struct{ off, lim, n int }{{0, 5, 5}, {5, 5, 5}, {20, 10, 5}, {24, 1, 1}, {25, 5, 0}, {100, 5, 0}, {3, 0, 0}} {
		p, err := s.Nodes(ctx, graph.NodeQuery{OrderBy: byID, Offset: c.off, Limit: c.lim})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 25 {
			t.Errorf("offset %d limit %d: Total = %d, want 25", c.off, c.lim, p.Total)
		}
		want := NodeIDs(full.Nodes[min(c.off, 25):min(c.off+c.n, 25)])
		equal(t, fmt.Sprintf("offset %d limit %d", c.off, c.lim), NodeIDs(p.Nodes), want)
	}
	p, err := s.Nodes(ctx, graph.NodeQuery{Filter: &graph.NodeFilter{Kinds: []graph.Kind{graph.KindOrganisation}},
		OrderBy: []*graph.NodeOrder{{Field: graph.OrderByYear, Direction: graph.Desc}}, Offset: 1, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "filtered page", NodeIDs(p.Nodes), []string{"treatment-action-campaign", "breast-cancer-action"})
	equal(t, "filtered total", p.Total, 6)
}

func testNodesInvalid(t *testing.T, s graph.Store) {
	bad := graph.RelType("LIKES")
	for name, q := range map[string]graph.NodeQuery{
		"limit too big":   {Limit: graph.MaxPageSize + 1},
		"negative limit":  {Limit: -1},
		"negative offset": {Offset: -1, Limit: 1},
		"unknown kind":    {Limit: 1, Filter: &graph.NodeFilter{Kinds: []graph.Kind{"PLANET"}}},
		"unknown type":    {Limit: 1, Filter: &graph.NodeFilter{HasRelationship: &graph.RelFilter{Type: &bad}}},
		"unknown dir":     {Limit: 1, Filter: &graph.NodeFilter{HasRelationship: &graph.RelFilter{Direction: "UP"}}},
		"nested unknown":  {Limit: 1, Filter: &graph.NodeFilter{Not: &graph.NodeFilter{Kinds: []graph.Kind{"PLANET"}}}},
		"unknown field":   {Limit: 1, OrderBy: []*graph.NodeOrder{{Field: "COLOUR"}}},
	} {
		_, err := s.Nodes(ctx, q)
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: error %v, want code %s", name, err, graph.EINVALID)
		}
	}
}

func testRelationships(t *testing.T, s graph.Store, m *model) {
	r, err := s.Relationship(ctx, rid("act-up", graph.RelChallenged, "fda", ip(1988)))
	if err != nil {
		t.Fatal(err)
	}
	want := &graph.Relationship{ID: "act-up:CHALLENGED:fda:1988", Type: graph.RelChallenged, From: "act-up", To: "fda",
		Year: ip(1988), Summary: "act-up CHALLENGED fda", TensionIDs: []string{"tension-formal-vs-restless"},
		SourceIDs: []string{"src-act-up-oral-history"}}
	equal(t, "Relationship", r, want)
	_, err = s.Relationship(ctx, "act-up:CHALLENGED:fda:1900")
	WantCode(t, err, graph.ENOTFOUND)
	rs, err := s.RelationshipsByID(ctx, []string{"missing", want.ID})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "RelationshipsByID", RelIDs(rs), []string{"", want.ID})

	get := func(q graph.RelQuery) []string {
		t.Helper()
		rs, err := s.Relationships(ctx, q)
		if err != nil {
			t.Fatalf("relationships(%+v): %v", q, err)
		}
		return RelIDs(rs)
	}
	// Anchors.
	equal(t, "act-up OUT CHALLENGED", get(graph.RelQuery{NodeIDs: []string{"act-up"}, Direction: graph.DirectionOut,
		Types: []graph.RelType{graph.RelChallenged}}), []string{"act-up:CHALLENGED:fda:1988", "act-up:CHALLENGED:fda:1992"})
	equal(t, "act-up CHALLENGED asOf 1990", get(graph.RelQuery{NodeIDs: []string{"act-up"},
		Types: []graph.RelType{graph.RelChallenged}, AsOf: ip(1990)}), []string{"act-up:CHALLENGED:fda:1988"})
	equal(t, "fda IN asOf 1986 (act-up not founded)", get(graph.RelQuery{NodeIDs: []string{"fda"}, Direction: graph.DirectionIn, AsOf: ip(1986)}), []string{})
	equal(t, "fda IN asOf 1987 (undated)", get(graph.RelQuery{NodeIDs: []string{"fda"}, Direction: graph.DirectionIn, AsOf: ip(1987)}),
		[]string{"act-up:INFLUENCED_POLICY_OF:fda"})
	equal(t, "nhs-england asOf 2012", get(graph.RelQuery{NodeIDs: []string{"nhs-england"}, AsOf: ip(2012)}), []string{})
	equal(t, "alma-ata", get(graph.RelQuery{NodeIDs: []string{"alma-ata-conference", "missing"}}), []string{})

	// Every combination against the reference.
	sets := [][]string{{"act-up"}, {"fda"}, {"nhs-england", "macmillan-cancer-support"}, {"aids-movement", "act-up", "who"}, {"tension-co-option"}}
	for _, ids := range sets {
		for _, dir := range []graph.Direction{graph.DirectionOut, graph.DirectionIn, graph.DirectionBoth} {
			for _, types := range [][]graph.RelType{nil, {graph.RelChallenged, graph.RelPartOf}} {
				for _, asOf := range []*int{nil, ip(1980), ip(1988), ip(2013), ip(2015)} {
					q := graph.RelQuery{NodeIDs: ids, Direction: dir, Types: types, AsOf: asOf}
					equal(t, fmt.Sprintf("relationships %v %s %v asOf %v", ids, dir, types, deref(asOf)), get(q), m.relationships(q))
				}
			}
		}
	}
	// PerNode: each asked node's first k relationships by id are all
	// there (a store may return more; graph.CapPerNode cuts them).
	for _, ids := range [][]string{{"aids-movement"}, {"nhs-england", "macmillan-cancer-support", "act-up"}, {"act-up", "fda", "who"}} {
		for _, dir := range []graph.Direction{graph.DirectionOut, graph.DirectionIn, graph.DirectionBoth} {
			for _, types := range [][]graph.RelType{nil, {graph.RelChallenged, graph.RelPartOf}} {
				for _, k := range []int{1, 2, 3, 11} {
					full := graph.RelQuery{NodeIDs: ids, Direction: dir, Types: types}
					capped := full
					capped.PerNode = k
					all, some := try(s.Relationships(ctx, full)).must(t), try(s.Relationships(ctx, capped)).must(t)
					if !slices.IsSortedFunc(some, func(a, b *graph.Relationship) int { return strings.Compare(a.ID, b.ID) }) {
						t.Errorf("relationships %v %s PerNode %d: not sorted by id", ids, dir, k)
					}
					for _, id := range ids {
						equal(t, fmt.Sprintf("relationships of %s %s %v PerNode %d", id, dir, types, k),
							RelIDs(graph.CapPerNode(some, id, dir, k)), RelIDs(graph.CapPerNode(all, id, dir, k)))
					}
				}
			}
		}
	}
	_, err = s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}, PerNode: -1})
	WantCode(t, err, graph.EINVALID)
	_, err = s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}, Types: []graph.RelType{"LIKES"}})
	WantCode(t, err, graph.EINVALID)
	_, err = s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}, Direction: "UP"})
	WantCode(t, err, graph.EINVALID)

	ex, err := s.Exemplifying(ctx, []string{"tension-co-option"})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Exemplifying", RelIDs(ex), []string{"act-up:INFLUENCED_POLICY_OF:fda",
		"macmillan-cancer-support:CO_OPTED_BY:nhs-england:2016", "macmillan-cancer-support:PARTNERED_WITH:nhs-england:2014"})
}

func deref(p *int) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func testSources(t *testing.T, s graph.Store) {
	want := Fixture().Sources
	slices.SortFunc(want, func(a, b *graph.Source) int { return strings.Compare(a.ID, b.ID) })
	got, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Sources", got, want)
	by, err := s.SourcesByID(ctx, []string{"src-who", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(by) != 2 || by[0] == nil || by[0].ID != "src-who" || by[1] != nil {
		t.Errorf("SourcesByID = %v", by)
	}
}

func hitIDs(hits []graph.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Node.ID
	}
	return out
}

func testSearch(t *testing.T, s graph.Store) {
	search := func(text string, limit int, kinds ...graph.Kind) []graph.SearchHit {
		t.Helper()
		hits, err := s.Search(ctx, graph.SearchQuery{Text: text, Kinds: kinds, Limit: limit})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		for i := 1; i < len(hits); i++ {
			a, b := hits[i-1], hits[i]
			if a.Score < b.Score || (a.Score == b.Score && a.Node.ID > b.Node.ID) {
				t.Errorf("search %q: hits %d and %d out of order: %s %v, %s %v", text, i-1, i, a.Node.ID, a.Score, b.Node.ID, b.Score)
			}
		}
		return hits
	}
	best := map[string]string{
		"ACT UP": "act-up", "act up": "act-up", "Act-Up": "act-up", "up act": "act-up",
		"AIDS Coalition to Unleash Power": "act-up", "nhs": "nhs-england", "NHS England": "nhs-england",
		"england nhs": "nhs-england", "World Health Organization": "who", "who": "who",
		"Independent Living": "disability-rights-movement", "disability rights": "disability-rights-movement",
		"coercion": "psychiatric-survivors-movement", "UPIAS": "upias", "seize control": "seize-control-of-the-fda",
		"treatment action campaign": "treatment-action-campaign", "TAC": "treatment-action-campaign",
		"co-option": "tension-co-option", "Black Report": "black-report",
	}
	for q, want := range best {
		hits := search(q, 5)
		if len(hits) == 0 || hits[0].Node.ID != want {
			t.Errorf("search %q: best hit %v, want %s", q, hitIDs(hits), want)
		}
	}
	base := hitIDs(search("ACT UP", 10))
	for _, q := range []string{"act up", "act-up", "Act  Up!", "up act", "UP, ACT"} {
		equal(t, "search "+q+" same as ACT UP", hitIDs(search(q, 10)), base)
	}
	bc := hitIDs(search("breast cancer", 10))
	if len(bc) < 3 || !reflect.DeepEqual(sorted(bc[:2]...), []string{"breast-cancer-action", "breast-cancer-movement"}) {
		t.Errorf("breast cancer: top hits %v, want breast-cancer-action and breast-cancer-movement first", bc)
	}
	if !slices.Contains(bc, "macmillan-cancer-support") {
		t.Errorf("breast cancer: %v misses macmillan-cancer-support (name contains cancer)", bc)
	}
	mv := search("movement", 20, graph.KindMovement)
	if len(mv) != 4 {
		t.Errorf("movement in MOVEMENT: %v, want the 4 movements", hitIDs(mv))
	}
	for _, h := range search("health", 100, graph.KindInstitution, graph.KindReport) {
		if h.Node.Kind != graph.KindInstitution && h.Node.Kind != graph.KindReport {
			t.Errorf("kinds filter let %s (%s) through", h.Node.ID, h.Node.Kind)
		}
	}
	if hits := search("health", 3); len(hits) != 3 {
		t.Errorf("limit 3 gave %d hits", len(hits))
	}
	if hits, all := search("movement health", 0), search("movement health", 100); len(all) <= 10 || len(hits) != 10 {
		t.Errorf("limit 0 gave %d hits of %d, want the default 10", len(hits), len(all))
	}
	for _, q := range []string{"", "   ", "!!!", "zzzzqqq"} {
		if hits := search(q, 10); len(hits) != 0 {
			t.Errorf("search %q gave %v", q, hitIDs(hits))
		}
	}
	_, err := s.Search(ctx, graph.SearchQuery{Text: "health", Limit: graph.MaxSearchResults + 1})
	WantCode(t, err, graph.EINVALID)
	_, err = s.Search(ctx, graph.SearchQuery{Text: "health", Kinds: []graph.Kind{"PLANET"}})
	WantCode(t, err, graph.EINVALID)
	// Summaries count: "dignity" is only in the AIDS movement's summary.
	equal(t, "summary match", hitIDs(search("dignity", 10)), []string{"aids-movement"})
}

func testNeighbourhood(t *testing.T, s graph.Store, m *model) {
	get := func(q graph.NeighbourhoodQuery) *graph.Subgraph {
		t.Helper()
		sg, err := s.Neighbourhood(ctx, q)
		if err != nil {
			t.Fatalf("neighbourhood(%+v): %v", q, err)
		}
		return sg
	}
	sg := get(graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1})
	equal(t, "act-up depth 1 nodes", NodeIDs(sg.Nodes), sorted("act-up", "aids-movement", "larry-kramer",
		"seize-control-of-the-fda", "stop-the-church", "fda", "tension-formal-vs-restless"))
	equal(t, "act-up depth 1 relationships", RelIDs(sg.Relationships), sorted(
		"act-up:PART_OF:aids-movement:1987", "larry-kramer:FOUNDED:act-up:1987", "act-up:ORGANISED:seize-control-of-the-fda:1988",
		"act-up:ORGANISED:stop-the-church:1989", "act-up:CHALLENGED:fda:1988", "act-up:CHALLENGED:fda:1992",
		"act-up:INFLUENCED_POLICY_OF:fda", "act-up:EXEMPLIFIES:tension-formal-vs-restless",
		"seize-control-of-the-fda:TARGETED:fda:1988"))
	if sg.Truncated {
		t.Error("act-up depth 1 truncated")
	}
	sg = get(graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, AsOf: ip(1987)})
	equal(t, "act-up asOf 1987", NodeIDs(sg.Nodes), sorted("act-up", "aids-movement", "larry-kramer", "fda", "tension-formal-vs-restless"))
	sg = get(graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2, Limit: 5})
	equal(t, "act-up depth 2 limit 5", NodeIDs(sg.Nodes), sorted("act-up", "aids-movement", "fda", "larry-kramer", "seize-control-of-the-fda"))
	if !sg.Truncated {
		t.Error("limit 5 not truncated")
	}
	sg = get(graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1, Kinds: []graph.Kind{graph.KindInstitution}})
	equal(t, "act-up kinds INSTITUTION", NodeIDs(sg.Nodes), []string{"act-up", "fda"})
	sg = get(graph.NeighbourhoodQuery{Seeds: []string{"alma-ata-conference"}, Depth: 3})
	equal(t, "isolated", NodeIDs(sg.Nodes), []string{"alma-ata-conference"})
	if len(sg.Relationships) != 0 || sg.Truncated {
		t.Errorf("isolated node: %v relationships, truncated %v", RelIDs(sg.Relationships), sg.Truncated)
	}

	seedSets := [][]string{{"act-up"}, {"nhs-england"}, {"aids-movement", "who"}, {"tension-co-option"}, {"nesta"}}
	for _, seeds := range seedSets {
		for depth := 0; depth <= 3; depth++ {
			for _, dir := range []graph.Direction{graph.DirectionBoth, graph.DirectionOut, graph.DirectionIn} {
				for _, v := range []struct {
					types []graph.RelType
					kinds []graph.Kind
					asOf  *int
					limit int
				}{{}, {asOf: ip(1990)}, {asOf: ip(2014)}, {limit: 4}, {limit: 9},
					{types: []graph.RelType{graph.RelPartOf, graph.RelChallenged, graph.RelDescribes}},
					{kinds: []graph.Kind{graph.KindMovement, graph.KindInstitution}}} {
					q := graph.NeighbourhoodQuery{Seeds: seeds, Depth: depth, Direction: dir, Types: v.types, Kinds: v.kinds, AsOf: v.asOf, Limit: v.limit}
					sg := get(q)
					nodes, rels, trunc := m.neighbourhood(q)
					what := fmt.Sprintf("%v depth %d %s types %v kinds %v asOf %v limit %d", seeds, depth, dir, v.types, v.kinds, deref(v.asOf), v.limit)
					equal(t, what+" nodes", NodeIDs(sg.Nodes), nodes)
					equal(t, what+" relationships", RelIDs(sg.Relationships), rels)
					equal(t, what+" truncated", sg.Truncated, trunc)
				}
			}
		}
	}
	_, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"missing"}, Depth: 1})
	WantCode(t, err, graph.ENOTFOUND)
	for _, q := range []graph.NeighbourhoodQuery{
		{Seeds: []string{"act-up"}, Depth: graph.MaxDepth + 1},
		{Seeds: []string{"act-up"}, Depth: 1, Limit: graph.MaxSubgraphSize + 1},
		{Seeds: nil, Depth: 1},
		{Seeds: []string{"act-up"}, Depth: 1, Types: []graph.RelType{"LIKES"}},
		{Seeds: []string{"act-up"}, Depth: 1, Direction: "UP"},
	} {
		_, err := s.Neighbourhood(ctx, q)
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("neighbourhood(%+v): %v, want %s", q, err, graph.EINVALID)
		}
	}
}

// pathIDs flattens paths as the model does: node ids then relationship ids.
func pathIDs(tb testing.TB, ps []*graph.Path) [][]string {
	tb.Helper()
	out := make([][]string, len(ps))
	for i, p := range ps {
		if len(p.Nodes) != len(p.Relationships)+1 {
			tb.Fatalf("path with %d nodes and %d relationships", len(p.Nodes), len(p.Relationships))
		}
		out[i] = append(NodeIDs(p.Nodes), RelIDs(p.Relationships)...)
		for j, r := range p.Relationships {
			a, b := p.Nodes[j].ID, p.Nodes[j+1].ID
			if !(r.From == a && r.To == b) && !(r.From == b && r.To == a) {
				tb.Errorf("relationship %s does not join %s and %s", r.ID, a, b)
			}
		}
	}
	return out
}

func testPaths(t *testing.T, s graph.Store, m *model) {
	get := func(q graph.PathQuery) [][]string {
		t.Helper()
		ps, err := s.ShortestPaths(ctx, q)
		if err != nil {
			t.Fatalf("paths(%+v): %v", q, err)
		}
		return pathIDs(t, ps)
	}
	equal(t, "act-up to nhs-england", get(graph.PathQuery{From: "act-up", To: "nhs-england", MaxLength: 6}), [][]string{{
		"act-up", "aids-movement", "disability-rights-movement", "nhs-england",
		"act-up:PART_OF:aids-movement:1987", "disability-rights-movement:PARTNERED_WITH:aids-movement",
		"disability-rights-movement:INFLUENCED_POLICY_OF:nhs-england:2015"}})
	equal(t, "parallel relationships: smallest id", get(graph.PathQuery{From: "act-up", To: "fda"}),
		[][]string{{"act-up", "fda", "act-up:CHALLENGED:fda:1988"}})
	equal(t, "parallel relationships: types", get(graph.PathQuery{From: "fda", To: "act-up", Types: []graph.RelType{graph.RelInfluencedPolicyOf}}),
		[][]string{{"fda", "act-up", "act-up:INFLUENCED_POLICY_OF:fda"}})
	equal(t, "parallel relationships: asOf", get(graph.PathQuery{From: "act-up", To: "fda", AsOf: ip(1987)}),
		[][]string{{"act-up", "fda", "act-up:INFLUENCED_POLICY_OF:fda"}})
	equal(t, "asOf before nhs-england", get(graph.PathQuery{From: "act-up", To: "nhs-england", AsOf: ip(2000)}), [][]string{})
	equal(t, "maxLength too short", get(graph.PathQuery{From: "act-up", To: "nhs-england", MaxLength: 2}), [][]string{})
	equal(t, "unreachable", get(graph.PathQuery{From: "act-up", To: "alma-ata-conference"}), [][]string{})
	equal(t, "same node", get(graph.PathQuery{From: "who", To: "who"}), [][]string{{"who"}})
	three := get(graph.PathQuery{From: "act-up", To: "fda", K: 3})
	equal(t, "k=3 lengths", []int{len(three[0]), len(three[1]), len(three[2])}, []int{3, 5, 7})
	equal(t, "k=3 second", three[1][:3], []string{"act-up", "seize-control-of-the-fda", "fda"})

	ids := []string{"act-up", "nhs-england", "who", "fda", "tension-co-option", "upias", "black-report", "alma-ata-conference"}
	for _, from := range ids {
		for _, to := range ids {
			for _, v := range []struct {
				k, maxLen int
				types     []graph.RelType
				asOf      *int
			}{{k: 1}, {k: 5, maxLen: 5}, {k: 20, maxLen: 6}, {k: 3, asOf: ip(1995)}, {k: 3, asOf: ip(2015)},
				{k: 4, maxLen: 4, types: []graph.RelType{graph.RelPartOf, graph.RelChallenged, graph.RelInspired, graph.RelInfluencedPolicyOf, graph.RelPartneredWith}}} {
				q := graph.PathQuery{From: from, To: to, K: v.k, MaxLength: v.maxLen, Types: v.types, AsOf: v.asOf}
				equal(t, fmt.Sprintf("paths %+v", q), get(q), m.paths(q))
			}
		}
	}
	_, err := s.ShortestPaths(ctx, graph.PathQuery{From: "act-up", To: "missing"})
	WantCode(t, err, graph.ENOTFOUND)
	_, err = s.ShortestPaths(ctx, graph.PathQuery{From: "missing", To: "act-up"})
	WantCode(t, err, graph.ENOTFOUND)
	for _, q := range []graph.PathQuery{
		{From: "act-up", To: "fda", MaxLength: graph.MaxPathLength + 1},
		{From: "act-up", To: "fda", K: graph.MaxPaths + 1},
		{From: "act-up", To: "fda", Types: []graph.RelType{"LIKES"}},
	} {
		_, err := s.ShortestPaths(ctx, q)
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("paths(%+v): %v, want %s", q, err, graph.EINVALID)
		}
	}
}

func testStats(t *testing.T, s graph.Store) {
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := Fixture()
	equal(t, "dataset", [2]string{st.DatasetName, st.DatasetVersion}, [2]string{d.Name, d.Version})
	equal(t, "counts", [3]int{st.Nodes, st.Relationships, st.Sources}, [3]int{25, 35, 9})
	kinds := map[graph.Kind]int{}
	types := map[graph.RelType]int{}
	for _, k := range graph.Kinds {
		kinds[k] = 0
	}
	for _, r := range graph.RelTypes {
		types[r] = 0
	}
	for _, n := range d.Nodes {
		kinds[n.Kind]++
	}
	for _, r := range d.Relationships {
		types[r.Type]++
	}
	equal(t, "KindCounts", st.KindCounts, kinds)
	equal(t, "RelTypeCounts", st.RelTypeCounts, types)
	if st.AuditEntriesCount != 1 || st.LastChangeAt == nil {
		t.Errorf("audit entries %d, last change %v; want 1 and set", st.AuditEntriesCount, st.LastChangeAt)
	}
}

// testCopies checks that values handed out are the caller's: changing them
// does not change the store.
func testCopies(t *testing.T, s graph.Store) {
	before := Dump(t, s)
	n := try(s.Node(ctx, "act-up")).must(t)
	n.Name, n.Aliases[0], n.SourceIDs[0], *n.FoundedYear = "X", "X", "X", 1
	ns := try(s.NodesByID(ctx, []string{"aids-movement"})).must(t)
	ns[0].Aliases[0], *ns[0].StartYear = "X", 1
	p := try(s.Nodes(ctx, graph.NodeQuery{Limit: 50})).must(t)
	for _, n := range p.Nodes {
		n.Name = "X"
		if n.Since() != nil {
			*n.Since() = 1
		}
		if len(n.SourceIDs) > 0 {
			n.SourceIDs[0] = "X"
		}
	}
	r := try(s.Relationship(ctx, "act-up:CHALLENGED:fda:1988")).must(t)
	r.TensionIDs[0], r.SourceIDs[0], *r.Year = "X", "X", 1
	rs := try(s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"macmillan-cancer-support"}})).must(t)
	for _, r := range rs {
		r.From = "X"
		if r.Year != nil {
			*r.Year = 1
		}
		if len(r.TensionIDs) > 0 {
			r.TensionIDs[0] = "X"
		}
	}
	srcs := try(s.Sources(ctx)).must(t)
	srcs[0].Title, *srcs[0].Year = "X", 1
	hits := try(s.Search(ctx, graph.SearchQuery{Text: "act up"})).must(t)
	hits[0].Node.Aliases[0] = "X"
	sg := try(s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"fda"}, Depth: 1})).must(t)
	sg.Nodes[0].Name, sg.Relationships[0].SourceIDs[0] = "X", "X"
	ps := try(s.ShortestPaths(ctx, graph.PathQuery{From: "act-up", To: "nhs-england"})).must(t)
	ps[0].Nodes[0].Aliases[0], ps[0].Relationships[0].SourceIDs[0] = "X", "X"
	SameDump(t, Dump(t, s), before)
}
