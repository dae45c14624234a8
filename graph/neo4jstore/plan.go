package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hmkg/hmkg/graph"
)

// The planned reads (graph.RelPlanner, NodePlanner, PagePlanner,
// SearchPlanner) answer a root field and the nesting levels below it that a
// request selects in ONE statement: the root's nodes are bound to the list
// ns, then CALL subqueries gather the sources they cite and their
// relationships (the list rs), then rs's endpoints and cited sources. Each
// part is switched on or off by a boolean parameter, so that one statement
// text (and one cached Neo4j plan) serves every selection.

// relShape is what the text of a relationships level depends on: the
// direction and the relationship types (validated names from the closed
// list graph.RelTypes, joined with "|"; empty: any). Neo4j expands only the
// relationships of the named types, where a type condition alone would
// read them all.
type relShape struct {
	dir   graph.Direction
	types string
	// labels are those of graph.RelPlan.OtherKinds (graph.Kind.Label of
	// validated kinds), joined with "|"; empty: any.
	labels string
	// dated: the level is read as of a year ($asOf is set), so the
	// relationships' and endpoints' dates are tested.
	dated bool
}

func (r relShape) key() string {
	return string(r.dir) + ":" + r.types + ":" + r.labels + ":" + fmt.Sprint(r.dated)
}

// pattern matches a relationship r of the bound node a.
func (r relShape) pattern() string {
	t, b := "", "b"
	if r.types != "" {
		t = ":" + r.types
	}
	if r.labels != "" {
		b += ":" + r.labels
	}
	switch r.dir {
	case graph.DirectionOut:
		return "(a)-[r" + t + "]->(" + b + ")"
	case graph.DirectionIn:
		return "(a)<-[r" + t + "]-(" + b + ")"
	}
	return "(a)-[r" + t + "]-(" + b + ")"
}

// tailSpec is what the text of a planned statement's tail (after it has
// bound ns, the root's nodes) depends on: unlike the earlier tail, whose
// parts were switched by parameters, it holds only the parts asked for and
// tests only the conditions its parameters make live (relOKFor), and it
// returns the relationships' endpoints without the nodes of ns, which it
// returns anyway. Each such part cost database hits and time even when
// switched off: the 20 movements with their members took 1,571 hits and
// 1.3-1.7 ms (p50) with the earlier tail, 1,041 hits and 1.0-1.1 ms with only the
// live parts and the bare projections (bench/NOTES.md).
type tailSpec struct {
	shape                                relShape
	sources, rels, endpoints, relSources bool
	// nodes: the statement returns ns (PlanNodes, PlanPage; not
	// PlanRelationships).
	nodes  bool
	nf, rf *graph.Fields
}

func (t tailSpec) key() string {
	return fmt.Sprint(t.shape.key(), t.sources, t.rels, t.endpoints, t.relSources, t.nodes, fieldsKey(t.nf), "/", fieldsKey(t.rf))
}

// shared says whether the endpoints that are nodes of ns are left out of
// rns (and taken from ns when decoding): when ns is returned, projected
// as the endpoints are.
func (t tailSpec) shared() bool { return t.nodes && fieldsKey(t.nf) == fieldsKey(t.rf) }

// newTail returns the tail of a planned statement answering p's parts.
func newTail(shape relShape, sources bool, rp *graph.RelPlan, nodes bool, nf *graph.Fields) tailSpec {
	t := tailSpec{shape: shape, sources: sources, nodes: nodes, nf: nf}
	if rp != nil {
		t.rels, t.endpoints, t.relSources, t.rf = true, rp.Endpoints, rp.Sources, rp.Fields
	}
	return t
}

