package resolvers

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/lens"
	"github.com/hmkg/hmkg/resolvers/model"
)

// The tensions lens: thin resolvers over package lens, which states the
// attribution rule (see TensionCell in schema.graphqls).

func checkIDs(name string, ids []string) error {
	for _, id := range ids {
		if err := checkID(name, id); err != nil {
			return err
		}
	}
	return nil
}

func (r *Resolver) queryTensionMatrix(ctx context.Context, tensions, movements []string, asOf *int) ([]*lens.Cell, error) {
	if err := checkIDs("tensions", tensions); err != nil {
		return nil, err
	}
	if err := checkIDs("movements", movements); err != nil {
		return nil, err
	}
	return lens.Matrix(ctx, r.Store, lens.Query{TensionIDs: tensions, MovementIDs: movements, AsOf: asOf})
}

func (r *Resolver) queryTensionInstitutions(ctx context.Context, tension string, asOf, first *int) ([]*lens.InstitutionCount, error) {
	if err := checkID("tension", tension); err != nil {
		return nil, err
	}
	k, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	if k == 0 {
		return []*lens.InstitutionCount{}, nil
	}
	return lens.TopInstitutions(ctx, r.Store, tension, asOf, k)
}

func (r *Resolver) queryCompareMovements(ctx context.Context, a, b string, asOf *int) (*lens.Comparison, error) {
	if err := checkID("a", a); err != nil {
		return nil, err
	}
	if err := checkID("b", b); err != nil {
		return nil, err
	}
	return lens.Compare(ctx, r.Store, a, b, asOf)
}

func (r *Resolver) tensionNode(ctx context.Context, id string) (*graph.Tension, error) {
	n, err := r.mustNode(ctx, id)
	if err != nil {
		return nil, err
	}
	return &graph.Tension{Node: n}, nil
}

func (r *Resolver) movementNode(ctx context.Context, id string) (*graph.Movement, error) {
	n, err := r.mustNode(ctx, id)
	if err != nil {
		return nil, err
	}
	return &graph.Movement{Node: n}, nil
}

func (r *Resolver) mustNode(ctx context.Context, id string) (*graph.Node, error) {
	n, err := r.node(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, graph.Errorf(graph.ENOTFOUND, "no node with id %s", Quote(id))
	}
	return n, nil
}

// profileTensions lists a profile's tension counts, most first, ties by id.
func (r *Resolver) profileTensions(ctx context.Context, p *lens.Profile) ([]*model.TensionCount, error) {
	ids := make([]string, 0, len(p.Tensions))
	for id := range p.Tensions {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(p.Tensions[b], p.Tensions[a]), strings.Compare(a, b))
	})
	ns, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.TensionCount, 0, len(ns))
	for _, n := range ns {
		out = append(out, &model.TensionCount{Tension: &graph.Tension{Node: n}, Count: p.Tensions[n.ID]})
	}
	return out, nil
}

func institutions(ns []*graph.Node) []*graph.Institution {
	return wrapAs(ns, func(n *graph.Node) *graph.Institution { return &graph.Institution{Node: n} })
}

func organisations(ns []*graph.Node) []*graph.Organisation {
	return wrapAs(ns, func(n *graph.Node) *graph.Organisation { return &graph.Organisation{Node: n} })
}
