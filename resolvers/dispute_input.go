package resolvers

import (
	"context"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

// disputesIn converts DisputeInputs to domain disputes; validation is the
// store's (graph.Dispute.Validate).
func disputesIn(in []*model.DisputeInput) []*graph.Dispute {
	if in == nil {
		return nil
	}
	out := make([]*graph.Dispute, 0, len(in))
	for _, d := range in {
		x := &graph.Dispute{Claim: d.Claim, Note: str(d.Note), Positions: make([]*graph.Position, 0, len(d.Positions))}
		for _, p := range d.Positions {
			x.Positions = append(x.Positions, &graph.Position{Says: p.Says, SourceIDs: p.SourceIds})
		}
		out = append(out, x)
	}
	return out
}

// nodeDisputesIn sets n's disputes from the input, or, when the input
// leaves them out, keeps those of the node it replaces: an edit of other
// fields must not drop recorded disputes.
func (r *Resolver) nodeDisputesIn(ctx context.Context, n *graph.Node, in []*model.DisputeInput) error {
	if in != nil {
		n.Disputes = disputesIn(in)
		return nil
	}
	old, err := r.Store.Node(ctx, n.ID)
	switch {
	case graph.ErrorCode(err) == graph.ENOTFOUND:
		return nil
	case err != nil:
		return err
	}
	n.Disputes = old.Disputes
	return nil
}

// relDisputesIn sets rel's status and disputes from the input, keeping
// those of the relationship it replaces for what the input leaves out.
func (r *Resolver) relDisputesIn(ctx context.Context, rel *graph.Relationship, status *graph.RelationshipStatus, in []*model.DisputeInput) error {
	if status != nil {
		rel.Status = *status
	}
	if in != nil {
		rel.Disputes = disputesIn(in)
	}
	if status != nil && in != nil {
		return nil
	}
	old, err := r.Store.Relationship(ctx, rel.ID)
	switch {
	case graph.ErrorCode(err) == graph.ENOTFOUND:
		return nil
	case err != nil:
		return err
	}
	if status == nil {
		rel.Status = old.Status
	}
	if in == nil {
		rel.Disputes = old.Disputes
	}
	return nil
}
