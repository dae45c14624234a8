package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/analysis"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/resolvers/generated"
)

// analysisState identifies the state of the store's dataset: it changes
// with every import or mutation (the version, the time of the last change,
// the audit count and the sizes), so analyses cached under it are never
// stale.
func (r *Resolver) analysisState(ctx context.Context) (string, error) {
	st, err := r.Store.Stats(ctx)
	if err != nil {
		return "", fmt.Errorf("analysis: dataset state: %w", err)
	}
	last := ""
	if st.LastChangeAt != nil {
		last = st.LastChangeAt.UTC().Format("2006-01-02T15:04:05.999999999Z")
	}
	return fmt.Sprintf("%s|%s|%s|%d|%d|%d|%d", st.DatasetName, st.DatasetVersion, last, st.AuditEntriesCount, st.Nodes, st.Relationships, st.Sources), nil
}

// analyse computes (or takes from the cache) the analysis of sel, which is
// read exactly as an export of sel would be, capped at analysis.MaxNodes.
func (r *Resolver) analyse(ctx context.Context, sel export.Selection) (*analysis.Result, error) {
	sel.MaxNodes = analysis.MaxNodes
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	state, err := r.analysisState(ctx)
	if err != nil {
		return nil, err
	}
	key := selectionKey(sel)
	res, _, err := r.analyses.Get(ctx, state, key, func(ctx context.Context) (*analysis.Result, error) {
		// A computation is as heavy as an export: it takes one of the
		// export slots, or fails with ErrBusy (TOO_MANY_REQUESTS).
		if r.Exports != nil {
			select {
			case r.Exports <- struct{}{}:
				defer func() { <-r.Exports }()
			default:
				return nil, fmt.Errorf("analysis: %w", ErrBusy)
			}
		}
		sub, _, err := export.Select(ctx, r.Store, sel)
		if err != nil {
			return nil, err
		}
		return analysis.Analyze(ctx, sub)
	})
	return res, err
}

// selectionKey is a canonical form of a selection: lists sorted and
// deduplicated, so that the same selection asked two ways shares an entry.
func selectionKey(sel export.Selection) string {
	canon := func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return slices.Compact(s)
	}
	k := struct {
		Seeds, Kinds, Types []string
		Depth               int
		Direction           graph.Direction
		AsOf                *int
	}{Seeds: canon(sel.Seeds), Depth: sel.Depth, Direction: sel.Direction, AsOf: sel.AsOf}
	for _, kind := range sel.Kinds {
		k.Kinds = append(k.Kinds, string(kind))
	}
	for _, t := range sel.Types {
		k.Types = append(k.Types, string(t))
	}
	k.Kinds, k.Types = canon(k.Kinds), canon(k.Types)
	if len(k.Seeds) == 0 {
		k.Depth = 0
	}
	b, _ := json.Marshal(k) // plain strings and ints: cannot fail
	return string(b)
}

func (r *Resolver) queryAnalysis(ctx context.Context, seeds []string, depth *int, kinds []graph.Kind, types []graph.RelType, asOf *int) (*analysis.Result, error) {
	for _, id := range seeds {
		if err := checkID("seeds", id); err != nil {
			return nil, err
		}
	}
	d, err := intArg(ctx, "depth", depth, graph.MaxDepth)
	if err != nil {
		return nil, err
	}
	return r.analyse(ctx, export.Selection{Seeds: seeds, Depth: d, Direction: graph.DirectionBoth, Types: types, Kinds: kinds, AsOf: asOf})
}

// nodeMetrics is one node's figures over the whole graph as of asOf; nil
// when the node is not in it.
func (r *Resolver) nodeMetrics(ctx context.Context, n *graph.Node, asOf *int) (*analysis.NodeMetrics, error) {
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	res, err := r.analyse(ctx, export.Selection{Direction: graph.DirectionBoth, AsOf: asOf})
	if err != nil {
		return nil, err
	}
	return res.Node(n.ID), nil
}

func analysisNodes(res *analysis.Result) []*analysis.NodeMetrics {
	out := make([]*analysis.NodeMetrics, len(res.Nodes))
	for i := range res.Nodes {
		out[i] = &res.Nodes[i]
	}
	return out
}

func (r *Resolver) analysisBrokers(ctx context.Context, res *analysis.Result, kinds []graph.Kind, first *int) ([]*analysis.NodeMetrics, error) {
	if err := graph.CheckKinds(kinds); err != nil {
		return nil, err
	}
	k, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	all := res.Brokers(-1)
	if len(kinds) > 0 {
		all = slices.DeleteFunc(all, func(m *analysis.NodeMetrics) bool { return !slices.Contains(kinds, m.Kind) })
	}
	if len(all) > k {
		all = all[:k]
	}
	return all, nil
}

func (r *Resolver) metricsNode(ctx context.Context, m *analysis.NodeMetrics) (graph.Entity, error) {
	n, err := r.node(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if n == nil {
		// Deleted since the analysis was read: answer from the analysis.
		n = &graph.Node{ID: m.ID, Kind: m.Kind, Name: m.Name}
	}
	return graph.Wrap(n), nil
}

func (r *Resolver) communityMembers(ctx context.Context, c *analysis.Community) ([]graph.Entity, error) {
	return r.entitiesByID(ctx, c.Members)
}

// analysisCost is the fixed complexity of computing an analysis, on top of
// what it returns: a whole-graph analysis is worth about as much as a
// page of a hundred nodes with their relationships.
const analysisCost = 1000

// lensComplexity prices the analysis and lens fields: lists without a size
// argument at the size they reach on the curated graph.
func lensComplexity(c *generated.ComplexityRoot) {
	c.Query.Analysis = func(ch int, _ []string, _ *int, _ []graph.Kind, _ []graph.RelType, _ *int) int {
		return analysisCost + ch
	}
	c.Analysis.Nodes = times(graph.MaxPageSize)
	c.Analysis.Communities = times(unboundedListSize)
	c.Analysis.Brokers = func(ch int, _ []graph.Kind, first *int) int {
		return 1 + sized(first, 10, graph.MaxPageSize)*ch
	}
	c.Community.Members = times(graph.DefaultPageSize * 5)
	c.Query.TensionMatrix = func(ch int, _, _ []string, _ *int) int { return 1 + 5*unboundedListSize*ch }
	c.Query.TensionInstitutions = func(ch int, _ string, _ *int, first *int) int {
		return 1 + sized(first, 10, graph.MaxPageSize)*ch
	}
	c.TensionCell.Episodes = times(unboundedListSize)
	c.TensionInstitution.Episodes = times(unboundedListSize)
	c.MovementProfile.Members = times(unboundedListSize)
	c.MovementProfile.Tensions = times(unboundedListSize)
	c.MovementProfile.Timeline = times(5 * unboundedListSize)
	c.MovementComparison.SharedInstitutions = times(unboundedListSize)
	c.MovementComparison.SharedOrganisations = times(unboundedListSize)
}
