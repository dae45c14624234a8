package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
)

// Traversals run in the database with Cypher 5 path selectors. Their
// semantics follow the embedded store (graph/memstore/traverse.go):
//
//   - Neighbourhood: breadth-first levels from the seeds; nodes of a
//     filtered-out kind are neither returned nor walked through; a limit
//     keeps the closest nodes, within a level by id. ANY SHORTEST gives every
//     reachable node its level; ORDER BY level, id with LIMIT makes the cut.
//   - ShortestPaths: the first K loopless paths ordered by length, then by
//     the sequence of node ids; parallel relationships between two
//     consecutive nodes count once, reported by their smallest id.
//     SHORTEST g GROUPS returns every trail of the g shortest lengths; the
//     store keeps the loopless ones and asks for one more group until it
//     has K paths or the groups run out.

// Hop bounds are not parameters in Cypher; these templates take validated
// small integers (depth 1..graph.MaxDepth, groups 1..graph.MaxPaths, length
// 1..graph.MaxPathLength) through %d.
var (
	// cypherNeighbourhoodTemplate answers a neighbourhood in one statement:
	// the seeds (missing ones are absent from the list), the nodes reached
	// (%s: cypherReachPart, or nothing at depth 0), cut to $keep, and the
	// relationships among all of them. The reach collects whole nodes and
	// projects them at the end: with a map projection in place of m before
	// the cut, Neo4j 5.26 runs the search five times slower (42 ms against
	// 200 ms for act-up's 2-hop neighbourhood).
	cypherNeighbourhoodTemplate = `CALL () {
  UNWIND $seeds AS id
  OPTIONAL MATCH (s:Node {id: id}) WHERE NOT s:` + stagedLabel + `
  RETURN collect(s) AS seeds
}
%s
WITH seeds, reached, seeds + reached[..$keep] AS ns
CALL (ns) {
  UNWIND ns AS a
  MATCH (a)-[r]->(b) WHERE b IN ns AND ` + relOK + `
  WITH r ORDER BY r.id
  RETURN collect(` + relMap + `) AS rels
}
RETURN [s IN seeds | ` + nodeMap("s") + `] AS seeds, [m IN reached | ` + nodeMap("m") + `] AS reached, rels`

	// cypherReachPart binds reached: the nodes within %d hops (pattern %s)
	// of the seeds, closest first, then by id, at most $room of them.
	cypherReachPart = `CALL () {
  MATCH (s:Node) WHERE s.id IN $seeds AND NOT s:` + stagedLabel + `
  MATCH p = ANY SHORTEST (s) ((a)%s(b) WHERE ` + relOK + ` AND (size($kinds) = 0 OR b.kind IN $kinds)){1,%d} (m)
  WHERE NOT m.id IN $seeds
  WITH m, min(length(p)) AS d
  ORDER BY d, m.id
  LIMIT $room
  RETURN collect(m) AS reached
}`

	// cypherNoReach binds no reached nodes (depth 0, or the seeds alone
	// exceed the limit).
	cypherNoReach = `WITH seeds, [] AS reached`
)

// pathsTemplate returns the template (taking the number of groups and the
// longest length) of the statement that finds the trails of the shortest
// groups between the endpoints, whose relationships pass where (relOKFor;
// "": any). first: the endpoints are looked up in the same statement (the
// first statement of ShortestPaths), which then returns one row per trail
// of the shortest groups, or one row with a null len when there is none
// (or an endpoint is missing, the same node, or not yet there as of
// $asOf); otherwise the endpoints must exist and only the trails are
// returned.
func pathsTemplate(first bool, where string) string {
	if where != "" {
		where = " WHERE " + where
	}
	part := `
MATCH p = SHORTEST %d GROUPS (s) ((a)-[r]-(b)` + where + `){1,%d} (t)
WITH p, [n IN nodes(p) | n.id] AS ids
WITH p, size(ids) = size(reduce(seen = [], id IN ids | CASE WHEN id IN seen THEN seen ELSE seen + id END)) AS simple
WITH length(p) AS len, simple,
  CASE WHEN simple THEN [n IN nodes(p) | ` + nodeMap("n") + `] END AS ns,
  CASE WHEN simple THEN [r IN relationships(p) | ` + relMap + `] END AS rs`
	if !first {
		return `MATCH (s:Node {id: $from}), (t:Node {id: $to}) WHERE NOT s:` + stagedLabel + ` AND NOT t:` + stagedLabel + part + `
RETURN len, simple, ns, rs`
	}
	return `OPTIONAL MATCH (s:Node {id: $from}) WHERE NOT s:` + stagedLabel + `
OPTIONAL MATCH (t:Node {id: $to}) WHERE NOT t:` + stagedLabel + `
OPTIONAL CALL (s, t) {
  WITH s, t WHERE s <> t AND ($asOf IS NULL OR ((s.since IS NULL OR s.since <= $asOf) AND (t.since IS NULL OR t.since <= $asOf)))` +
		part + `
  RETURN len, simple, ns, rs
}
RETURN ` + nodeMap("s") + ` AS s, ` + nodeMap("t") + ` AS t, len, simple, ns, rs`
}

