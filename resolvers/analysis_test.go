package resolvers_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/analysis"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/graph/lens"
	"github.com/hmkg/hmkg/graph/memstore"
)

type metricsJSON struct {
	Node struct {
		ID   string
		Kind string
	}
	Degree, InDegree, OutDegree                                                int
	DegreeCentrality, Betweenness, Closeness, PageRank, Eigenvector, Brokerage float64
	Community                                                                  int
	CommunityLabel                                                             string
}

type analysisJSON struct {
	Analysis struct {
		NodeCount, EdgeCount int
		Modularity           float64
		Nodes                []metricsJSON
		Communities          []struct {
			Index, Size int
			Label       string
			Members     []struct{ ID string }
		}
		Brokers []metricsJSON
	}
}

const metricsFields = `node { id kind } degree inDegree outDegree degreeCentrality betweenness closeness pageRank eigenvector brokerage community communityLabel`

const analysisQuery = `query($seeds: [ID!], $depth: Int, $asOf: Int) {
  analysis(seeds: $seeds, depth: $depth, asOf: $asOf) {
    nodeCount edgeCount modularity
    nodes { ` + metricsFields + ` }
    communities { index size label members { id } }
    brokers(kinds: [ORGANISATION], first: 5) { ` + metricsFields + ` }
  }
}`

func close9(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// sameMetrics reports the first figure on which a and b differ by more
// than 1e-9, or "".
func sameMetrics(a, b metricsJSON) string {
	switch {
	case a.Node.ID != b.Node.ID:
		return "id"
	case a.Degree != b.Degree || a.InDegree != b.InDegree || a.OutDegree != b.OutDegree:
		return "degree"
	case !close9(a.DegreeCentrality, b.DegreeCentrality):
		return "degreeCentrality"
	case !close9(a.Betweenness, b.Betweenness):
		return "betweenness"
	case !close9(a.Closeness, b.Closeness):
		return "closeness"
	case !close9(a.PageRank, b.PageRank):
		return "pageRank"
	case !close9(a.Eigenvector, b.Eigenvector):
		return "eigenvector"
	case !close9(a.Brokerage, b.Brokerage):
		return "brokerage"
	case a.Community != b.Community || a.CommunityLabel != b.CommunityLabel:
		return "community"
	}
	return ""
}

// The analysis query answers with the figures of graph/analysis over the
// same selection an export reads, on every store, and every store gives
// the same figures and communities.
func TestAnalysisSameOnEveryStore(t *testing.T) {
	results := map[string]map[string]analysisJSON{}
	selections := map[string]map[string]any{
		"whole graph":   {},
		"aids movement": {"seeds": []string{"aids-movement"}, "depth": 2},
		"whole, 1990":   {"asOf": 1990},
	}
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		results[t.Name()] = map[string]analysisJSON{}
		for name, vars := range selections {
			var got analysisJSON
			c.OK(analysisQuery, vars, &got)
			a := got.Analysis
			// The figures are Analyze's over the export selection.
			sel := export.Selection{Direction: graph.DirectionBoth, MaxNodes: analysis.MaxNodes}
			if seeds, ok := vars["seeds"].([]string); ok {
				sel.Seeds, sel.Depth = seeds, vars["depth"].(int)
			}
			if y, ok := vars["asOf"].(int); ok {
				sel.AsOf = &y
			}
			sub, _, err := export.Select(context.Background(), s, sel)
			if err != nil {
				t.Fatal(err)
			}
			want, err := analysis.Analyze(context.Background(), sub)
			if err != nil {
				t.Fatal(err)
			}
			if a.NodeCount != len(want.Nodes) || len(a.Nodes) != len(want.Nodes) || a.EdgeCount != want.Edges || !close9(a.Modularity, want.Modularity) {
				t.Fatalf("%s: %d nodes (%d listed), %d edges, Q %v; Analyze says %d, %d, %v", name, a.NodeCount, len(a.Nodes), a.EdgeCount, a.Modularity, len(want.Nodes), want.Edges, want.Modularity)
			}
			if a.NodeCount < 10 || a.EdgeCount < 10 || len(a.Communities) < 2 {
				t.Fatalf("%s: a trivial selection (%d nodes, %d edges, %d communities) proves nothing", name, a.NodeCount, a.EdgeCount, len(a.Communities))
			}
			for i, m := range a.Nodes {
				w := want.Nodes[i]
				exp := metricsJSON{Degree: w.Degree, InDegree: w.InDegree, OutDegree: w.OutDegree, DegreeCentrality: w.DegreeCentrality,
					Betweenness: w.Betweenness, Closeness: w.Closeness, PageRank: w.PageRank, Eigenvector: w.Eigenvector,
					Brokerage: w.Brokerage, Community: w.Community, CommunityLabel: w.CommunityLabel}
				exp.Node.ID = w.ID
				if d := sameMetrics(m, exp); d != "" {
					t.Errorf("%s: %s: %s differs from Analyze: %+v vs %+v", name, m.Node.ID, d, m, exp)
				}
			}
			total := 0
			for i, cm := range a.Communities {
				total += cm.Size
				if cm.Index != i || cm.Size != len(cm.Members) || cm.Label == "" {
					t.Errorf("%s: community %d: %+v", name, i, cm)
				}
			}
			if total != a.NodeCount {
				t.Errorf("%s: communities hold %d nodes, want %d", name, total, a.NodeCount)
			}
			for i, b := range a.Brokers {
				if b.Node.Kind != "ORGANISATION" || b.Brokerage <= 0 || (i > 0 && b.Brokerage > a.Brokers[i-1].Brokerage) {
					t.Errorf("%s: broker %d: %+v", name, i, b)
				}
			}
			results[t.Name()][name] = got
		}
	})
	var names []string
	for n := range results {
		names = append(names, n)
	}
	if len(names) < 2 {
		t.Log("one store only (no NEO4J_URI): cross-store comparison skipped")
		return
	}
	a, b := results[names[0]], results[names[1]]
	for sel := range selections {
		x, y := a[sel].Analysis, b[sel].Analysis
		if len(x.Nodes) != len(y.Nodes) || x.EdgeCount != y.EdgeCount || !close9(x.Modularity, y.Modularity) || len(x.Communities) != len(y.Communities) {
			t.Fatalf("%s: %s and %s disagree: %d/%d nodes, %d/%d edges, Q %v/%v", sel, names[0], names[1], len(x.Nodes), len(y.Nodes), x.EdgeCount, y.EdgeCount, x.Modularity, y.Modularity)
		}
		for i := range x.Nodes {
			if d := sameMetrics(x.Nodes[i], y.Nodes[i]); d != "" {
				t.Errorf("%s: %s: %s differs between stores: %+v vs %+v", sel, x.Nodes[i].Node.ID, d, x.Nodes[i], y.Nodes[i])
			}
		}
	}
}

