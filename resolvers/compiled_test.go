package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	gqlast "github.com/vektah/gqlparser/v2/ast"
	gqlparse "github.com/vektah/gqlparser/v2/parser"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/httpapi"
	"github.com/hmkg/hmkg/internal/apitest"
	"github.com/hmkg/hmkg/reliability/gqlfuzz"
	"github.com/hmkg/hmkg/resolvers"
)

// corpusDoc is one request of the differential corpus.
type corpusDoc struct {
	from  string
	query string
	vars  map[string]any
}

// loadSchema is the server's GraphQL schema, for telling documents apart.
func loadSchema(t testing.TB) *gqlast.Schema {
	t.Helper()
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(&gqlast.Source{Name: "schema.graphqls", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	return s
}

// readOnly reports whether doc is a valid document of query operations.
func readOnly(s *gqlast.Schema, doc string) bool {
	q, err := gqlparser.LoadQuery(s, doc)
	if err != nil || len(q.Operations) == 0 {
		return false
	}
	for _, op := range q.Operations {
		if op.Operation != gqlast.Query {
			return false
		}
	}
	return true
}

// stringConstant evaluates a string literal or a + of them.
func stringConstant(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringConstant(x.X)
		b, ok2 := stringConstant(x.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return stringConstant(x.X)
	}
	return "", false
}

// goQueries collects every string constant in the Go files matching
// pattern that is a valid read-only GraphQL document.
func goQueries(t *testing.T, s *gqlast.Schema, pattern string) []corpusDoc {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusDoc
	seen := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "compiled_test.go") {
			continue // extraCorpus, with its variables, is added as is
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			q, ok := stringConstant(e)
			if !ok {
				return true
			}
			// An export's content carries the time it was made, so two
			// runs never match; exports are not read by the compiled path.
			if !seen[q] && readOnly(s, q) && !strings.Contains(q, "exportSubgraph") {
				seen[q] = true
				out = append(out, corpusDoc{from: filepath.Base(file), query: q})
			}
			return false
		})
	}
	return out
}

var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// readmeQueries are the README's example queries.
func readmeQueries(t *testing.T, s *gqlast.Schema) []corpusDoc {
	t.Helper()
	src, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusDoc
	for _, m := range graphqlBlock.FindAllStringSubmatch(string(src), -1) {
		if readOnly(s, m[1]) && !strings.Contains(m[1], "exportSubgraph") {
			out = append(out, corpusDoc{from: "README.md", query: m[1]})
		}
	}
	return out
}

// fuzzQueries are documents of the reliability fuzzer's generator (valid
// and not), without mutations, which would change the store between the
// two runs of a document.
func fuzzQueries(t *testing.T, h http.Handler, n int) []corpusDoc {
	t.Helper()
	iq, err := gqlfuzz.IntrospectionQuery()
	if err != nil {
		t.Fatal(err)
	}
	status, body := serve(t, h, iq, nil, nil)
	var intro struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &intro); err != nil || status != http.StatusOK {
		t.Fatalf("introspection: status %d, %v: %.300s", status, err, body)
	}
	schema, err := gqlfuzz.ParseIntrospection(intro.Data)
	if err != nil {
		t.Fatal(err)
	}
	gen := gqlfuzz.NewGenerator(schema, 20261201)
	var out []corpusDoc
	for len(out) < n {
		d := gen.Next()
		if doc, err := gqlparse.ParseQuery(&gqlast.Source{Input: d.Query}); err == nil {
			mutates := false
			for _, op := range doc.Operations {
				mutates = mutates || op.Operation != gqlast.Query
			}
			if mutates {
				continue
			}
		} else if strings.Contains(d.Query, "mutation") {
			continue
		}
		if strings.Contains(d.Query, "exportSubgraph") {
			continue // see goQueries
		}
		out = append(out, corpusDoc{from: "gqlfuzz", query: d.Query, vars: d.Variables})
	}
	return out
}

