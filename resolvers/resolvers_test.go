package resolvers_test

// resolvers_test.go drives real GraphQL documents through the HTTP handler
// on both stores; its shared client and store helpers live here with the
// tests that use them, which makes it over 500 lines.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/httpapi"
	"github.com/hmkg/hmkg/internal/apitest"
	"github.com/hmkg/hmkg/resolvers"
)

// The shared test client and stores (internal/apitest), under the names
// these tests use.
type (
	gqlResponse = apitest.Response
	client      = apitest.Client
)

const testKey = apitest.TestKey

var (
	newClient     = apitest.NewClient
	auth          = apitest.Auth
	eachStore     = apitest.EachStore
	curatedStores = apitest.CuratedStores
	openStores    = apitest.OpenStores
)

func TestReadmeExamples(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		t.Run("institutions the AIDS movement challenged, with sources", func(t *testing.T) {
			var out struct {
				Node struct {
					Name       string
					Challenged []struct {
						ID      string
						Name    string
						Sources []struct{ URL string }
					}
				}
			}
			c.OK(`{ node(id: "aids-movement") { name ... on Movement { challenged { id name sources { url } } } } }`, nil, &out)
			if len(out.Node.Challenged) < 3 {
				t.Fatalf("AIDS movement challenged %d institutions, want several: %+v", len(out.Node.Challenged), out.Node.Challenged)
			}
			ids := map[string]bool{}
			for _, i := range out.Node.Challenged {
				ids[i.ID] = true
				if len(i.Sources) == 0 {
					t.Errorf("institution %s has no sources", i.ID)
				}
			}
			if !ids["fda"] {
				t.Errorf("challenged institutions %v do not include the FDA", ids)
			}
		})
		t.Run("shortest path from ACT UP to NHS England", func(t *testing.T) {
			var out struct {
				ShortestPath *struct {
					Length        int
					Nodes         []struct{ ID string }
					Relationships []struct {
						Type    string
						From    struct{ ID string }
						To      struct{ ID string }
						Sources []struct{ URL string }
					}
				}
			}
			c.OK(`{ shortestPath(from: "act-up", to: "nhs-england") { length nodes { id } relationships { type from { id } to { id } sources { url } } } }`, nil, &out)
			p := out.ShortestPath
			if p == nil {
				t.Fatal("no path from act-up to nhs-england")
			}
			if p.Length != len(p.Relationships) || len(p.Nodes) != p.Length+1 {
				t.Fatalf("inconsistent path: length %d, %d nodes, %d relationships", p.Length, len(p.Nodes), len(p.Relationships))
			}
			if p.Nodes[0].ID != "act-up" || p.Nodes[len(p.Nodes)-1].ID != "nhs-england" {
				t.Errorf("path runs %s → %s", p.Nodes[0].ID, p.Nodes[len(p.Nodes)-1].ID)
			}
			for i, r := range p.Relationships {
				a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
				if !(r.From.ID == a && r.To.ID == b || r.From.ID == b && r.To.ID == a) {
					t.Errorf("hop %d (%s→%s) does not join %s and %s", i, r.From.ID, r.To.ID, a, b)
				}
				if len(r.Sources) == 0 {
					t.Errorf("hop %d has no sources", i)
				}
			}
		})
		t.Run("disability rights movement's neighbourhood as of 1990", func(t *testing.T) {
			q := `query($asOf: Int) { neighbourhood(id: "disability-rights-movement", depth: 1, asOf: $asOf) {
				nodes { id kind ... on Movement { startYear } ... on Organisation { foundedYear } ... on Event { year } ... on Report { year } }
				relationships { id year from { id } to { id } } truncated } }`
			type sub struct {
				Neighbourhood struct {
					Nodes []struct {
						ID                           string
						StartYear, FoundedYear, Year *int
					}
					Relationships []struct {
						ID   string
						Year *int
						From struct{ ID string }
						To   struct{ ID string }
					}
				}
			}
			var then, now sub
			c.OK(q, map[string]any{"asOf": 1990}, &then)
			c.OK(q, nil, &now)
			if len(then.Neighbourhood.Nodes) < 2 {
				t.Fatalf("neighbourhood as of 1990 has %d nodes", len(then.Neighbourhood.Nodes))
			}
			if len(then.Neighbourhood.Relationships) >= len(now.Neighbourhood.Relationships) {
				t.Errorf("as of 1990 has %d relationships, today %d: asOf removed nothing",
					len(then.Neighbourhood.Relationships), len(now.Neighbourhood.Relationships))
			}
			in := map[string]bool{}
			for _, n := range then.Neighbourhood.Nodes {
				in[n.ID] = true
				for _, y := range []*int{n.StartYear, n.FoundedYear, n.Year} {
					if y != nil && *y > 1990 {
						t.Errorf("node %s dated %d is in the 1990 graph", n.ID, *y)
					}
				}
			}
			for _, r := range then.Neighbourhood.Relationships {
				if r.Year != nil && *r.Year > 1990 {
					t.Errorf("relationship %s dated %d is in the 1990 graph", r.ID, *r.Year)
				}
				if !in[r.From.ID] || !in[r.To.ID] {
					t.Errorf("relationship %s has an endpoint outside the subgraph", r.ID)
				}
			}
		})
	})
}

