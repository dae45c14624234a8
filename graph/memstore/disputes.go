package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Disputes lists the disputes recorded on nodes (by node id) and then on
// relationships (by relationship id), in the order each record holds them.
func (s *Store) Disputes(ctx context.Context, q graph.DisputeQuery) (*graph.DisputePage, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var all, rels []*graph.Dispute
	for h := range s.nodes {
		if r := &s.nodes[h]; r.alive() && r.ext != nil && len(r.ext.disputes) > 0 {
			all = append(all, graph.NodeDisputes(&graph.Node{ID: r.id(), Disputes: r.ext.disputes})...)
		}
	}
	for h, x := range s.relExtras {
		if len(x.disputes) > 0 {
			rels = append(rels, graph.RelationshipDisputes(&graph.Relationship{ID: s.relID(h), Disputes: x.disputes})...)
		}
	}
	s.mu.RUnlock()
	// Stable sorts keep each record's own order of its disputes.
	slices.SortStableFunc(all, func(a, b *graph.Dispute) int { return strings.Compare(a.About, b.About) })
	slices.SortStableFunc(rels, func(a, b *graph.Dispute) int { return strings.Compare(a.About, b.About) })
	return graph.PageDisputes(append(all, rels...), q), ctx.Err()
}
