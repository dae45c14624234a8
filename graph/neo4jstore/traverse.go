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
	cypherSeeds = `UNWIND $seeds AS id
OPTIONAL MATCH (s:Node {id: id}) WHERE NOT s:` + stagedLabel + `
RETURN id, ` + nodeMap("s") + ` AS s`

	// cypherReachTemplate returns whole nodes: with a map projection in
	// place of m, Neo4j 5.26 runs the statement five times slower (42 ms
	// against 200 ms for act-up's 2-hop neighbourhood).
	cypherReachTemplate = `MATCH (s:Node) WHERE s.id IN $seeds AND NOT s:` + stagedLabel + `
MATCH p = ANY SHORTEST (s) ((a)%s(b) WHERE ` + relOK + ` AND (size($kinds) = 0 OR b.kind IN $kinds)){1,%d} (m)
WHERE NOT m.id IN $seeds
WITH m, min(length(p)) AS d
ORDER BY d, m.id
LIMIT $room
RETURN m, d`

	cypherAmong = `MATCH (a:Node) WHERE a.id IN $ids AND NOT a:` + stagedLabel + `
MATCH (a)-[r]->(b) WHERE b.id IN $ids AND ` + relOK + `
RETURN ` + relMap + ` AS r ORDER BY r.id`
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
	limit, dir := q.Limit, q.Direction
	types, kinds := typeParams(q.Types), kindParams(q.Kinds)
	seeds := dedupe(q.Seeds)
	params := map[string]any{"seeds": seeds, "types": types, "kinds": kinds, "asOf": intParam(q.AsOf),
		"assertedOnly": q.ExcludeContested}
	sg, err := read(ctx, s, func(tx *txn) (*graph.Subgraph, error) {
		recs, err := tx.collect(ctx, cypherSeeds, params)
		if err != nil {
			return nil, err
		}
		found := map[string]*graph.Node{}
		for _, r := range recs {
			n, err := toNode(value(r, "s"))
			if err != nil {
				return nil, err
			}
			if n != nil {
				found[n.ID] = n
			}
		}
		sg := &graph.Subgraph{Nodes: make([]*graph.Node, 0, len(seeds))}
		for _, id := range q.Seeds {
			if found[id] == nil {
				return nil, graph.Errorf(graph.ENOTFOUND, "node %q not found", id)
			}
		}
		for _, id := range seeds {
			sg.Nodes = append(sg.Nodes, found[id])
		}
		if q.Depth > 0 {
			room := limit - len(seeds)
			if room < 0 {
				// The embedded store flags a cut as soon as the seeds alone
				// exceed the limit.
				sg.Truncated = true
			} else {
				params["room"] = int64(room + 1)
				cypher := fmt.Sprintf(cypherReachTemplate, relPattern[dir], q.Depth)
				reached, err := collectNodes(ctx, tx, cypher, "m", params)
				if err != nil {
					return nil, err
				}
				if len(reached) > room {
					reached, sg.Truncated = reached[:room], true
				}
				sg.Nodes = append(sg.Nodes, reached...)
			}
		}
		ids := make([]string, len(sg.Nodes))
		for i, n := range sg.Nodes {
			ids[i] = n.ID
		}
		params["ids"] = ids
		sg.Relationships, err = collectRels(ctx, tx, cypherAmong, params)
		return sg, err
	})
	if err != nil {
		return nil, fmt.Errorf("neighbourhood: %w", err)
	}
	slices.SortFunc(sg.Nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) })
	return sg, nil
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
