// Package storetest is the conformance suite every graph.Store must pass:
// Run(t, open) checks each method of the contract in package graph against
// a small fixture graph (see Fixture). It is imported only by _test files.
//
// Where the Store comments leave room, the suite pins the behaviour so that
// every store answers alike:
//   - Nodes without OrderBy sort by id; ties under any order break by id
//     ascending; NAME ignores case first (then exact name); nodes without
//     a year sort last in both directions; KIND
//     sorts by the kind's name; NodeQuery.Limit 0 returns no nodes, only Total.
//   - Search: Limit 0 means 10; hits are ordered by score (high first), then
//     id; a query naming a node exactly (name or alias, any case or
//     punctuation) puts that node first; text without letters or digits
//     gives no hits.
//   - Neighbourhood: Limit 0 means graph.MaxNeighbourhoodSize; nodes are
//     taken closest first and, at equal distance, by id; nodes of a
//     filtered-out kind are neither returned nor walked through; the seeds are
//     always returned; relationships are all those among the returned nodes
//     that pass Types and AsOf (whatever their direction); nodes and
//     relationships are sorted by id.
//   - ShortestPaths: MaxLength 0 means graph.MaxPathLength, K 0 means 1; the
//     paths are the first K loopless paths in the order (length, node-id
//     sequence); parallel relationships are reported as the smallest id that
//     passes the filters; From == To gives one path of length 0; an endpoint
//     that does not exist AsOf gives no paths.
//   - Relationships and AsOf: a relationship exists as of a year when it is
//     undated or dated no later, and both endpoints exist then
//     (graph.Node.ExistsAsOf). Unknown node ids in RelQuery are ignored.
//   - Changes: limit 0 means graph.DefaultPageSize; an Import is one entry
//     with action IMPORT and the dataset name as target.
//   - The rules of graph/rules.go hold on every store: offsets, order
//     directions, filter bounds, search text and limits, asOf on every read
//     that takes it, traversal bounds, changes arguments, and the actor of
//     every mutation (empty or blank is EINVALID; nothing is recorded).
//   - DeleteNode also strips the node from relationships' tensions and from
//     reports' publisher.
package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

// Actor is the actor the suite records on its mutations.
const Actor = "storetest"