func TestNodesFilterSortPage(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		q := `query($after: String) { nodes(kinds: [MOVEMENT], orderBy: [{field: NAME}], first: 5, after: $after) {
			totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id name kind } } }`
		type page struct {
			Nodes struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					EndCursor                    string
				}
				Nodes []struct{ ID, Name, Kind string }
			}
		}
		var seen []string
		var after any
		for i := 0; ; i++ {
			var p page
			c.OK(q, map[string]any{"after": after}, &p)
			if i == 0 && p.Nodes.PageInfo.HasPreviousPage || i > 0 && !p.Nodes.PageInfo.HasPreviousPage {
				t.Errorf("page %d: hasPreviousPage = %v", i, p.Nodes.PageInfo.HasPreviousPage)
			}
			for _, n := range p.Nodes.Nodes {
				if n.Kind != "MOVEMENT" {
					t.Errorf("%s has kind %s", n.ID, n.Kind)
				}
				seen = append(seen, n.Name)
			}
			if !p.Nodes.PageInfo.HasNextPage {
				if len(seen) != p.Nodes.TotalCount {
					t.Errorf("paged through %d nodes, totalCount %d", len(seen), p.Nodes.TotalCount)
				}
				break
			}
			after = p.Nodes.PageInfo.EndCursor
		}
		if len(seen) < 10 {
			t.Fatalf("only %d movements", len(seen))
		}
		for i := 1; i < len(seen); i++ {
			if strings.ToLower(seen[i-1]) > strings.ToLower(seen[i]) {
				t.Errorf("not sorted by name: %q before %q", seen[i-1], seen[i])
			}
		}

		var f struct {
			Nodes struct {
				TotalCount int
				Nodes      []struct {
					ID          string
					FoundedYear *int
				}
			}
		}
		c.OK(`{ nodes(where: {AND: [{kinds: [ORGANISATION]}, {yearFrom: 1980, yearTo: 1990}], NOT: {nameContains: "zzz"}},
			orderBy: [{field: YEAR, direction: DESC}], first: 100) { totalCount nodes { id ... on Organisation { foundedYear } } } }`, nil, &f)
		if f.Nodes.TotalCount == 0 {
			t.Fatal("no organisation founded in the 1980s")
		}
		for i, n := range f.Nodes.Nodes {
			if n.FoundedYear == nil || *n.FoundedYear < 1980 || *n.FoundedYear > 1990 {
				t.Errorf("%s founded %v is outside 1980..1990", n.ID, n.FoundedYear)
			}
			if i > 0 && f.Nodes.Nodes[i-1].FoundedYear != nil && n.FoundedYear != nil && *f.Nodes.Nodes[i-1].FoundedYear < *n.FoundedYear {
				t.Errorf("not sorted by year descending at %s", n.ID)
			}
		}

		var h struct {
			Nodes struct{ Nodes []struct{ ID string } }
		}
		c.OK(`{ nodes(where: {hasRelationship: {type: CHALLENGED, direction: OUT, otherId: "fda"}}, first: 50) { nodes { id } } }`, nil, &h)
		found := false
		for _, n := range h.Nodes.Nodes {
			found = found || n.ID == "act-up"
		}
		if !found {
			t.Errorf("act-up is not among the nodes that challenged the FDA: %v", h.Nodes.Nodes)
		}
	})
}