// serve sends one document through h and returns the raw answer.
func serve(t testing.TB, h http.Handler, query string, vars map[string]any, p *resolvers.ReadProbe) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if p != nil {
		req = req.WithContext(resolvers.WithReadProbe(req.Context(), p))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// issue10Questions are the six questions of bench/load/questions.go and
// the nested benchmark query.
var issue10Questions = map[string]string{
	"node+sources": `{ node(id: "act-up") { id kind name summary sources { id title url publisher year } } }`,
	"challenged": `{ node(id: "act-up") { id relationships(types: [CHALLENGED], first: 50) { nodes { id year summary ` +
		`sources { id title url } from { id kind name } to { id kind name } } } } }`,
	"search":        `{ search(text: "ACT UP", first: 10) { score node { id kind name } } }`,
	"2-hop":         `{ neighbourhood(id: "act-up", depth: 2) { truncated nodes { id kind name } relationships { id type from { id } to { id } } } }`,
	"shortest-path": `{ shortestPath(from: "act-up", to: "nhs-england") { length nodes { id kind name } relationships { id type } } }`,
	"movements+members": `{ nodes(kinds: [MOVEMENT], first: 20) { nodes { id name ` +
		`relationships(types: [PART_OF], direction: IN, first: 50) { nodes { id from { id kind name } } } } } }`,
	"nested": `{ nodes(first: 20, orderBy: [{field: DEGREE, direction: DESC}]) { nodes { id name sources { url }
		relationships(first: 10) { nodes { type from { id name } to { id name } sources { url } } } } } }`,
}

// TestCompiledReadsAnswerTheQuestions proves the compiled path, not
// gqlgen, answers issue 10's questions, with data.
func TestCompiledReadsAnswerTheQuestions(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, _ *apitest.Client, s graph.Store) {
		h := httpapi.New(httpapi.Config{Store: s})
		for name, q := range issue10Questions {
			var p resolvers.ReadProbe
			status, body := serve(t, h, q, nil, &p)
			if status != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) || !bytes.Contains(body, []byte(`"id"`)) {
				t.Errorf("%s: %d %.300s", name, status, body)
			}
			if !p.Compiled || p.FellBack {
				t.Errorf("%s: compiled path did not answer (probe %+v)", name, p)
			}
		}
		// Off by configuration, gqlgen answers.
		off := httpapi.New(httpapi.Config{Store: s, DisableCompiledReads: true})
		var p resolvers.ReadProbe
		serve(t, off, issue10Questions["nested"], nil, &p)
		if p.Compiled || p.FellBack {
			t.Errorf("DisableCompiledReads: probe %+v", p)
		}
	})
}

// TestCompiledReadsKeepLimits proves the limits still refuse an operation
// before the compiled path could run it.
func TestCompiledReadsKeepLimits(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, _ *apitest.Client, s graph.Store) {
		h := httpapi.New(httpapi.Config{Store: s, Limits: resolvers.Limits{MaxComplexity: 100, MaxDepth: 4}})
		for name, q := range map[string]string{
			"complexity": issue10Questions["nested"],
			"depth":      `{ node(id: "act-up") { relationships { nodes { from { relationships { nodes { id } } } } } } }`,
		} {
			var p resolvers.ReadProbe
			status, body := serve(t, h, q, nil, &p)
			if p.Compiled || p.FellBack {
				t.Errorf("%s: compiled path ran (probe %+v)", name, p)
			}
			if status == http.StatusOK && !bytes.Contains(body, []byte(`"errors"`)) {
				t.Errorf("%s: not refused: %d %.300s", name, status, body)
			}
			if !bytes.Contains(body, []byte(`"code"`)) {
				t.Errorf("%s: refusal without a code: %.300s", name, body)
			}
		}
	})
}