// Node.metrics gives a node's figures over the whole graph; a mutation
// changes them at once (the cache is keyed by the dataset's state).
func TestNodeMetricsAndCacheInvalidation(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		var whole analysisJSON
		c.OK(`{ analysis { nodes { `+metricsFields+` } } }`, nil, &whole)
		var byID = map[string]metricsJSON{}
		for _, m := range whole.Analysis.Nodes {
			byID[m.Node.ID] = m
		}
		var one struct {
			Node struct{ Metrics *metricsJSON }
		}
		q := `query($id: ID!, $asOf: Int) { node(id: $id) { metrics(asOf: $asOf) { ` + metricsFields + ` } } }`
		c.OK(q, map[string]any{"id": "act-up"}, &one)
		if one.Node.Metrics == nil {
			t.Fatal("act-up has no metrics")
		}
		if d := sameMetrics(*one.Node.Metrics, byID["act-up"]); d != "" {
			t.Errorf("Node.metrics %s differs from analysis: %+v vs %+v", d, *one.Node.Metrics, byID["act-up"])
		}
		before := *one.Node.Metrics
		// A node founded after asOf has no metrics then.
		c.OK(q, map[string]any{"id": "act-up", "asOf": 1950}, &one)
		if one.Node.Metrics != nil {
			t.Errorf("act-up (founded 1987) has metrics as of 1950: %+v", one.Node.Metrics)
		}

		// A mutation: a new organisation tied to act-up raises its degree.
		node := map[string]any{"in": map[string]any{"id": "metrics-test-org", "kind": "ORGANISATION", "name": "Metrics Test Org",
			"summary": "Made by the tests.", "sourceIds": []string{"nesta-blog-2016"}}}
		if res := c.Post(`mutation($in: NodeInput!) { upsertNode(input: $in) { id } }`, node, auth()...); len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		rel := map[string]any{"in": map[string]any{"type": "PARTNERED_WITH", "from": "metrics-test-org", "to": "act-up", "sourceIds": []string{"nesta-blog-2016"}}}
		if res := c.Post(`mutation($in: RelationshipInput!) { upsertRelationship(input: $in) { id } }`, rel, auth()...); len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		c.OK(q, map[string]any{"id": "act-up"}, &one)
		if one.Node.Metrics == nil || one.Node.Metrics.Degree != before.Degree+1 || one.Node.Metrics.InDegree != before.InDegree+1 {
			t.Errorf("after a new relationship to act-up: %+v, want degree %d", one.Node.Metrics, before.Degree+1)
		}
		var after analysisJSON
		c.OK(`{ analysis { nodeCount } }`, nil, &after)
		if after.Analysis.NodeCount != len(whole.Analysis.Nodes)+1 {
			t.Errorf("after adding a node the analysis has %d nodes, want %d", after.Analysis.NodeCount, len(whole.Analysis.Nodes)+1)
		}
		if res := c.Post(`mutation { deleteNode(id: "metrics-test-org") }`, nil, auth()...); len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		c.OK(q, map[string]any{"id": "act-up"}, &one)
		if d := sameMetrics(*one.Node.Metrics, before); d != "" {
			t.Errorf("after deleting the node again, %s differs: %+v vs %+v", d, *one.Node.Metrics, before)
		}
	})
}

