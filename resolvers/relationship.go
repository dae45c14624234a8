package resolvers

import (
	"context"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// The planner has fetched what these read with the relationship's level
// (plan.go), so they only look it up in the request's loaders.

// endpoint resolves one endpoint of a relationship.
func (r *Resolver) endpoint(ctx context.Context, rel *graph.Relationship, id string) (graph.Entity, error) {
	l := r.loadersFor(ctx)
	n, ok := l.knownNode(id)
	if !ok {
		ns, err := l.loadNodes(ctx, []string{id})
		if err != nil {
			return nil, fmt.Errorf("load relationship endpoint: %w", err)
		}
		n = ns[0]
	}
	if n == nil {
		return nil, graph.Errorf(graph.EINTERNAL, "relationship %s: endpoint %q is missing", rel.ID, id)
	}
	return graph.Wrap(n), nil
}

// relTensions resolves the tensions a relationship exemplifies.
func (r *Resolver) relTensions(ctx context.Context, rel *graph.Relationship) ([]*graph.Tension, error) {
	ns, err := r.nodes(ctx, rel.TensionIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*graph.Tension, len(ns))
	for i, n := range ns {
		out[i] = &graph.Tension{Node: n}
	}
	return out, nil
}
