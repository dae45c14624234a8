package neo4jstore

import (
	"context"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// Disputes are stored as a JSON string property on their node or
// relationship (see disputesJSON); these statements find the records that
// have one, in the order of graph.DisputePage.
const (
	cypherNodeDisputes = `MATCH (n:Node) WHERE n.disputes IS NOT NULL AND NOT n:` + stagedLabel + `
RETURN n {.id, .disputes} AS x ORDER BY x.id`
	cypherRelDisputes = `MATCH (a)-[r]->() WHERE r.disputes IS NOT NULL AND NOT a:` + stagedLabel + `
RETURN r {.id, .disputes} AS x ORDER BY x.id`
)

// Disputes lists the disputes recorded on nodes and then on relationships.
func (s *Store) Disputes(ctx context.Context, q graph.DisputeQuery) (*graph.DisputePage, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	all, err := read(ctx, s, func(tx *txn) ([]*graph.Dispute, error) {
		var all []*graph.Dispute
		for _, part := range []struct {
			cypher string
			kind   graph.DisputeSubject
		}{
			{cypherNodeDisputes, graph.AboutNode}, {cypherRelDisputes, graph.AboutRelationship},
		} {
			if q.AboutKind != "" && q.AboutKind != part.kind {
				continue
			}
			recs, err := tx.collect(ctx, part.cypher, nil)
			if err != nil {
				return nil, err
			}
			for _, rec := range recs {
				p, err := props(value(rec, "x"))
				if err != nil {
					return nil, err
				}
				ds, err := getDisputes(p)
				if err != nil {
					return nil, err
				}
				for _, d := range ds {
					d.About, d.AboutKind = getString(p, "id"), part.kind
				}
				all = append(all, ds...)
			}
		}
		return all, nil
	})
	if err != nil {
		return nil, fmt.Errorf("disputes: %w", err)
	}
	return graph.PageDisputes(all, q), nil
}
