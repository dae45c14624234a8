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
	// CLIMaxNodes is the cap for the command line, which streams to a file.
	CLIMaxNodes = 5_000_000
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

// Validate checks the selection without touching a store.
func (s Selection) Validate() error {
	if len(s.Seeds) > 0 && (s.Depth < 0 || s.Depth > graph.MaxDepth) {
		return graph.Errorf(graph.EINVALID, "depth %d is out of range: use 0 to %d", s.Depth, graph.MaxDepth)
	}
	if s.Direction != "" && !s.Direction.Valid() {
		return graph.Errorf(graph.EINVALID, "unknown direction %q", s.Direction)
	}
	for _, t := range s.Types {
		if !t.Valid() {
			return graph.Errorf(graph.EINVALID, "unknown relationship type %q", t)
		}
	}
	for _, k := range s.Kinds {
		if !k.Valid() {
			return graph.Errorf(graph.EINVALID, "unknown node kind %q", k)
		}
	}
	if s.MaxNodes < 0 {
		return graph.Errorf(graph.EINVALID, "export cap %d is negative", s.MaxNodes)
	}
	return nil
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
	return sub, sources, nil
}

// selectNeighbourhood asks the store's Neighbourhood for up to
// MaxNeighbourhoodSize nodes; only a larger selection under a larger cap
// falls back to walking the graph here, hop by hop.
func selectNeighbourhood(ctx context.Context, store graph.Store, sel Selection) (*graph.Subgraph, error) {
	cap := sel.limit()
	q := graph.NeighbourhoodQuery{
		Seeds: sel.Seeds, Depth: sel.Depth, Direction: sel.Direction,
		Types: sel.Types, Kinds: sel.Kinds, AsOf: sel.AsOf,
		Limit: min(cap, graph.MaxNeighbourhoodSize),
	}
	sub, err := store.Neighbourhood(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("export: neighbourhood: %w", err)
	}
	if !sub.Truncated && len(sub.Nodes) <= cap {
		return sub, nil
	}
	if cap <= graph.MaxNeighbourhoodSize {
		return nil, tooLarge(fmt.Sprintf("more than %d", len(sub.Nodes)), cap)
	}
	return walk(ctx, store, sel, cap)
}

// walk collects the k-hop neighbourhood of the seeds through
// Store.Relationships, for selections beyond MaxNeighbourhoodSize. Like
// the neighbourhood query, Kinds restricts which nodes are reached (the
// seeds are always in) and AsOf leaves out nodes and relationships that
// did not exist yet.
func walk(ctx context.Context, store graph.Store, sel Selection, cap int) (*graph.Subgraph, error) {
	seeds, err := store.NodesByID(ctx, sel.Seeds)
	if err != nil {
		return nil, fmt.Errorf("export: seeds: %w", err)
	}
	in := make(map[string]*graph.Node, len(seeds))
	var frontier []string
	for i, n := range seeds {
		if n == nil {
			return nil, graph.Errorf(graph.ENOTFOUND, "seed %q not found", sel.Seeds[i])
		}
		if _, ok := in[n.ID]; !ok {
			in[n.ID] = n
			frontier = append(frontier, n.ID)
		}
	}
	for hop := 0; hop < sel.Depth && len(frontier) > 0; hop++ {
		var next []string
		for chunk := range slices.Chunk(frontier, graph.MaxPageSize) {
			rels, err := store.Relationships(ctx, graph.RelQuery{NodeIDs: chunk, Direction: sel.Direction, Types: sel.Types, AsOf: sel.AsOf})
			if err != nil {
				return nil, fmt.Errorf("export: relationships: %w", err)
			}
			var ids []string
			seen := map[string]bool{}
			for _, r := range rels {
				for _, id := range []string{r.From, r.To} {
					if _, ok := in[id]; !ok && !seen[id] {
						seen[id] = true
						ids = append(ids, id)
					}
				}
			}
			slices.Sort(ids)
			ns, err := store.NodesByID(ctx, ids)
			if err != nil {
				return nil, fmt.Errorf("export: nodes: %w", err)
			}
			for _, n := range ns {
				if n == nil || !n.ExistsAsOf(sel.AsOf) || (len(sel.Kinds) > 0 && !slices.Contains(sel.Kinds, n.Kind)) {
					continue
				}
				in[n.ID] = n
				next = append(next, n.ID)
			}
			if len(in) > cap {
				return nil, tooLarge(fmt.Sprintf("more than %d", cap), cap)
			}
		}
		frontier = next
	}
	return induced(ctx, store, in, sel)
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
		q := graph.NodeQuery{
			Filter:  &graph.NodeFilter{Kinds: []graph.Kind{k}},
			OrderBy: []*graph.NodeOrder{{Field: graph.OrderByID, Direction: graph.Asc}},
			Limit:   graph.MaxPageSize,
		}
		for {
			page, err := store.Nodes(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("export: nodes: %w", err)
			}
			for _, n := range page.Nodes {
				if n.ExistsAsOf(sel.AsOf) {
					in[n.ID] = n
				}
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
			if _, ok := in[r.To]; ok {
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
	for _, n := range sub.Nodes {
		for _, id := range n.SourceIDs {
			set[id] = true
		}
	}
	for _, r := range sub.Relationships {
		for _, id := range r.SourceIDs {
			set[id] = true
		}
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
	return NewDocument(f, sub, sources, sel, stats, now), nil
}