// pathsStatement is pathsTemplate's statement for groups and maxLen, with
// the conditions q's parameters make live.
func pathsStatement(first bool, q graph.PathQuery, groups, maxLen int) string {
	where := relOKFor(len(q.Types) > 0, q.ExcludeContested, q.AsOf != nil)
	return cachedStatement(fmt.Sprint("paths ", first, where, groups, maxLen), func() string {
		return fmt.Sprintf(pathsTemplate(first, where), groups, maxLen)
	})
}

var relPattern = map[graph.Direction]string{
	graph.DirectionOut:  "-[r]->",
	graph.DirectionIn:   "<-[r]-",
	graph.DirectionBoth: "-[r]-",
}

// Neighbourhood returns the nodes within q.Depth hops of the seeds and the
// relationships among them that match the query. A Limit of 0 means
// graph.MaxNeighbourhoodSize.
func (s *Store) Neighbourhood(ctx context.Context, q graph.NeighbourhoodQuery) (*graph.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	seeds := dedupe(q.Seeds)
	cypher, params, room, truncated := neighbourhoodStatement(q, seeds)
	sg, err := read(ctx, s, func(tx *txn) (*graph.Subgraph, error) {
		rec, err := tx.single(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		found, err := decodeNodes(value(rec, "seeds"))
		if err != nil {
			return nil, err
		}
		if len(found) < len(seeds) {
			have := make(map[string]bool, len(found))
			for _, n := range found {
				have[n.ID] = true
			}
			for _, id := range q.Seeds {
				if !have[id] {
					return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
				}
			}
		}
		reached, err := decodeNodes(value(rec, "reached"))
		if err != nil {
			return nil, err
		}
		sg := &graph.Subgraph{Nodes: found, Truncated: truncated}
		if len(reached) > room {
			reached, sg.Truncated = reached[:room], true
		}
		sg.Nodes = append(sg.Nodes, reached...)
		rels, _ := value(rec, "rels").([]any)
		sg.Relationships = make([]*graph.Relationship, 0, len(rels))
		for _, v := range rels {
			r, err := toRel(v)
			if err != nil {
				return nil, err
			}
			sg.Relationships = append(sg.Relationships, r)
		}
		return sg, nil
	})
	if err != nil {
		return nil, fmt.Errorf("neighbourhood: %w", err)
	}
	slices.SortFunc(sg.Nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) })
	return sg, nil
}

// neighbourhoodStatement returns the statement answering q (normalised)
// from the deduplicated seeds, its parameters, the room left for reached
// nodes and whether the seeds alone already exceed the limit.
func neighbourhoodStatement(q graph.NeighbourhoodQuery, seeds []string) (string, map[string]any, int, bool) {
	params := map[string]any{"seeds": seeds, "types": typeParams(q.Types), "kinds": kindParams(q.Kinds),
		"asOf": intParam(q.AsOf), "assertedOnly": q.ExcludeContested}
	// Every seed must exist (or the answer is NOT_FOUND), so the room left
	// for reached nodes is known before the statement runs.
	room, truncated := q.Limit-len(seeds), false
	reach := cypherNoReach
	switch {
	case q.Depth == 0:
	case room < 0:
		// The embedded store flags a cut as soon as the seeds alone exceed
		// the limit.
		truncated = true
	default:
		reach = fmt.Sprintf(cypherReachPart, relPattern[q.Direction], q.Depth)
		params["room"] = int64(room + 1) // one more tells that the limit cut
	}
	params["keep"] = int64(max(room, 0))
	key := fmt.Sprintf("neighbourhood %d %s %t", q.Depth, q.Direction, reach != cypherNoReach)
	return cachedStatement(key, func() string { return fmt.Sprintf(cypherNeighbourhoodTemplate, reach) }), params, room, truncated
}

