package export

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// Export caps: a selection with more nodes fails with EINVALID rather than
// being cut short.
const (
	// DefaultMaxNodes is the cap for exports over HTTP and GraphQL.
	DefaultMaxNodes = 100_000
	// CLIMaxNodes is the cap for the command line, which streams to a file:
	// the largest subgraph a store returns.
	CLIMaxNodes = graph.MaxSubgraphSize
)

// Selection says which part of the graph to export: the neighbourhood of
// Seeds within Depth hops (with the same options as the neighbourhood
// query), or the whole graph when Seeds is empty. Types, Kinds and AsOf
// filter both.
type Selection struct {
	Seeds     []string        `json:"seeds"`
	Depth     int             `json:"depth"`
	Direction graph.Direction `json:"direction"`
	Types     []graph.RelType `json:"types"`
	Kinds     []graph.Kind    `json:"kinds"`
	AsOf      *int            `json:"asOf"`
	// ExcludeDisputed leaves out relationships whose status is DISPUTED or
	// RETRACTED (includeDisputed=false); by default they are exported,
	// marked with their status.
	ExcludeDisputed bool `json:"excludeDisputed,omitempty"`
	// WholeGraph is set when there are no seeds; it is derived, not read.
	WholeGraph bool `json:"wholeGraph"`
	// MaxNodes caps the export; 0 means DefaultMaxNodes.
	MaxNodes int `json:"-"`
}

// normalised fills in defaults and non-nil lists so that the manifest reads
// the same whichever way the selection was built.
func (s Selection) normalised() Selection {
	if s.Direction == "" {
		s.Direction = graph.DirectionBoth
	}
	if s.Seeds == nil {
		s.Seeds = []string{}
	}
	if s.Types == nil {
		s.Types = []graph.RelType{}
	}
	if s.Kinds == nil {
		s.Kinds = []graph.Kind{}
	}
	s.WholeGraph = len(s.Seeds) == 0
	if s.WholeGraph {
		s.Depth = 0
	}
	return s
}

// query is the neighbourhood query of a selection with seeds: one
// traversal, in the store, capped at the export cap.
func (s Selection) query() graph.NeighbourhoodQuery {
	return graph.NeighbourhoodQuery{
		Seeds: s.Seeds, Depth: s.Depth, Direction: s.Direction,
		Types: s.Types, Kinds: s.Kinds, AsOf: s.AsOf, Limit: s.limit(),
		ExcludeContested: s.ExcludeDisputed,
	}
}

// Validate checks the selection without touching a store, with graph's
// rules: those of the neighbourhood query for a selection with seeds, and
// for the whole graph the same rules for kinds, types, direction and asOf.
func (s Selection) Validate() error {
	if s.MaxNodes < 0 || s.MaxNodes > graph.MaxSubgraphSize {
		return graph.Errorf(graph.EINVALID, "export cap must be between 0 and %d, got %d", graph.MaxSubgraphSize, s.MaxNodes)
	}
	if len(s.Seeds) > 0 {
		q := s.query()
		return q.Normalize()
	}
	// The whole graph: the relationships among its nodes obey the rules of
	// a relationships query, and Kinds must be known.
	rq := graph.RelQuery{Direction: s.Direction, Types: s.Types, AsOf: s.AsOf}
	if err := rq.Normalize(); err != nil {
		return err
	}
	return graph.CheckKinds(s.Kinds)
}

func (s Selection) limit() int {
	if s.MaxNodes == 0 {
		return DefaultMaxNodes
	}
	return s.MaxNodes
}

func tooLarge(size string, cap int) error {
	return graph.Errorf(graph.EINVALID, "selection has %s nodes, more than the export cap of %d: narrow it with seeds, depth, types, kinds or asOf", size, cap)
}

// Select reads the selected subgraph from store, with the sources its
// nodes and relationships cite (sorted by id). It never returns a partial
// subgraph: a selection over the cap is EINVALID, stating its size and the
// cap; an unknown seed is ENOTFOUND; a depth over graph.MaxDepth EINVALID.
func Select(ctx context.Context, store graph.Store, sel Selection) (*graph.Subgraph, []*graph.Source, error) {
	if err := sel.Validate(); err != nil {
		return nil, nil, err
	}
	sel = sel.normalised()
	var (
		sub *graph.Subgraph
		err error
	)
	if sel.WholeGraph {
		sub, err = selectAll(ctx, store, sel)
	} else {
		sub, err = selectNeighbourhood(ctx, store, sel)
	}
	if err != nil {
		return nil, nil, err
	}
	sources, err := citedSources(ctx, store, sub)
	if err != nil {
		return nil, nil, err
	}
	if sel.isDataset() {
		// The whole dataset: its sources too, also those no record cites
		// (yet), so that `hmkg load` of the export gives the store back.
		all, err := store.Sources(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("export: sources: %w", err)
		}
		sources = all
	}
	return sub, sources, nil
}

// isDataset reports whether a normalised selection is the whole graph
// with no filter: every record of the store.
func (s Selection) isDataset() bool {
	return s.WholeGraph && len(s.Kinds) == 0 && len(s.Types) == 0 && s.AsOf == nil && !s.ExcludeDisputed
}

