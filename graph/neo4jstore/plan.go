package neo4jstore

import (
	"context"
	"fmt"

	"github.com/hmkg/hmkg/graph"
)

// planRelationshipsFor answers a graph.RelPlan in one statement: the
// relationships exactly as cypherRelationships selects them, then (when
// asked) their endpoints and the sources they cite, each gathered once.
func planRelationshipsFor(pattern string) string {
	return `UNWIND $ids AS id
MATCH ` + pattern + `
WHERE NOT a:` + stagedLabel + ` AND ` + relOK + `
WITH DISTINCT r ORDER BY r.id
WITH collect(r) AS rs
CALL (rs) {
  UNWIND CASE WHEN $endpoints THEN rs ELSE [] END AS r
  UNWIND [startNode(r), endNode(r)] AS n
  RETURN collect(DISTINCT n) AS ns
}
CALL (rs) {
  UNWIND CASE WHEN $sources THEN rs ELSE [] END AS r
  UNWIND coalesce(r.sources, []) AS sid
  WITH DISTINCT sid
  MATCH (s:Source {id: sid})
  RETURN collect(s) AS ss
}
RETURN [r IN rs | ` + relMap + `] AS rels, ns, ss`
}

var cypherPlanRelationships = map[graph.Direction]string{
	graph.DirectionOut:  planRelationshipsFor("(a:Node {id: id})-[r]->(b)"),
	graph.DirectionIn:   planRelationshipsFor("(a:Node {id: id})<-[r]-(b)"),
	graph.DirectionBoth: planRelationshipsFor("(a:Node {id: id})-[r]-(b)"),
}

// PlanRelationships answers a whole nesting level in one round trip
// (graph.RelPlanner).
func (s *Store) PlanRelationships(ctx context.Context, p graph.RelPlan) (*graph.RelPlanResult, error) {
	q := p.Query
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if len(q.NodeIDs) == 0 {
		return &graph.RelPlanResult{Relationships: []*graph.Relationship{}}, nil
	}
	params := map[string]any{
		"ids": dedupe(q.NodeIDs), "types": typeParams(q.Types), "asOf": intParam(q.AsOf),
		"endpoints": p.Endpoints, "sources": p.Sources, "assertedOnly": false,
	}
	out, err := read(ctx, s, func(tx *txn) (*graph.RelPlanResult, error) {
		rec, err := tx.single(ctx, cypherPlanRelationships[q.Direction], params)
		if err != nil {
			return nil, err
		}
		res := &graph.RelPlanResult{Relationships: []*graph.Relationship{}}
		rels, _ := value(rec, "rels").([]any)
		for _, v := range rels {
			r, err := toRel(v)
			if err != nil {
				return nil, err
			}
			res.Relationships = append(res.Relationships, r)
		}
		ns, _ := value(rec, "ns").([]any)
		for _, v := range ns {
			n, err := toNode(v)
			if err != nil {
				return nil, err
			}
			res.Nodes = append(res.Nodes, n)
		}
		ss, _ := value(rec, "ss").([]any)
		for _, v := range ss {
			src, err := toSource(v)
			if err != nil {
				return nil, err
			}
			res.Sources = append(res.Sources, src)
		}
		return res, nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan relationships: %w", err)
	}
	return out, nil
}

// cypherPlanNodes answers a graph.NodePlan in one statement.
const cypherPlanNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE NOT n:` + stagedLabel + `
WITH collect(n) AS ns
CALL (ns) {
  UNWIND CASE WHEN $sources THEN ns ELSE [] END AS n
  UNWIND coalesce(n.sources, []) AS sid
  WITH DISTINCT sid
  MATCH (s:Source {id: sid})
  RETURN collect(s) AS ss
}
RETURN ns, ss`

// PlanNodes answers nodes with their sources in one round trip
// (graph.NodePlanner).
func (s *Store) PlanNodes(ctx context.Context, p graph.NodePlan) (*graph.NodePlanResult, error) {
	if len(p.IDs) == 0 {
		return &graph.NodePlanResult{Nodes: []*graph.Node{}}, nil
	}
	params := map[string]any{"ids": dedupe(p.IDs), "sources": p.Sources}
	out, err := read(ctx, s, func(tx *txn) (*graph.NodePlanResult, error) {
		rec, err := tx.single(ctx, cypherPlanNodes, params)
		if err != nil {
			return nil, err
		}
		byID := map[string]*graph.Node{}
		ns, _ := value(rec, "ns").([]any)
		for _, v := range ns {
			n, err := toNode(v)
			if err != nil {
				return nil, err
			}
			byID[n.ID] = n
		}
		r := &graph.NodePlanResult{Nodes: make([]*graph.Node, len(p.IDs))}
		for i, id := range p.IDs {
			r.Nodes[i] = byID[id]
		}
		ss, _ := value(rec, "ss").([]any)
		for _, v := range ss {
			src, err := toSource(v)
			if err != nil {
				return nil, err
			}
			r.Sources = append(r.Sources, src)
		}
		return r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan nodes: %w", err)
	}
	return out, nil
}