// TestCompiledReadsAreIdentical runs a corpus of documents with the
// compiled path on and off and requires byte-identical answers.
func TestCompiledReadsAreIdentical(t *testing.T) {
	schema := loadSchema(t)
	corpus := append(goQueries(t, schema, "*_test.go"), goQueries(t, schema, "../bench/load/questions.go")...)
	corpus = append(corpus, readmeQueries(t, schema)...)
	for name, q := range issue10Questions {
		corpus = append(corpus, corpusDoc{from: "issue 10 " + name, query: q})
	}
	corpus = append(corpus, extraCorpus...)
	apitest.EachStore(t, func(t *testing.T, _ *apitest.Client, s graph.Store) {
		on := httpapi.New(httpapi.Config{Store: s, Introspection: true})
		off := httpapi.New(httpapi.Config{Store: s, Introspection: true, DisableCompiledReads: true})
		nFuzz := 600
		if testing.Short() {
			nFuzz = 100
		}
		docs := append(append([]corpusDoc{}, corpus...), fuzzQueries(t, off, nFuzz)...)
		compiled, fellBack, fixed, fixedCompiled, answered, answeredCompiled := 0, 0, 0, 0, 0, 0
		for i, d := range docs {
			var p resolvers.ReadProbe
			s1, b1 := serve(t, on, d.query, d.vars, &p)
			s2, b2 := serve(t, off, d.query, d.vars, nil)
			if d.from != "gqlfuzz" && !p.Compiled && os.Getenv("HMKG_COMPILED_VERBOSE") != "" {
				t.Logf("not compiled (%s, fell back %v): %.300s", d.from, p.FellBack, strings.Join(strings.Fields(d.query), " "))
			}
			if s1 != s2 || !sameAnswer(b1, b2) {
				t.Errorf("doc %d (%s) differs:\n%s\nvars %v\ncompiled: %d %.2000s\ngqlgen:   %d %.2000s", i, d.from, d.query, d.vars, s1, b1, s2, b2)
			}
			if p.Compiled {
				compiled++
			}
			if p.FellBack {
				fellBack++
			}
			if d.from != "gqlfuzz" {
				fixed++
				if p.Compiled {
					fixedCompiled++
				}
				if s2 == http.StatusOK && !bytes.Contains(b2, []byte(`"errors"`)) {
					answered++
					if p.Compiled {
						answeredCompiled++
					}
				}
			}
		}
		t.Logf("%d documents (%d collected, %d from the fuzzer): %d answered by the compiled path, %d handed back to gqlgen after starting; "+
			"of the collected documents %d compiled, of the %d that gqlgen answers without an error %d compiled",
			len(docs), fixed, len(docs)-fixed, compiled, fellBack, fixedCompiled, answered, answeredCompiled)
		// The floor: most of the collected reads that succeed take the
		// path (the others select fields it leaves to gqlgen: analysis,
		// lens, stories, disputes, stats, changes, metrics).
		if answeredCompiled*10 < answered*6 {
			t.Errorf("only %d of %d collected documents answered without error took the compiled path", answeredCompiled, answered)
		}
	})
}

// sameAnswer reports whether two answers are byte-identical, but for the
// order of their errors: gqlgen resolves fields concurrently, so two runs
// of one document through gqlgen alone can list its errors in different
// orders. A compiled answer has no errors, so it must match exactly.
func sameAnswer(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	type answer struct {
		Errors []json.RawMessage `json:"errors"`
		Data   json.RawMessage   `json:"data"`
	}
	var x, y answer
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil || len(x.Errors) == 0 || !bytes.Equal(x.Data, y.Data) {
		return false
	}
	sortRaw := func(rs []json.RawMessage) string {
		ss := make([]string, len(rs))
		for i, r := range rs {
			ss[i] = string(r)
		}
		slices.Sort(ss)
		return strings.Join(ss, "\n")
	}
	return sortRaw(x.Errors) == sortRaw(y.Errors)
}