// selectNeighbourhood asks the store's Neighbourhood for the selection,
// with the export cap as its limit: a truncated answer is over the cap.
func selectNeighbourhood(ctx context.Context, store graph.Store, sel Selection) (*graph.Subgraph, error) {
	sub, err := store.Neighbourhood(ctx, sel.query())
	if err != nil {
		return nil, fmt.Errorf("export: neighbourhood: %w", err)
	}
	if cap := sel.limit(); sub.Truncated || len(sub.Nodes) > cap {
		return nil, tooLarge(fmt.Sprintf("more than %d", cap), cap)
	}
	return sub, nil
}

// selectAll pages through every node, one kind at a time, then collects
// the relationships among the selected nodes. Paging per kind keeps each
// page's sort small on stores that sort the whole match for every page.
func selectAll(ctx context.Context, store graph.Store, sel Selection) (*graph.Subgraph, error) {
	cap := sel.limit()
	kinds := sel.Kinds
	if len(kinds) == 0 {
		kinds = graph.Kinds
	}
	if sel.AsOf == nil {
		st, err := store.Stats(ctx)
		if err != nil {
			return nil, fmt.Errorf("export: stats: %w", err)
		}
		total := 0
		for _, k := range kinds {
			total += st.KindCounts[k]
		}
		if total > cap {
			return nil, tooLarge(fmt.Sprint(total), cap)
		}
	}
	in := map[string]*graph.Node{}
	for _, k := range kinds {
		f := &graph.NodeFilter{Kinds: []graph.Kind{k}}
		if sel.AsOf != nil {
			// Undated or since no later than asOf (graph.Node.ExistsAsOf):
			// a year bound excludes undated nodes, so its negation keeps them.
			f.Not = &graph.NodeFilter{YearFrom: new(*sel.AsOf + 1)}
		}
		q := graph.NodeQuery{
			Filter:  f,
			OrderBy: []*graph.NodeOrder{{Field: graph.OrderByID, Direction: graph.Asc}},
			Limit:   graph.MaxPageSize,
		}
		for {
			page, err := store.Nodes(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("export: nodes: %w", err)
			}
			for _, n := range page.Nodes {
				in[n.ID] = n
			}
			if len(in) > cap {
				return nil, tooLarge(fmt.Sprintf("more than %d", cap), cap)
			}
			q.Offset += len(page.Nodes)
			if len(page.Nodes) == 0 || q.Offset >= page.Total {
				break
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	return induced(ctx, store, in, sel)
}

// induced returns the nodes in and every relationship among them that
// matches the selection's types and asOf, sorted by id.
func induced(ctx context.Context, store graph.Store, in map[string]*graph.Node, sel Selection) (*graph.Subgraph, error) {
	ids := make([]string, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	sub := &graph.Subgraph{Nodes: make([]*graph.Node, 0, len(ids)), Relationships: []*graph.Relationship{}}
	for _, id := range ids {
		sub.Nodes = append(sub.Nodes, in[id])
	}
	for chunk := range slices.Chunk(ids, graph.MaxPageSize) {
		rels, err := store.Relationships(ctx, graph.RelQuery{NodeIDs: chunk, Direction: graph.DirectionOut, Types: sel.Types, AsOf: sel.AsOf})
		if err != nil {
			return nil, fmt.Errorf("export: relationships: %w", err)
		}
		for _, r := range rels {
			if _, ok := in[r.To]; ok && !(sel.ExcludeDisputed && r.Contested()) {
				sub.Relationships = append(sub.Relationships, r)
			}
		}
	}
	slices.SortFunc(sub.Relationships, func(a, b *graph.Relationship) int { return cmp.Compare(a.ID, b.ID) })
	return sub, nil
}

// citedSources fetches the sources cited by sub's nodes and relationships.
// A cited id the store does not know is an EINTERNAL error: the store's
// validation should have made it impossible.
func citedSources(ctx context.Context, store graph.Store, sub *graph.Subgraph) ([]*graph.Source, error) {
	set := map[string]bool{}
	// The sources of the disputes' positions travel with the export too.
	add := func(ids []string, ds []*graph.Dispute) {
		for _, id := range ids {
			set[id] = true
		}
		for _, d := range ds {
			for _, id := range d.Sources() {
				set[id] = true
			}
		}
	}
	for _, n := range sub.Nodes {
		add(n.SourceIDs, n.Disputes)
	}
	for _, r := range sub.Relationships {
		add(r.SourceIDs, r.Disputes)
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []*graph.Source
	for chunk := range slices.Chunk(ids, graph.MaxPageSize) {
		ss, err := store.SourcesByID(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("export: sources: %w", err)
		}
		for i, s := range ss {
			if s == nil {
				return nil, graph.Errorf(graph.EINTERNAL, "export: cited source %q not found", chunk[i])
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// Prepare selects from store and builds the document to encode in format
// f, with the dataset's name and version from the store's stats and now as
// the generation time.
func Prepare(ctx context.Context, store graph.Store, f Format, sel Selection, now time.Time) (*Document, error) {
	if _, err := ParseFormat(string(f)); err != nil {
		return nil, err
	}
	sub, sources, err := Select(ctx, store, sel)
	if err != nil {
		return nil, err
	}
	stats, err := store.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: stats: %w", err)
	}
	doc := NewDocument(f, sub, sources, sel, stats, now)
	if err := doc.AddMetrics(ctx); err != nil {
		return nil, err
	}
	if err := doc.AddStories(ctx, store); err != nil {
		return nil, err
	}
	return doc, nil
}