func TestAnalysisBadInput(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		for _, tc := range []struct{ doc, code, says string }{
			{`{ analysis(seeds: ["no-such-node"]) { nodeCount } }`, "NOT_FOUND", "no-such-node"},
			{`{ analysis(seeds: ["act-up"], depth: 9) { nodeCount } }`, "BAD_USER_INPUT", "depth"},
			{`{ analysis(asOf: 99999) { nodeCount } }`, "BAD_USER_INPUT", "asOf"},
			{`{ analysis { brokers(first: 501) { brokerage } } }`, "BAD_USER_INPUT", "first"},
			{`{ tensionMatrix(tensions: ["act-up"]) { count } }`, "BAD_USER_INPUT", "act-up"},
			{`{ tensionInstitutions(tension: "no-such-tension") { count } }`, "NOT_FOUND", "no-such-tension"},
			{`{ compareMovements(a: "aids-movement", b: "aids-movement") { a { movement { id } } } }`, "BAD_USER_INPUT", "aids-movement"},
		} {
			res := c.Post(tc.doc, nil)
			if res.Code() != tc.code || len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, tc.says) {
				t.Errorf("%s: code %q, errors %+v; want %s naming %q", tc.doc, res.Code(), res.Errors, tc.code, tc.says)
			}
		}
	})
}