// text returns the tail's Cypher: CALL subqueries for the parts asked
// for, then RETURN with the columns decodePlanned reads (ns when t.nodes;
// ss when t.sources; rels, rns and rss when t.rels, rns and rss only when
// asked).
func (t tailSpec) text() string {
	var b strings.Builder
	if t.sources {
		b.WriteString(`
CALL (ns) {
  UNWIND ns AS n
  UNWIND coalesce(n.sources, []) AS sid
  WITH DISTINCT sid
  MATCH (s:Source {id: sid})
  RETURN collect(` + sourceMap + `) AS ss
}`)
	}
	if t.rels {
		where := relOKFor(false, false, t.shape.dated)
		if where != "" {
			where = "\n  WHERE " + where
		}
		// The pattern names the types, so Neo4j expands only those. A
		// relationship is met once per node of ns it touches, so twice
		// only when both its ends are in ns, which a directed pattern
		// cannot match. Sorting by id is left to decodeRelList, and the
		// endpoints not in ns are the b's (the 20 movements' members: 0.94
		// ms p50 with ORDER BY and a second subquery for the endpoints,
		// 0.87 ms without, the hand-written query 0.90 ms; 500 alternated
		// runs).
		rs := "collect(r)"
		if t.shape.dir == graph.DirectionBoth {
			rs = "collect(DISTINCT r)"
		}
		if t.endpoints && t.shared() {
			b.WriteString(`
CALL (ns) {
  UNWIND ns AS a
  MATCH ` + t.shape.pattern() + where + `
  WITH ` + rs + ` AS rs, collect(DISTINCT b) AS bs
  RETURN rs, [x IN bs WHERE NOT x IN ns] AS rns
}`)
		} else {
			b.WriteString(`
CALL (ns) {
  UNWIND ns AS a
  MATCH ` + t.shape.pattern() + where + `
  RETURN ` + rs + ` AS rs
}`)
			if t.endpoints {
				b.WriteString(`
CALL (rs) {
  UNWIND rs AS r
  UNWIND [startNode(r), endNode(r)] AS n
  RETURN collect(DISTINCT n) AS rns
}`)
			}
		}
		if t.relSources {
			b.WriteString(`
CALL (rs) {
  UNWIND rs AS r
  UNWIND coalesce(r.sources, []) AS sid
  WITH DISTINCT sid
  MATCH (s:Source {id: sid})
  RETURN collect(` + sourceMap + `) AS rss
}`)
		}
	}
	// Nodes and relationships as lists (nodeListFor, relListFor).
	var cols []string
	if t.nodes {
		cols = append(cols, "[n IN ns | "+nodeListFor("n", t.nf)+"] AS ns")
	}
	if t.sources {
		cols = append(cols, "ss")
	}
	if t.rels {
		cols = append(cols, "[r IN rs | "+relListFor(t.rf)+"] AS rels")
		if t.endpoints {
			cols = append(cols, "[n IN rns | "+nodeListFor("n", t.rf)+"] AS rns")
		}
		if t.relSources {
			cols = append(cols, "rss")
		}
	}
	b.WriteString("\nRETURN " + strings.Join(cols, ", "))
	return b.String()
}

// statements caches the planned statements by what they are built from
// (the statement text depends only on the direction and the fields).
var statements sync.Map

func cachedStatement(key string, build func() string) string {
	if v, ok := statements.Load(key); ok {
		return v.(string)
	}
	s := build()
	statements.Store(key, s)
	return s
}

// planRelationshipsStatement answers a graph.RelPlan in one statement: the
// relationships exactly as cypherRelationships selects them, then (when
// asked) their endpoints and the sources they cite.
func planRelationshipsStatement(t tailSpec) string {
	return cachedStatement("rels "+t.key(), func() string {
		return `UNWIND $ids AS id
MATCH (a:Node {id: id}) WHERE NOT a:` + stagedLabel + `
WITH collect(a) AS ns` + t.text()
	})
}

// relFields are the fields of p's relationships level, if any.
func relFields(p *graph.RelPlan) *graph.Fields {
	if p == nil {
		return nil
	}
	return p.Fields
}

// relLevelParams sets the parameters of the relationships level for rp
// (nil: none asked) into params, and returns the shape to plan.
func relLevelParams(rp *graph.RelPlan, params map[string]any) (relShape, error) {
	params["types"], params["asOf"], params["assertedOnly"] = []any{}, nil, false
	if rp == nil {
		return relShape{dir: graph.DirectionBoth}, nil
	}
	q := rp.Query
	if err := q.Normalize(); err != nil {
		return relShape{}, err
	}
	params["types"], params["asOf"] = typeParams(q.Types), intParam(q.AsOf)
	dated := q.AsOf != nil
	names := make([]string, 0, len(q.Types))
	for _, t := range q.Types {
		if !slices.Contains(graph.RelTypes, t) {
			return relShape{}, graph.Errorf(graph.EINVALID, "unknown relationship type %q", t)
		}
		names = append(names, string(t))
	}
	slices.Sort(names)
	labels := make([]string, 0, len(rp.OtherKinds))
	for _, k := range rp.OtherKinds {
		if !k.Valid() {
			return relShape{}, graph.Errorf(graph.EINVALID, "unknown node kind %q", k)
		}
		labels = append(labels, k.Label())
	}
	slices.Sort(labels)
	return relShape{dir: q.Direction, types: strings.Join(slices.Compact(names), "|"),
		labels: strings.Join(slices.Compact(labels), "|"), dated: dated}, nil
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
	params := map[string]any{"ids": dedupe(q.NodeIDs)}
	dir, err := relLevelParams(&p, params)
	if err != nil {
		return nil, err
	}
	t := newTail(dir, false, &p, false, nil)
	out, err := read(ctx, s, func(tx *txn) (*graph.RelPlanResult, error) {
		rec, err := tx.single(ctx, planRelationshipsStatement(t), params)
		if err != nil {
			return nil, err
		}
		return decodeRelList(rec, t.rf)
	})
	if err != nil {
		return nil, fmt.Errorf("plan relationships: %w", err)
	}
	return out, nil
}