// extraCorpus covers what the collected documents may not: fragments,
// type conditions, aliases, directives, variables, connections.
var extraCorpus = []corpusDoc{
	{from: "extra", query: `query Q($id: ID!, $skip: Boolean!) { a: node(id: $id) { __typename ...N ... on Movement { aliases region startYear endYear organisations { id } events { id year } challenged { id } tensions { id question } } } b: node(id: "nhs-england") { ... on Institution { country category foundedYear reports { id url year publisher { id } } challengedBy { id } } } } fragment N on Node { id kind name summary @skip(if: $skip) degree }`,
		vars: map[string]any{"id": "act-up", "skip": false}},
	{from: "extra", query: `query Q($id: ID!, $skip: Boolean!) { node(id: $id) { id summary @skip(if: $skip) name @include(if: $skip) } }`,
		vars: map[string]any{"id": "act-up", "skip": true}},
	{from: "extra", query: `{ nodes(first: 5, after: "b2Zmc2V0OjI=", kinds: [ORGANISATION, PERSON]) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename } edges { cursor node { id ... on Organisation { people { id role ledOrFounded { id } } movements { id } } } } } }`},
	{from: "extra", query: `{ nodes(where: {OR: [{nameContains: "act"}, {kinds: [EVENT], yearFrom: 1980}], NOT: {ids: ["act-up"]}}, orderBy: [{field: NAME}, {field: YEAR, direction: DESC}]) { nodes { id ... on Event { date year movements { id } institutions { id } } } } }`},
	{from: "extra", query: `{ nodes(where: {hasRelationship: {type: CHALLENGED}}, first: 3) { nodes { id relationships(direction: OUT, first: 2) { totalCount edges { cursor node { id type status year summary tensions { id } sources { id title url publisher year kind } } } pageInfo { endCursor } } } } }`},
	{from: "extra", query: `{ paths(from: "act-up", to: "nhs-england", first: 3) { length nodes { id } relationships { id from { id } to { id } } } sources { id kind } }`},
	{from: "extra", query: `{ shortestPath(from: "act-up", to: "no-such-node") { length } }`},
	{from: "extra", query: `{ node(id: "no-such-node") { id } }`},
	{from: "extra", query: `{ search(text: "health", kinds: [TENSION]) { score node { ... on Tension { id question episodes(first: 2) { nodes { id } } } } } }`},
	{from: "extra", query: `{ neighbourhood(id: "act-up", depth: 1, direction: OUT, types: [CHALLENGED, PART_OF], asOf: 1990, limit: 20, includeDisputed: false) { truncated nodes { id __typename } relationships { id } } __typename }`},
	{from: "extra", query: `{ relationship(id: "no-such-rel") { id } }`},
	{from: "extra", query: `{ node(id: "act-up") { id metrics { degree } } }`},
	{from: "extra", query: `{ nodes(kinds: [MOVEMENT, TENSION], first: 4) { nodes { id metrics { __typename node { id } degree inDegree outDegree degreeCentrality betweenness closeness pageRank eigenvector brokerage community communityLabel } m1990: metrics(asOf: 1990) { degree pageRank } } } }`},
	{from: "extra", query: `{ changes(first: 3) { id at actor action targetId detail __typename } disputes(first: 2, aboutKind: NODE) { totalCount pageInfo { endCursor hasNextPage } edges { cursor node { about claim } } nodes { note } } }`},
	{from: "extra", query: `query($b: ID) { changes(before: $b) { id } d: disputes(about: ["section-504-sit-in"], claimContains: "a") { totalCount } }`, vars: map[string]any{"b": "5"}},
	{from: "extra", query: `{ stats { __typename datasetName datasetVersion nodeCount relationshipCount sourceCount kinds { kind count __typename } relationshipTypes { type count } } }`},
	{from: "extra", query: `{ nodes(first: 50, where: {ids: ["durban-global-march-for-treatment", "section-504-sit-in"]}) { nodes { id disputes { __typename about aboutKind claim note node { id name } relationship { id } positions { __typename says sources { id url kind } } }
		relationships(first: 50) { nodes { id status disputes { about aboutKind claim relationship { id type from { id } } node { id } positions { says sources { id } } } } } } } }`},
}

// stalledStore answers node pages only after the request's deadline.
type stalledStore struct{ graph.Store }

func (s stalledStore) Nodes(ctx context.Context, q graph.NodeQuery) (*graph.NodePage, error) {
	<-ctx.Done()
	time.Sleep(20 * time.Millisecond) // and then some, as a store that does not watch its context would
	return s.Store.Nodes(context.WithoutCancel(ctx), q)
}

// TestCompiledReadsKeepTheDeadline: an operation the compiled path runs
// past the request's deadline is answered TIMEOUT at the deadline, and the
// GET transport reaches the path too.
func TestCompiledReadsKeepTheDeadline(t *testing.T) {
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	if err := store.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	h := httpapi.New(httpapi.Config{Store: stalledStore{store}, RequestTimeout: 50 * time.Millisecond})
	var p resolvers.ReadProbe
	start := time.Now()
	status, body := serve(t, h, issue10Questions["nested"], nil, &p)
	if status != http.StatusServiceUnavailable || !bytes.Contains(body, []byte(`"TIMEOUT"`)) {
		t.Errorf("status %d: %.300s", status, body)
	}
	if took := time.Since(start); took > 10*time.Second { // a bound on a hang, not a measure
		t.Errorf("answered after %v", took)
	}

	// (p may still be written by the work that outlived its request.)
	h = httpapi.New(httpapi.Config{Store: store})
	var get resolvers.ReadProbe
	q := issue10Questions["search"]
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q), nil)
	req = req.WithContext(resolvers.WithReadProbe(req.Context(), &get))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	_, post := serve(t, h, q, nil, nil)
	if rec.Code != http.StatusOK || !get.Compiled || !bytes.Equal(rec.Body.Bytes(), post) {
		t.Errorf("GET: %d, probe %+v: %.300s", rec.Code, get, rec.Body)
	}
}
