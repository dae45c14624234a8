package resolvers

import (
	"context"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// endpoints resolves one endpoint of every relationship of a list at once.
func (r *Resolver) endpoints(ctx context.Context, rels []*graph.Relationship, end func(*graph.Relationship) string) ([]graph.Entity, error) {
	ids := make([]string, len(rels))
	for i, rel := range rels {
		ids[i] = end(rel)
	}
	ns, err := r.loadersFor(ctx).loadNodes(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load relationship endpoints: %w", err)
	}
	out := make([]graph.Entity, len(ns))
	for i, n := range ns {
		if n == nil {
			return nil, graph.Errorf(graph.EINTERNAL, "relationship %s: endpoint %q is missing", rels[i].ID, ids[i])
		}
		out[i] = graph.Wrap(n)
	}
	return out, nil
}

// relTensions resolves the tensions of every relationship of a list at once.
func (r *Resolver) relTensions(ctx context.Context, rels []*graph.Relationship) ([][]*graph.Tension, error) {
	var ids []string
	for _, rel := range rels {
		ids = append(ids, rel.TensionIDs...)
	}
	ns, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*graph.Node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([][]*graph.Tension, len(rels))
	for i, rel := range rels {
		out[i] = []*graph.Tension{}
		for _, id := range rel.TensionIDs {
			if n := byID[id]; n != nil {
				out[i] = append(out[i], &graph.Tension{Node: n})
			}
		}
	}
	return out, nil
}

// relSources resolves the sources of every relationship of a list at once.
func (r *Resolver) relSources(ctx context.Context, rels []*graph.Relationship) ([][]*graph.Source, error) {
	var ids []string
	for _, rel := range rels {
		ids = append(ids, rel.SourceIDs...)
	}
	ss, err := r.sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*graph.Source, len(ss))
	for _, s := range ss {
		byID[s.ID] = s
	}
	out := make([][]*graph.Source, len(rels))
	for i, rel := range rels {
		out[i] = []*graph.Source{}
		for _, id := range rel.SourceIDs {
			if s := byID[id]; s != nil {
				out[i] = append(out[i], s)
			}
		}
	}
	return out, nil
}