// The lens queries answer what package lens computes, with each episode's
// sources, on every store.
func TestTensionsLens(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		ctx := context.Background()
		var m struct {
			TensionMatrix []struct {
				Tension  struct{ ID string }
				Movement struct{ ID string }
				Decade   *int
				Count    int
				Episodes []struct {
					ID      string
					Year    *int
					Sources []struct{ ID, URL string }
				}
			}
		}
		c.OK(`{ tensionMatrix { tension { id } movement { id } decade count episodes { id year sources { id url } } } }`, nil, &m)
		want, err := lens.Matrix(ctx, s, lens.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 5 || len(m.TensionMatrix) != len(want) {
			t.Fatalf("%d cells, lens.Matrix has %d", len(m.TensionMatrix), len(want))
		}
		for i, cell := range m.TensionMatrix {
			w := want[i]
			if cell.Tension.ID != w.TensionID || cell.Movement.ID != w.MovementID || cell.Count != w.Count() || len(cell.Episodes) != cell.Count {
				t.Errorf("cell %d: %+v, want %s/%s count %d", i, cell, w.TensionID, w.MovementID, w.Count())
			}
			for j, ep := range cell.Episodes {
				if ep.ID != w.Episodes[j].ID || len(ep.Sources) == 0 || ep.Sources[0].URL == "" {
					t.Errorf("cell %d episode %d: %+v (every episode carries its sources)", i, j, ep)
				}
				if (cell.Decade == nil) != (ep.Year == nil) || (ep.Year != nil && *ep.Year/10*10 != *cell.Decade) {
					t.Errorf("cell %d: episode %s of %v in decade %v", i, ep.ID, ep.Year, cell.Decade)
				}
			}
		}

		// asOf narrows the matrix to earlier episodes only.
		var early struct {
			TensionMatrix []struct {
				Decade *int
				Count  int
			}
		}
		c.OK(`{ tensionMatrix(asOf: 1999) { decade count } }`, nil, &early)
		if len(early.TensionMatrix) == 0 || len(early.TensionMatrix) >= len(m.TensionMatrix) {
			t.Errorf("as of 1999: %d cells of %d", len(early.TensionMatrix), len(m.TensionMatrix))
		}
		for _, cell := range early.TensionMatrix {
			if cell.Decade != nil && *cell.Decade > 1990 {
				t.Errorf("as of 1999 a cell of the %ds", *cell.Decade)
			}
		}

		tension := want[0].TensionID
		var ti struct {
			TensionInstitutions []struct {
				Institution struct{ ID, Kind string }
				Count       int
				Episodes    []struct{ ID string }
			}
		}
		c.OK(`query($t: ID!) { tensionInstitutions(tension: $t, first: 3) { institution { id kind } count episodes { id } } }`, map[string]any{"t": tension}, &ti)
		top, err := lens.TopInstitutions(ctx, s, tension, nil, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(top) == 0 || len(ti.TensionInstitutions) != len(top) {
			t.Fatalf("top institutions of %s: %+v, lens says %d", tension, ti, len(top))
		}
		for i, x := range ti.TensionInstitutions {
			if x.Institution.ID != top[i].Institution.ID || x.Institution.Kind != "INSTITUTION" || x.Count != len(top[i].Episodes) || len(x.Episodes) != x.Count {
				t.Errorf("institution %d: %+v", i, x)
			}
		}

		var cmp struct {
			CompareMovements struct {
				A, B struct {
					Movement struct{ ID string }
					Members  []struct{ ID string }
					Tensions []struct {
						Tension struct{ ID string }
						Count   int
					}
					Timeline []struct {
						ID   string
						Year int
					}
				}
				SharedInstitutions  []struct{ ID, Kind string }
				SharedOrganisations []struct{ ID, Kind string }
			}
		}
		c.OK(`{ compareMovements(a: "aids-movement", b: "breast-cancer-movement") {
			a { movement { id } members { id } tensions { tension { id } count } timeline { id year } }
			b { movement { id } members { id } tensions { tension { id } count } timeline { id year } }
			sharedInstitutions { id kind } sharedOrganisations { id kind } } }`, nil, &cmp)
		wc, err := lens.Compare(ctx, s, "aids-movement", "breast-cancer-movement", nil)
		if err != nil {
			t.Fatal(err)
		}
		got := cmp.CompareMovements
		if got.A.Movement.ID != "aids-movement" || got.B.Movement.ID != "breast-cancer-movement" ||
			len(got.A.Members) != len(wc.A.Members) || len(got.A.Timeline) != len(wc.A.Timeline) || len(got.B.Timeline) != len(wc.B.Timeline) ||
			len(got.SharedInstitutions) != len(wc.SharedInstitutions) || len(got.SharedOrganisations) != len(wc.SharedOrganisations) {
			t.Fatalf("compare: %+v", got)
		}
		if len(got.A.Members) == 0 || len(got.A.Timeline) == 0 || len(got.SharedInstitutions) == 0 {
			t.Errorf("compare of two large movements is near empty: %d members, %d timeline, %d shared institutions", len(got.A.Members), len(got.A.Timeline), len(got.SharedInstitutions))
		}
		for i, tc := range got.A.Tensions {
			if tc.Count != wc.A.Tensions[tc.Tension.ID] || (i > 0 && tc.Count > got.A.Tensions[i-1].Count) {
				t.Errorf("tension profile %d: %+v", i, tc)
			}
		}
		for _, n := range got.SharedInstitutions {
			if n.Kind != "INSTITUTION" {
				t.Errorf("shared institution %s is a %s", n.ID, n.Kind)
			}
		}
	})
}