func TestSearch(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		for _, text := range []string{"ACT UP", "act up", "up act", "AIDS Coalition to Unleash Power"} {
			var out struct {
				Search []struct {
					Score float64
					Node  struct{ ID string }
				}
			}
			c.OK(`query($t: String!) { search(text: $t, first: 5) { score node { id } } }`, map[string]any{"t": text}, &out)
			if len(out.Search) == 0 || out.Search[0].Node.ID != "act-up" {
				t.Errorf("search %q: top hits %+v, want act-up first", text, out.Search)
			}
			for i := 1; i < len(out.Search); i++ {
				if out.Search[i].Score > out.Search[i-1].Score {
					t.Errorf("search %q: hits not ranked by score", text)
				}
			}
		}
		var k struct {
			Search []struct{ Node struct{ Kind string } }
		}
		c.OK(`{ search(text: "breast cancer", kinds: [REPORT, EVENT], first: 20) { node { kind } } }`, nil, &k)
		for _, h := range k.Search {
			if h.Node.Kind != "REPORT" && h.Node.Kind != "EVENT" {
				t.Errorf("kinds filter let a %s through", h.Node.Kind)
			}
		}
	})
}

func TestErrorsCarryCodes(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		cases := []struct {
			name, query, code string
		}{
			{"unknown id", `{ node(id: "no-such-node") { id } }`, "NOT_FOUND"},
			{"malformed id", `{ node(id: "Not A Slug!") { id } }`, "BAD_USER_INPUT"},
			{"oversize first", `{ nodes(first: 100000) { totalCount } }`, "BAD_USER_INPUT"},
			{"negative first", `{ search(text: "aids", first: -1) { score } }`, "BAD_USER_INPUT"},
			{"depth over cap", `{ neighbourhood(id: "act-up", depth: 9) { truncated } }`, "BAD_USER_INPUT"},
			{"limit over cap", `{ neighbourhood(id: "act-up", limit: 1000000) { truncated } }`, "BAD_USER_INPUT"},
			{"path length over cap", `{ shortestPath(from: "act-up", to: "fda", maxLength: 50) { length } }`, "BAD_USER_INPUT"},
			{"bad cursor", `{ nodes(after: "garbage") { totalCount } }`, "BAD_USER_INPUT"},
			{"unknown seed", `{ neighbourhood(id: "nobody-here") { truncated } }`, "NOT_FOUND"},
			{"syntax error", `{ node(id: "act-up") { id `, "GRAPHQL_PARSE_FAILED"},
			{"unknown field", `{ node(id: "act-up") { colour } }`, "GRAPHQL_VALIDATION_FAILED"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := c.Post(tc.query, nil)
				if got := res.Code(); got != tc.code {
					t.Errorf("code = %q, want %q (errors %+v)", got, tc.code, res.Errors)
				}
				if len(res.Errors) > 0 && res.Errors[0].Message == "" {
					t.Error("error without a message")
				}
			})
		}
		res := c.Post(`{ node(id: "act-up") { colour } }`, nil)
		if strings.Contains(strings.ToLower(res.Errors[0].Message), "did you mean") {
			t.Errorf("suggestions are on: %q", res.Errors[0].Message)
		}
	})
}

