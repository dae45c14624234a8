package graph

import "context"

// RelPlan asks for the relationships of a set of nodes together with what
// the request will read of them next, so that a store can answer a whole
// nesting level in one round trip (see resolvers/plan.go).
type RelPlan struct {
	Query RelQuery
	// Endpoints asks for the nodes at both ends of every relationship.
	Endpoints bool
	// Sources asks for the sources every relationship cites.
	Sources bool
}

// RelPlanResult answers a RelPlan. Relationships are exactly what
// Relationships(Query) returns; Nodes and Sources are what NodesByID and
// SourcesByID return for the endpoints and cited sources, missing ones
// left out, in no particular order.
type RelPlanResult struct {
	Relationships []*Relationship
	Nodes         []*Node
	Sources       []*Source
}

// RelPlanner is implemented by stores that answer a RelPlan in one step.
// It is optional: callers fall back to Relationships, NodesByID and
// SourcesByID, and must get the same data either way (the conformance
// suite in graph/storetest checks it).
type RelPlanner interface {
	PlanRelationships(ctx context.Context, p RelPlan) (*RelPlanResult, error)
}

// PlanRelationships answers p with s's RelPlanner when it has one, or with
// the three ordinary calls.
func PlanRelationships(ctx context.Context, s Store, p RelPlan) (*RelPlanResult, error) {
	if rp, ok := s.(RelPlanner); ok {
		return rp.PlanRelationships(ctx, p)
	}
	return PlanByParts(ctx, s, p)
}

// PlanByParts answers p with Relationships, NodesByID and SourcesByID.
func PlanByParts(ctx context.Context, s Store, p RelPlan) (*RelPlanResult, error) {
	rels, err := s.Relationships(ctx, p.Query)
	if err != nil {
		return nil, err
	}
	out := &RelPlanResult{Relationships: rels}
	var ids, sids []string
	seen := map[string]bool{}
	for _, r := range rels {
		if p.Endpoints {
			for _, id := range []string{r.From, r.To} {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if p.Sources {
			for _, id := range r.SourceIDs {
				if !seen["\x00"+id] {
					seen["\x00"+id] = true
					sids = append(sids, id)
				}
			}
		}
	}
	if len(ids) > 0 {
		ns, err := s.NodesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n != nil {
				out.Nodes = append(out.Nodes, n)
			}
		}
	}
	if len(sids) > 0 {
		ss, err := s.SourcesByID(ctx, sids)
		if err != nil {
			return nil, err
		}
		for _, src := range ss {
			if src != nil {
				out.Sources = append(out.Sources, src)
			}
		}
	}
	return out, nil
}

// NodePlan asks for nodes by id together with the sources they cite.
type NodePlan struct {
	IDs     []string
	Sources bool
}

// NodePlanResult answers a NodePlan: Nodes as NodesByID(IDs) returns them
// (in the order of IDs, nil for missing ones), Sources as SourcesByID
// returns the cited sources, missing ones left out, in no particular order.
type NodePlanResult struct {
	Nodes   []*Node
	Sources []*Source
}

// NodePlanner is implemented by stores that answer a NodePlan in one step;
// optional like RelPlanner.
type NodePlanner interface {
	PlanNodes(ctx context.Context, p NodePlan) (*NodePlanResult, error)
}

// PlanNodes answers p with s's NodePlanner when it has one, or with
// NodesByID and SourcesByID.
func PlanNodes(ctx context.Context, s Store, p NodePlan) (*NodePlanResult, error) {
	if np, ok := s.(NodePlanner); ok {
		return np.PlanNodes(ctx, p)
	}
	return PlanNodesByParts(ctx, s, p)
}

// PlanNodesByParts answers p with NodesByID and SourcesByID.
func PlanNodesByParts(ctx context.Context, s Store, p NodePlan) (*NodePlanResult, error) {
	ns, err := s.NodesByID(ctx, p.IDs)
	if err != nil {
		return nil, err
	}
	out := &NodePlanResult{Nodes: ns}
	if !p.Sources {
		return out, nil
	}
	var sids []string
	seen := map[string]bool{}
	for _, n := range ns {
		if n == nil {
			continue
		}
		for _, id := range n.SourceIDs {
			if !seen[id] {
				seen[id] = true
				sids = append(sids, id)
			}
		}
	}
	if len(sids) > 0 {
		ss, err := s.SourcesByID(ctx, sids)
		if err != nil {
			return nil, err
		}
		for _, src := range ss {
			if src != nil {
				out.Sources = append(out.Sources, src)
			}
		}
	}
	return out, nil
}