// BenchmarkAnalysisQuery is the whole-graph analysis through the HTTP
// handler on the embedded store: "cached" repeats the same query (one stats
// read, then the cached figures), "invalidated" changes the dataset before
// each query so every one recomputes.
func BenchmarkAnalysisQuery(b *testing.B) {
	d, err := data.Curated()
	if err != nil {
		b.Fatal(err)
	}
	s := memstore.New()
	defer s.Close()
	if err := s.Import(context.Background(), d, "bench"); err != nil {
		b.Fatal(err)
	}
	c := newClient(b, s)
	q := `{ analysis { nodeCount modularity brokers(first: 10) { node { id } brokerage } } }`
	var out analysisJSON
	c.OK(q, nil, &out)
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			c.OK(q, nil, &out)
		}
	})
	b.Run("invalidated", func(b *testing.B) {
		src := d.Sources[0]
		for b.Loop() {
			if err := s.UpsertSource(context.Background(), src, "bench"); err != nil {
				b.Fatal(err)
			}
			c.OK(q, nil, &out)
		}
	})
}

// The lens example in README.md runs as written and says what the README
// says of it, on every store.
func TestReadmeLensExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, "## The researcher's lens")
	if i < 0 {
		t.Fatal("README has no lens section")
	}
	start := strings.Index(readme[i:], "```graphql\n")
	end := strings.Index(readme[i+start+11:], "```")
	if start < 0 || end < 0 {
		t.Fatal("README's lens section has no graphql block")
	}
	doc := readme[i+start+11 : i+start+11+end]
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		var out struct {
			Analysis struct {
				NodeCount, EdgeCount int
				Communities          []struct{ Size int }
				Brokers              []struct {
					Node struct{ ID string }
				}
			}
			TensionMatrix []struct {
				Decade *int
				Count  int
			}
			TensionInstitutions []struct {
				Institution struct{ Name string }
				Count       int
			}
		}
		c.OK(doc, nil, &out)
		a := out.Analysis
		if a.NodeCount != 215 || a.EdgeCount != 394 || len(a.Communities) != 8 {
			t.Errorf("analysis: %d nodes, %d edges, %d communities; README says 215, 394, 8", a.NodeCount, a.EdgeCount, len(a.Communities))
		}
		if len(a.Brokers) < 2 || a.Brokers[0].Node.ID != "terrence-higgins-trust" || a.Brokers[1].Node.ID != "act-up" {
			t.Errorf("brokers %+v; README names the Terrence Higgins Trust, then ACT UP", a.Brokers)
		}
		perDecade := map[string]int{}
		for _, cell := range out.TensionMatrix {
			k := "undated"
			if cell.Decade != nil {
				k = strconv.Itoa(*cell.Decade)
			}
			perDecade[k] = cell.Count
		}
		if perDecade["1990"] != 2 || perDecade["2010"] != 2 || perDecade["undated"] != 1 {
			t.Errorf("co-option episodes per decade %v; README says 2 in the 1990s, 2 in the 2010s, 1 undated", perDecade)
		}
		if len(out.TensionInstitutions) == 0 || out.TensionInstitutions[0].Count != 6 || !strings.HasPrefix(out.TensionInstitutions[0].Institution.Name, "Department of Health") {
			t.Errorf("top co-option institution %+v; README says the Department of Health, in 6", out.TensionInstitutions)
		}
	})
}

// A selection over analysis.MaxNodes is refused with the cap in the
// message, never answered in part.
func TestAnalysisCap(t *testing.T) {
	d := synth.Generate(analysis.MaxNodes+20, 2, 5)
	s := memstore.New()
	defer s.Close()
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	res := c.Post(`{ analysis { nodeCount } }`, nil)
	if res.Code() != "BAD_USER_INPUT" || len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, "10000") {
		t.Fatalf("whole graph of %d nodes: code %q, errors %+v", len(d.Nodes), res.Code(), res.Errors)
	}
	res = c.Post(`{ node(id: "tension-0") { metrics { degree } } }`, nil)
	if res.Code() != "BAD_USER_INPUT" {
		t.Errorf("Node.metrics over the cap: code %q, errors %+v", res.Code(), res.Errors)
	}
	// A seeded selection within the cap is answered.
	var out analysisJSON
	c.OK(`{ analysis(seeds: ["tension-0"], depth: 1) { nodeCount } }`, nil, &out)
	if out.Analysis.NodeCount < 1 {
		t.Errorf("seeded selection: %d nodes", out.Analysis.NodeCount)
	}
}