func TestMutationsNeedAKeyAndAreAudited(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		ctx := context.Background()
		before, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		upsert := `mutation($in: NodeInput!) { upsertNode(input: $in) { id name sources { id } } }`
		node := map[string]any{"in": map[string]any{"id": "test-collective", "kind": "ORGANISATION", "name": "Test Collective",
			"summary": "A collective made by the tests.", "foundedYear": 2001, "sourceIds": []string{"nesta-blog-2016"}}}

		res := c.Post(upsert, node)
		if res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("mutation without a key: code %q, errors %+v", res.Code(), res.Errors)
		}
		res = c.Post(upsert, node, "Authorization", "Bearer wrong-key-wrong-key")
		if res.Status != http.StatusUnauthorized || res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("mutation with a wrong key: status %d code %q", res.Status, res.Code())
		}
		if _, err := s.Node(ctx, "test-collective"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Fatalf("a refused mutation wrote: %v", err)
		}

		res = c.Post(upsert, node, auth()...)
		if len(res.Errors) > 0 {
			t.Fatalf("upsertNode with a key: %+v", res.Errors)
		}
		rel := `mutation($in: RelationshipInput!) { upsertRelationship(input: $in) { id type from { id } to { id } year sources { id } } }`
		res = c.Post(rel, map[string]any{"in": map[string]any{"type": "PARTNERED_WITH", "from": "test-collective", "to": "act-up", "year": 2002, "sourceIds": []string{}}}, auth()...)
		if res.Code() != "BAD_USER_INPUT" {
			t.Errorf("relationship without sources: code %q", res.Code())
		}
		res = c.Post(rel, map[string]any{"in": map[string]any{"type": "PARTNERED_WITH", "from": "test-collective", "to": "no-such-node", "sourceIds": []string{"nesta-blog-2016"}}}, auth()...)
		if res.Code() != "BAD_USER_INPUT" {
			t.Errorf("relationship to a missing node: code %q", res.Code())
		}
		var created struct {
			UpsertRelationship struct{ ID string }
		}
		res = c.Post(rel, map[string]any{"in": map[string]any{"type": "PARTNERED_WITH", "from": "test-collective", "to": "act-up", "year": 2002, "sourceIds": []string{"nesta-blog-2016"}}}, auth()...)
		if len(res.Errors) > 0 {
			t.Fatalf("upsertRelationship: %+v", res.Errors)
		}
		json.Unmarshal(res.Data, &created)

		var changes struct {
			Changes []struct{ Actor, Action, TargetID string }
		}
		c.OK(`{ changes(first: 5) { actor action targetId } }`, nil, &changes)
		if len(changes.Changes) < 2 || changes.Changes[0].TargetID != created.UpsertRelationship.ID ||
			changes.Changes[0].Actor != "tester" || changes.Changes[1].TargetID != "test-collective" {
			t.Errorf("audit log = %+v", changes.Changes)
		}

		res = c.Post(`mutation { deleteNode(id: "test-collective") }`, nil, auth()...)
		if len(res.Errors) > 0 {
			t.Fatalf("deleteNode: %+v", res.Errors)
		}
		after, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.Nodes != before.Nodes || after.Relationships != before.Relationships {
			t.Errorf("after create+delete: %d nodes, %d relationships; before %d, %d", after.Nodes, after.Relationships, before.Nodes, before.Relationships)
		}
		res = c.Post(`mutation { deleteNode(id: "test-collective") }`, nil, auth()...)
		if res.Code() != "NOT_FOUND" {
			t.Errorf("deleting a missing node: code %q", res.Code())
		}
	})
}

func TestAbuseIsRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		deep := `{ node(id: "act-up") { ` + strings.Repeat(`relationships { nodes { from { `, 8) + `id` + strings.Repeat(` } } }`, 8) + ` } }`
		if res := c.Post(deep, nil); res.Code() != "QUERY_TOO_COMPLEX" {
			t.Errorf("deep nesting: code %q, errors %+v", res.Code(), res.Errors)
		}
		var aliases strings.Builder
		aliases.WriteString("{")
		for i := range 200 {
			aliases.WriteString(" a" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + `: node(id: "act-up") { id }`)
		}
		aliases.WriteString("}")
		if res := c.Post(aliases.String(), nil); res.Code() != "QUERY_TOO_COMPLEX" {
			t.Errorf("alias flood: code %q", res.Code())
		}
		wide := `{ nodes(first: 500) { nodes { relationships(first: 500) { nodes { from { id } to { id } sources { url } } } } } }`
		if res := c.Post(wide, nil); res.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("expensive query: code %q", res.Code())
		}
		tokens := `{ node(id: "act-up") { ` + strings.Repeat("id ", 20000) + `} }`
		if res := c.Post(tokens, nil); len(res.Errors) == 0 {
			t.Error("a 20,000-token document was accepted")
		}
		huge := bytes.Repeat([]byte(" "), 2<<20)
		body := append([]byte(`{"query": "{ stats { nodeCount } }"`), huge...)
		body = append(body, '}')
		res := c.Raw(http.MethodPost, "/graphql", body)
		if res.Status < 400 || len(res.Errors) == 0 {
			t.Errorf("2 MiB body: status %d, errors %+v", res.Status, res.Errors)
		}
		res = c.Raw(http.MethodPost, "/graphql", []byte(`{"query": `))
		if res.Status != http.StatusBadRequest {
			t.Errorf("truncated JSON: status %d", res.Status)
		}
		res = c.Raw(http.MethodGet, "/graphql?query="+url.QueryEscape(`mutation { deleteNode(id: "act-up") }`), nil, auth()...)
		if res.Status < 400 {
			t.Errorf("mutation over GET: status %d", res.Status)
		}
		// After all that, the server still answers.
		var st struct{ Stats struct{ NodeCount int } }
		c.OK(`{ stats { nodeCount } }`, nil, &st)
		if st.Stats.NodeCount < 300 {
			t.Errorf("nodeCount = %d after abuse", st.Stats.NodeCount)
		}
	})
}

// countingStore counts the store calls a request makes; it wraps a real
// store and changes nothing else.
type countingStore struct {
	graph.Store
	calls atomic.Int64
	// nodeIDs counts the ids asked of NodesByID.
	nodeIDs atomic.Int64
}

// Unwrap lets the planner see the store counted (see overlaps).
func (s *countingStore) Unwrap() graph.Store { return s.Store }

func (s *countingStore) NodesByID(ctx context.Context, ids []string) ([]*graph.Node, error) {
	s.calls.Add(1)
	s.nodeIDs.Add(int64(len(ids)))
	return s.Store.NodesByID(ctx, ids)
}

func (s *countingStore) SourcesByID(ctx context.Context, ids []string) ([]*graph.Source, error) {
	s.calls.Add(1)
	return s.Store.SourcesByID(ctx, ids)
}

func (s *countingStore) Relationships(ctx context.Context, q graph.RelQuery) ([]*graph.Relationship, error) {
	s.calls.Add(1)
	return s.Store.Relationships(ctx, q)
}

// PlanRelationships counts one call, as the wrapped store answers it in
// one step when it can (graph.RelPlanner).
func (s *countingStore) PlanRelationships(ctx context.Context, p graph.RelPlan) (*graph.RelPlanResult, error) {
	s.calls.Add(1)
	if rp, ok := s.Store.(graph.RelPlanner); ok {
		return rp.PlanRelationships(ctx, p)
	}
	return graph.PlanByParts(ctx, s.Store, p)
}

// PlanNodes, PlanPage and PlanSearch count one call when the wrapped store
// answers them in one step, else the ordinary calls they make.
func (s *countingStore) PlanNodes(ctx context.Context, p graph.NodePlan) (*graph.NodePlanResult, error) {
	if np, ok := s.Store.(graph.NodePlanner); ok {
		s.calls.Add(1)
		return np.PlanNodes(ctx, p)
	}
	return graph.PlanNodesByParts(ctx, s, p)
}

func (s *countingStore) PlanPage(ctx context.Context, p graph.PagePlan) (*graph.PagePlanResult, error) {
	if pp, ok := s.Store.(graph.PagePlanner); ok {
		s.calls.Add(1)
		return pp.PlanPage(ctx, p)
	}
	return graph.PlanPageByParts(ctx, s, p)
}

