package resolvers

import (
	"context"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

// includeDisputed reads the includeDisputed argument: true (the default,
// also for an explicit null) keeps DISPUTED and RETRACTED relationships,
// marked by their status; false leaves them out.
func includeDisputed(p *bool) bool { return p == nil || *p }

func (r *Resolver) queryDisputes(ctx context.Context, about []string, aboutKind *graph.DisputeSubject, claimContains *string, first *int, after *string) (*model.DisputeConnection, error) {
	limit, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	for _, id := range about {
		if err := checkID("about", id); err != nil {
			return nil, err
		}
	}
	q := graph.DisputeQuery{About: about, Offset: offset, Limit: limit}
	if aboutKind != nil {
		q.AboutKind = *aboutKind
	}
	if claimContains != nil {
		q.ClaimContains = *claimContains
	}
	page, err := r.Store.Disputes(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.DisputeConnection{
		Nodes:      page.Disputes,
		Edges:      make([]*model.DisputeEdge, len(page.Disputes)),
		TotalCount: page.Total,
		PageInfo:   pageInfo(offset, len(page.Disputes), page.Total),
	}
	for i, d := range page.Disputes {
		conn.Edges[i] = &model.DisputeEdge{Cursor: encodeCursor(offset + i), Node: d}
	}
	return conn, nil
}

// disputeNode is Dispute.node: the node a dispute is about, or nil.
func (r *Resolver) disputeNode(ctx context.Context, d *graph.Dispute) (graph.Entity, error) {
	if d.AboutKind != graph.AboutNode {
		return nil, nil
	}
	n, err := r.node(ctx, d.About)
	if err != nil || n == nil {
		return nil, err
	}
	return graph.Wrap(n), nil
}

// disputeRelationship is Dispute.relationship: the relationship a dispute
// is about, or nil.
func (r *Resolver) disputeRelationship(ctx context.Context, d *graph.Dispute) (*graph.Relationship, error) {
	if d.AboutKind != graph.AboutRelationship {
		return nil, nil
	}
	rel, err := r.Store.Relationship(ctx, d.About)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return nil, nil
	}
	return rel, err
}

// sourceKind is Source.kind: null when the source records none.
func sourceKind(s *graph.Source) *graph.SourceKind {
	if s.Kind == "" {
		return nil
	}
	k := s.Kind
	return &k
}