// ShortestPaths returns up to q.K loopless paths from q.From to q.To,
// ordered by length and then by the sequence of node ids. MaxLength 0 means
// graph.MaxPathLength; K 0 means 1; From == To gives one path of length 0.
func (s *Store) ShortestPaths(ctx context.Context, q graph.PathQuery) ([]*graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	maxLen, k := q.MaxLength, q.K
	types := typeParams(q.Types)
	params := map[string]any{"from": q.From, "to": q.To, "types": types, "asOf": intParam(q.AsOf),
		"assertedOnly": q.ExcludeContested}
	paths, err := read(ctx, s, func(tx *txn) ([]*graph.Path, error) {
		// The endpoints and the first group in one statement.
		recs, err := tx.collect(ctx, pathsStatement(true, q, 1, maxLen), params)
		if err != nil {
			return nil, err
		}
		var from, to *graph.Node
		if len(recs) > 0 {
			if from, err = toNode(value(recs[0], "s")); err != nil {
				return nil, err
			}
			if to, err = toNode(value(recs[0], "t")); err != nil {
				return nil, err
			}
		}
		if from == nil {
			return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", q.From)
		}
		if to == nil {
			return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", q.To)
		}
		out := []*graph.Path{}
		if !from.ExistsAsOf(q.AsOf) || !to.ExistsAsOf(q.AsOf) {
			return out, nil
		}
		if q.From == q.To {
			return append(out, &graph.Path{Nodes: []*graph.Node{from}, Relationships: []*graph.Relationship{}}), nil
		}
		for groups := 1; ; groups++ {
			if groups > 1 {
				if recs, err = tx.collect(ctx, pathsStatement(false, q, groups, maxLen), params); err != nil {
					return nil, err
				}
			}
			found, lengths, err := collectPaths(recs)
			if err != nil {
				return nil, err
			}
			if len(found) >= k || lengths < groups || groups >= maxLen {
				if len(found) > k {
					found = found[:k]
				}
				return found, nil
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("shortest paths: %w", err)
	}
	return paths, nil
}

// collectPaths reads the records of a path statement and returns its
// loopless paths with parallel relationships merged, in order, and the
// number of distinct lengths among all its trails (loopless or not), which
// tells whether the groups ran out. A record with a null len stands for no
// trail.
func collectPaths(recs []*neo4j.Record) ([]*graph.Path, int, error) {
	type walk struct {
		nodes []*graph.Node
		rels  []*graph.Relationship
		key   []string
	}
	byKey := map[string]*walk{}
	lengths := map[int]bool{}
	for _, rec := range recs {
		if value(rec, "len") == nil {
			continue
		}
		lengths[asInt(value(rec, "len"))] = true
		if simple, _ := value(rec, "simple").(bool); !simple {
			continue
		}
		nsAny, _ := value(rec, "ns").([]any)
		rsAny, _ := value(rec, "rs").([]any)
		w := &walk{}
		for _, v := range nsAny {
			n, err := toNode(v)
			if err != nil {
				return nil, 0, err
			}
			w.nodes = append(w.nodes, n)
			w.key = append(w.key, n.ID)
		}
		for _, v := range rsAny {
			r, err := toRel(v)
			if err != nil {
				return nil, 0, err
			}
			w.rels = append(w.rels, r)
		}
		key := strings.Join(w.key, "\x00")
		old, ok := byKey[key]
		if !ok {
			byKey[key] = w
			continue
		}
		for i, r := range w.rels {
			if r.ID < old.rels[i].ID {
				old.rels[i] = r
			}
		}
	}
	walks := make([]*walk, 0, len(byKey))
	for _, w := range byKey {
		walks = append(walks, w)
	}
	slices.SortFunc(walks, func(a, b *walk) int {
		if c := len(a.key) - len(b.key); c != 0 {
			return c
		}
		return slices.Compare(a.key, b.key)
	})
	out := make([]*graph.Path, len(walks))
	for i, w := range walks {
		out[i] = &graph.Path{Nodes: w.nodes, Relationships: w.rels}
	}
	return out, len(lengths), nil
}