func (s *countingStore) PlanSearch(ctx context.Context, p graph.SearchPlan) (*graph.SearchPlanResult, error) {
	if sp, ok := s.Store.(graph.SearchPlanner); ok {
		s.calls.Add(1)
		return sp.PlanSearch(ctx, p)
	}
	return graph.PlanSearchByParts(ctx, s, p)
}

func (s *countingStore) Nodes(ctx context.Context, q graph.NodeQuery) (*graph.NodePage, error) {
	s.calls.Add(1)
	return s.Store.Nodes(ctx, q)
}

func TestNestedFieldsAreBatched(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		cs := &countingStore{Store: s}
		// No loader waits: the planner fetches each level in one call.
		c := &client{TB: t, H: httpapi.New(httpapi.Config{Store: cs})}
		q := `query($n: Int) { nodes(first: $n, orderBy: [{field: DEGREE, direction: DESC}]) { nodes { id sources { url }
			relationships(first: 20) { nodes { from { id name } to { id name } sources { url } tensions { name } } } } } }`
		// On Neo4j, also count the Cypher statements the store sends.
		counter, _ := s.(interface{ Queries() int64 })
		calls, cypher := map[int]int64{}, map[int]int64{}
		for _, n := range []int{5, 50} {
			cs.calls.Store(0)
			var before int64
			if counter != nil {
				before = counter.Queries()
			}
			var out struct {
				Nodes struct{ Nodes []struct{ ID string } }
			}
			c.OK(q, map[string]any{"n": n}, &out)
			if len(out.Nodes.Nodes) != n {
				t.Fatalf("got %d nodes, want %d", len(out.Nodes.Nodes), n)
			}
			calls[n] = cs.calls.Load()
			if counter != nil {
				cypher[n] = counter.Queries() - before
			}
		}
		// The page, the nodes' sources, their relationships with endpoints
		// and sources (one planned step), and the tensions not already among
		// the endpoints: three or four, whatever the page size; N+1 would
		// cost hundreds.
		if calls[50] > 10 {
			t.Errorf("store calls: %d for 5 nodes, %d for 50 — nested fields are not batched", calls[5], calls[50])
		}
		if counter != nil && cypher[50] > 3*10 {
			t.Errorf("Cypher statements: %d for 5 nodes, %d for 50 — a nested request should cost a fixed few", cypher[5], cypher[50])
		}
		t.Logf("store calls %v, Cypher statements %v", calls, cypher)
	})
}

// TestPlannedEndpointsAreThePages: the planner fetches the endpoints of
// the relationships on the pages asked for, not of every relationship of
// the nodes (the five best-connected curated nodes have over a hundred).
func TestPlannedEndpointsAreThePages(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		cs := &countingStore{Store: s}
		c := &client{TB: t, H: httpapi.New(httpapi.Config{Store: cs})}
		q := `{ nodes(first: 5, orderBy: [{field: DEGREE, direction: DESC}]) { nodes { id
			relationships(first: 2) { totalCount nodes { from { id name } to { id name } } } } } }`
		var out struct {
			Nodes struct {
				Nodes []struct {
					ID            string
					Relationships struct {
						TotalCount int
						Nodes      []struct{ From, To struct{ ID string } }
					}
				}
			}
		}
		c.OK(q, nil, &out)
		total := 0
		for _, n := range out.Nodes.Nodes {
			total += n.Relationships.TotalCount
			if len(n.Relationships.Nodes) != 2 || n.Relationships.Nodes[0].From.ID == "" || n.Relationships.Nodes[1].To.ID == "" {
				t.Fatalf("%s: want 2 relationships with endpoints, got %+v", n.ID, n.Relationships.Nodes)
			}
		}
		if total < 50 {
			t.Fatalf("the five best-connected nodes have %d relationships; the test needs many more than the pages", total)
		}
		// At most both endpoints of 5 × 2 relationships.
		if got := cs.nodeIDs.Load(); got > 20 {
			t.Errorf("NodesByID asked for %d ids for 10 relationships on the pages (of %d)", got, total)
		}
	})
}