// planNodesStatement answers a graph.NodePlan in one statement.
func planNodesStatement(t tailSpec) string {
	return cachedStatement("nodes "+t.key(), func() string {
		return `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE NOT n:` + stagedLabel + `
WITH collect(n) AS ns` + t.text()
	})
}

// PlanNodes answers nodes with their sources and relationships level in
// one round trip (graph.NodePlanner).
func (s *Store) PlanNodes(ctx context.Context, p graph.NodePlan) (*graph.NodePlanResult, error) {
	params := map[string]any{"ids": dedupe(p.IDs)}
	dir, err := relLevelParams(p.Rels, params)
	if err != nil {
		return nil, err
	}
	if len(p.IDs) == 0 {
		r := &graph.NodePlanResult{Nodes: []*graph.Node{}}
		if p.Rels != nil {
			r.Rels = &graph.RelPlanResult{Relationships: []*graph.Relationship{}}
		}
		return r, nil
	}
	t := newTail(dir, p.Sources, p.Rels, true, p.Fields)
	out, err := read(ctx, s, func(tx *txn) (*graph.NodePlanResult, error) {
		rec, err := tx.single(ctx, planNodesStatement(t), params)
		if err != nil {
			return nil, err
		}
		ns, err := decodeNodeList(value(rec, "ns"), t.nf)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*graph.Node, len(ns))
		for _, n := range ns {
			byID[n.ID] = n
		}
		r := &graph.NodePlanResult{Nodes: make([]*graph.Node, len(p.IDs))}
		for i, id := range p.IDs {
			r.Nodes[i] = byID[id]
		}
		r.Sources, r.Rels, err = decodePlanned(rec, t, ns)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("plan nodes: %w", err)
	}
	return out, nil
}

// planPageStatement returns the statement, its tail and its parameters
// answering a graph.PagePlan in one round trip. With p.NoTotal it reads
// one node past the page (column more) instead of counting the matches
// (column total).
func planPageStatement(p graph.PagePlan) (string, tailSpec, map[string]any, error) {
	q := p.Query
	if err := q.Normalize(); err != nil {
		return "", tailSpec{}, nil, err
	}
	c := &compiler{params: map[string]any{}}
	where := c.filter(q.Filter)
	c.params["offset"] = int64(q.Offset)
	c.params["limit"] = int64(q.Limit)
	dir, err := relLevelParams(p.Rels, c.params)
	if err != nil {
		return "", tailSpec{}, nil, err
	}
	t := newTail(dir, p.Sources, p.Rels, true, p.Fields)
	// Assembled from the fixed fragments of filter.go and this file; every
	// value is a parameter.
	where = "NOT n:" + stagedLabel + " AND (" + where + ")"
	var cypher string
	if p.NoTotal {
		c.params["past"] = int64(q.Limit + 1)
		cypher = `CALL () { MATCH (n:Node) WHERE ` + where + `
  WITH n ORDER BY ` + orderBy(q.OrderBy) + ` SKIP $offset LIMIT $past
  RETURN collect(n) AS page }
WITH page[0..$limit] AS ns, size(page) > $limit AS more` + t.text() + `, more`
	} else {
		cypher = `CALL () { MATCH (n:Node) WHERE ` + where + ` RETURN count(n) AS total }
CALL () { MATCH (n:Node) WHERE ` + where + `
  WITH n ORDER BY ` + orderBy(q.OrderBy) + ` SKIP $offset LIMIT $limit
  RETURN collect(n) AS ns }` + t.text() + `, total`
	}
	return cypher, t, c.params, nil
}

// PlanPage answers a page of nodes with their sources and relationships
// level in one round trip (graph.PagePlanner).
func (s *Store) PlanPage(ctx context.Context, p graph.PagePlan) (*graph.PagePlanResult, error) {
	cypher, t, params, err := planPageStatement(p)
	if err != nil {
		return nil, err
	}
	out, err := read(ctx, s, func(tx *txn) (*graph.PagePlanResult, error) {
		rec, err := tx.single(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		ns, err := decodeNodeList(value(rec, "ns"), t.nf)
		if err != nil {
			return nil, err
		}
		if ns == nil {
			ns = []*graph.Node{}
		}
		total := asInt(value(rec, "total"))
		if p.NoTotal {
			total = p.Query.Offset + len(ns)
			if more, _ := value(rec, "more").(bool); more {
				total++
			}
		}
		r := &graph.PagePlanResult{Page: &graph.NodePage{Nodes: ns, Total: total}}
		r.Sources, r.Rels, err = decodePlanned(rec, t, ns)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("plan page: %w", err)
	}
	return out, nil
}