// Run runs the conformance suite. open must return a new, empty store and
// arrange for it to be closed (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Run("Empty", func(t *testing.T) { testEmpty(t, open(t)) })
	t.Run("Read", func(t *testing.T) {
		s := open(t)
		MustImport(t, s, Fixture())
		m := newModel(Fixture())
		t.Run("Node", func(t *testing.T) { testNode(t, s) })
		t.Run("Nodes/Filter", func(t *testing.T) { testNodesFilter(t, s) })
		t.Run("Nodes/Order", func(t *testing.T) { testNodesOrder(t, s, m) })
		t.Run("Nodes/Page", func(t *testing.T) { testNodesPage(t, s) })
		t.Run("Nodes/Invalid", func(t *testing.T) { testNodesInvalid(t, s) })
		t.Run("Relationships", func(t *testing.T) { testRelationships(t, s, m) })
		t.Run("PlanRelationships", func(t *testing.T) { testPlanRelationships(t, s) })
		t.Run("PlanNodes", func(t *testing.T) { testPlanNodes(t, s) })
		t.Run("PlanPage", func(t *testing.T) { testPlanPage(t, s) })
		t.Run("PlanSearch", func(t *testing.T) { testPlanSearch(t, s) })
		t.Run("Sources", func(t *testing.T) { testSources(t, s) })
		t.Run("Search", func(t *testing.T) { testSearch(t, s) })
		t.Run("Neighbourhood", func(t *testing.T) { testNeighbourhood(t, s, m) })
		t.Run("ShortestPaths", func(t *testing.T) { testPaths(t, s, m) })
		t.Run("Stats", func(t *testing.T) { testStats(t, s) })
		t.Run("Copies", func(t *testing.T) { testCopies(t, s) })
		t.Run("Rules/Nodes", func(t *testing.T) { testRulesNodes(t, s) })
		t.Run("Rules/AsOf", func(t *testing.T) { testRulesAsOf(t, s) })
		t.Run("Rules/Search", func(t *testing.T) { testRulesSearch(t, s) })
		t.Run("Rules/Traversals", func(t *testing.T) { testRulesTraversals(t, s) })
		t.Run("Rules/Changes", func(t *testing.T) { testRulesChanges(t, s) })
	})
	t.Run("Rules/Actor", func(t *testing.T) { testRulesActor(t, open(t)) })
	t.Run("Import/Atomic", func(t *testing.T) { testImportAtomic(t, open(t)) })
	t.Run("Import/Idempotent", func(t *testing.T) { testImportTwice(t, open(t)) })
	t.Run("Import/OntoExisting", func(t *testing.T) { testImportOntoExisting(t, open(t)) })
	t.Run("Upsert", func(t *testing.T) { testUpsert(t, open(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open(t)) })
	t.Run("Changes", func(t *testing.T) { testChanges(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("Disputes", func(t *testing.T) { testDisputes(t, open(t)) })
	t.Run("Stories", func(t *testing.T) { testStories(t, open(t)) })
	t.Run("Stories/Import", func(t *testing.T) { testStoriesImport(t, open(t)) })
}

// MustImport imports d as Actor and fails the test on error.
func MustImport(tb testing.TB, s graph.Store, d *graph.Dataset) {
	tb.Helper()
	if err := s.Import(context.Background(), d, Actor); err != nil {
		tb.Fatalf("import %s: %v (problems: %v)", d.Name, err, graph.ErrorProblems(err))
	}
}

// Dump reads everything a store holds back as a dataset (sources, nodes and
// relationships sorted by id; name and version from Stats), for comparing
// two states with reflect.DeepEqual.
func Dump(tb testing.TB, s graph.Store) *graph.Dataset {
	tb.Helper()
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		tb.Fatalf("stats: %v", err)
	}
	d := &graph.Dataset{Name: st.DatasetName, Version: st.DatasetVersion}
	if d.Sources, err = s.Sources(ctx); err != nil {
		tb.Fatalf("sources: %v", err)
	}
	var ids []string
	for off := 0; ; off += graph.MaxPageSize {
		p, err := s.Nodes(ctx, graph.NodeQuery{Offset: off, Limit: graph.MaxPageSize,
			OrderBy: []*graph.NodeOrder{{Field: graph.OrderByID}}})
		if err != nil {
			tb.Fatalf("nodes: %v", err)
		}
		d.Nodes = append(d.Nodes, p.Nodes...)
		for _, n := range p.Nodes {
			ids = append(ids, n.ID)
		}
		if len(p.Nodes) < graph.MaxPageSize {
			break
		}
	}
	if d.Relationships, err = s.Relationships(ctx, graph.RelQuery{NodeIDs: ids, Direction: graph.DirectionBoth}); err != nil {
		tb.Fatalf("relationships: %v", err)
	}
	return d
}

// SameDump fails unless two dumps are equal, showing the first difference.
func SameDump(tb testing.TB, got, want *graph.Dataset) {
	tb.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		tb.Fatalf("dump: %v", err)
	}
	w, err := json.MarshalIndent(want, "", " ")
	if err != nil {
		tb.Fatalf("dump: %v", err)
	}
	gl, wl := splitLines(string(g)), splitLines(string(w))
	for i := range max(len(gl), len(wl)) {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			tb.Fatalf("dumps differ at line %d:\n got: %s\nwant: %s", i+1, a, b)
		}
	}
	tb.Fatalf("dumps differ")
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

// WantCode fails unless err carries the graph error code want.
func WantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := graph.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

// NodeIDs returns the ids of nodes (nil entries as "").
func NodeIDs(ns []*graph.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		if n != nil {
			out[i] = n.ID
		}
	}
	return out
}

// RelIDs returns the ids of relationships (nil entries as "").
func RelIDs(rs []*graph.Relationship) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if r != nil {
			out[i] = r.ID
		}
	}
	return out
}

func equal[T any](tb testing.TB, what string, got, want T) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

func sorted(xs ...string) []string { return slices.Sorted(slices.Values(xs)) }

func rid(from string, t graph.RelType, to string, year *int) string {
	return graph.RelationshipID(from, t, to, year)
}

// result holds what a store call returned, so that a test can take the
// value and fail on the error in one expression: try(s.Node(ctx, id)).must(t).
type result[T any] struct {
	v   T
	err error
}

func try[T any](v T, err error) result[T] { return result[T]{v, err} }

// must returns the value, or fails the test on the error.
func (r result[T]) must(tb testing.TB) T {
	tb.Helper()
	if r.err != nil {
		tb.Fatalf("unexpected error: %v", r.err)
	}
	return r.v
}