func memstoreWithCurated(t *testing.T) graph.Store {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestForgedCursorsAreRefused: a cursor this API never issues, such as an
// offset at the edge of int64, is bad input on both stores, not a panic or
// an overflow in the store.
func TestForgedCursorsAreRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		for _, raw := range []string{"offset:9223372036854775807", "offset:9223372036854775806", "offset:2147483647", "offset:-1", "offset:1e3"} {
			cur := base64.StdEncoding.EncodeToString([]byte(raw))
			for _, q := range []string{
				`query($c: String) { nodes(after: $c) { totalCount } }`,
				`query($c: String) { node(id: "act-up") { relationships(after: $c) { totalCount } } }`,
			} {
				if res := c.Post(q, map[string]any{"c": cur}); res.Code() != "BAD_USER_INPUT" {
					t.Errorf("cursor %s in %.40s: code %q, errors %+v", raw, q, res.Code(), res.Errors)
				}
			}
		}
	})
}

// TestNullArgumentsTakeTheSchemaDefault: the schema states each default
// once; an explicit null gets the same one as an omitted argument.
func TestNullArgumentsTakeTheSchemaDefault(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		var omitted, null struct {
			Search []struct{ Score float64 }
			Nodes  struct{ Nodes []struct{ ID string } }
		}
		c.OK(`{ search(text: "health") { score } nodes { nodes { id } } }`, nil, &omitted)
		c.OK(`query($n: Int) { search(text: "health", first: $n) { score } nodes(first: $n) { nodes { id } } }`, map[string]any{"n": nil}, &null)
		first, _ := resolvers.DefaultInt("Query", "search", "first")
		page, _ := resolvers.DefaultInt("Query", "nodes", "first")
		if first != 10 || page != graph.DefaultPageSize {
			t.Fatalf("schema defaults: search first %d, nodes first %d", first, page)
		}
		if len(omitted.Search) != first || len(null.Search) != first || len(omitted.Nodes.Nodes) != page || len(null.Nodes.Nodes) != page {
			t.Errorf("omitted: %d hits, %d nodes; null: %d hits, %d nodes; want %d and %d",
				len(omitted.Search), len(omitted.Nodes.Nodes), len(null.Search), len(null.Nodes.Nodes), first, page)
		}
	})
}

// TestPlannedKindFieldsAreBatched: the planner foresees the kind-specific
// fields too (members, challenged institutions, tensions, publishers,
// episodes, degree), so a page of any size costs the same few store calls.
func TestPlannedKindFieldsAreBatched(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		cs := &countingStore{Store: s}
		c := &client{TB: t, H: httpapi.New(httpapi.Config{Store: cs})}
		q := `query($n: Int) { nodes(first: $n, orderBy: [{field: DEGREE, direction: DESC}]) { nodes { id degree
			... on Movement { organisations { id degree } events { id } challenged { id name } tensions { id episodes(first: 3) { nodes { id from { id } } } } }
			... on Organisation { movements { id } people { id } }
			... on Institution { reports { id publisher { id } } challengedBy { id } }
			... on Event { movements { id } institutions { id } }
			... on Person { ledOrFounded { id } }
			... on Report { publisher { id } describes { id } } } } }`
		calls := map[int]int64{}
		for _, n := range []int{5, 60} {
			cs.calls.Store(0)
			var out struct {
				Nodes struct{ Nodes []struct{ ID string } }
			}
			c.OK(q, map[string]any{"n": n}, &out)
			if len(out.Nodes.Nodes) != n {
				t.Fatalf("got %d nodes, want %d", len(out.Nodes.Nodes), n)
			}
			calls[n] = cs.calls.Load()
		}
		// Fixed by the query's shape (about twenty fields), not by its size.
		if calls[60] > 30 || calls[60] > 2*calls[5] {
			t.Errorf("store calls: %d for 5 nodes, %d for 60 — kind fields are not planned", calls[5], calls[60])
		}
		t.Logf("store calls %v", calls)
	})
}
