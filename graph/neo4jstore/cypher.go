package neo4jstore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Every statement the store sends is defined here. Values always travel as
// $parameters; the only text put together at start-up is labels and
// relationship types taken from the closed enums graph.Kinds and
// graph.RelTypes, and the hop bounds of path patterns, which Cypher does not
// accept as parameters and which the store validates as small integers.

const cypherPing = "RETURN 1 AS ok"

const cypherAwaitIndexes = "CALL db.awaitIndexes(300)"

// relMap projects a relationship r between a and b into the map toRel reads.
const relMap = "r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}"

// nodeProperties are the stored properties toNode reads: every field of a
// graph.Node, but not the search index's searchText, nameKeys and dl, which
// are the largest properties of a node and never leave the database.
const nodeProperties = ".id, .kind, .name, .summary, .aliases, .region, .country, .category, " +
	".startYear, .endYear, .foundedYear, .year, .date, .publisher, .url, .role, .question, .sources, .disputes"

// nodeMap projects the node variable v into the map toNode reads.
func nodeMap(v string) string { return v + " {" + nodeProperties + "}" }

// nodeMapFor is nodeMap with only the properties f asks for (see
// graph.Fields), taken from the closed list graph.NodeFieldNames: what
// toNode reads that f leaves out is absent, so zero. All of them when f is
// nil.
func nodeMapFor(v string, f *graph.Fields) string {
	if f == nil {
		return nodeMap(v)
	}
	if f.Bare {
		return v + " {.id, .kind, .name" + chosen(graph.NodeFieldNames, f.Node) + "}"
	}
	return v + " {.id, .kind, .name, .sources" + chosen(graph.NodeFieldNames, f.Node) + "}"
}

// relMapFor is relMap with only the properties f asks for, like nodeMapFor.
func relMapFor(f *graph.Fields) string {
	if f == nil {
		return relMap
	}
	if f.Bare {
		return "r {.id" + chosen(graph.RelFieldNames, f.Rel) + ", type: type(r), from: startNode(r).id, to: endNode(r).id}"
	}
	return "r {.id, .sources, .tensions, .status" + chosen(graph.RelFieldNames, f.Rel) + ", type: type(r), from: startNode(r).id, to: endNode(r).id}"
}

// listNames returns the optional properties a list projection for f
// holds after the fixed ones, in order: every one of all when f is nil.
func listNames(all []string, f *graph.Fields, some func(*graph.Fields) []string) []string {
	if f == nil {
		return all
	}
	var out []string
	for _, name := range all {
		if slices.Contains(some(f), name) {
			out = append(out, name)
		}
	}
	return out
}

func nodeNames(f *graph.Fields) []string { return f.Node }
func relNames(f *graph.Fields) []string  { return f.Rel }

// nodeListFor projects the node variable v as a list, which nodeFromList
// reads: id, kind, name, then sources unless f is bare, then the
// properties f asks for in the order of graph.NodeFieldNames (all when f
// is nil). The driver decodes a list without allocating a map and a string
// per key, as it does for a map projection (the keys were a third of a
// planned read's allocations).
func nodeListFor(v string, f *graph.Fields) string {
	var b strings.Builder
	b.WriteString("[" + v + ".id, " + v + ".kind, " + v + ".name")
	if f == nil || !f.Bare {
		b.WriteString(", " + v + ".sources")
	}
	for _, name := range listNames(graph.NodeFieldNames, f, nodeNames) {
		b.WriteString(", " + v + "." + name)
	}
	b.WriteString("]")
	return b.String()
}

// relListFor projects the relationship r as a list, which relFromList
// reads: id, type, from, to, then sources, tensions and status unless f
// is bare, then the properties f asks for in the order of
// graph.RelFieldNames (all when f is nil).
func relListFor(f *graph.Fields) string {
	var b strings.Builder
	b.WriteString("[r.id, type(r), startNode(r).id, endNode(r).id")
	if f == nil || !f.Bare {
		b.WriteString(", r.sources, r.tensions, r.status")
	}
	for _, name := range listNames(graph.RelFieldNames, f, relNames) {
		b.WriteString(", r." + name)
	}
	b.WriteString("]")
	return b.String()
}

// chosen lists the names of all that are in some, as ", .name" items, in
// the order of all (so one selection is always one statement text).
func chosen(all, some []string) string {
	var b strings.Builder
	for _, name := range all {
		if slices.Contains(some, name) {
			b.WriteString(", .")
			b.WriteString(name)
		}
	}
	return b.String()
}

// fieldsKey identifies f in the statement caches.
func fieldsKey(f *graph.Fields) string {
	if f == nil {
		return "*"
	}
	k := chosen(graph.NodeFieldNames, f.Node) + "|" + chosen(graph.RelFieldNames, f.Rel)
	if f.Bare {
		k += "|bare"
	}
	return k
}

// sourceMap projects the source variable s into the map toSource reads.
const sourceMap = "s {.id, .title, .url, .publisher, .year, .kind}"

// Reads.
var (
	cypherNode = "MATCH (n:Node {id: $id}) WHERE NOT n:" + stagedLabel + " RETURN " + nodeMap("n") + " AS n"

	cypherNodesByID = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE NOT n:` + stagedLabel + `
RETURN id, ` + nodeMap("n") + ` AS n`

	cypherSourcesByID = `UNWIND $ids AS id
MATCH (s:Source {id: id})
RETURN id, ` + sourceMap + ` AS s`

	cypherSources = "MATCH (s:Source) RETURN s ORDER BY s.id"

	cypherLookupSources = `UNWIND $ids AS id
MATCH (s:Source {id: id})
RETURN s.id AS id`

	cypherLookupNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE NOT n:` + stagedLabel + `
RETURN n.id AS id, n.kind AS kind`

	cypherStatsKinds = "MATCH (n:Node) WHERE NOT n:" + stagedLabel + " RETURN n.kind AS key, count(*) AS n"

	cypherStatsMeta = `OPTIONAL MATCH (m:Meta {name: 'dataset'})
WITH m
CALL () { MATCH (s:Source) RETURN count(s) AS sources }
CALL () { MATCH (c:Change) RETURN count(c) AS changes, max(c.at) AS lastAt }
RETURN m.datasetName AS name, m.datasetVersion AS version, sources, changes, lastAt`

	cypherChanges = `MATCH (c:Change)
WHERE $before <= 0 OR c.id < $before
RETURN c ORDER BY c.id DESC LIMIT $limit`

	cypherRelCount = "MATCH ()-[r]->() RETURN count(r) AS n"

	cypherExemplifying = `MATCH (a)-[r]->()
WHERE NOT a:` + stagedLabel + ` AND r.tensions IS NOT NULL AND any(t IN r.tensions WHERE t IN $ids)
RETURN ` + relMap + ` AS r ORDER BY r.id`

	// cypherStatsTypes leaves out the relationships of an import still
	// being staged (see stage.go): every staged relationship starts at a
	// staged node.
	cypherStatsTypes = `CALL () {
  MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS n
  UNION ALL
  MATCH (:` + stagedLabel + `)-[r]->() RETURN type(r) AS key, -count(*) AS n
}
WITH key, sum(n) AS n WHERE n > 0
RETURN key, n`
)

// Writes.
const (
	cypherMergeSources = `UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s = row`

	// cypherMergeNodes also keeps the total search document length (the
	// sum of every node's dl) on a counter, for BM25's average length.
	cypherMergeNodes = `UNWIND $rows AS row
MERGE (n:Node {id: row.props.id})
WITH n, row, coalesce(n.dl, 0) AS old
SET n = row.props
REMOVE n:Movement:Organisation:Institution:Report:Person:Event:Tension
SET n:$(row.label)
WITH sum(row.props.dl - old) AS delta
MERGE (k:Counter {name: 'searchLength'})
SET k.value = coalesce(k.value, 0) + delta`

	cypherSetMeta = `MERGE (m:Meta {name: 'dataset'})
SET m.datasetName = $name, m.datasetVersion = $version`

	cypherAddChange = `MERGE (k:Counter {name: 'changes'})
SET k.value = coalesce(k.value, 0) + 1
CREATE (c:Change {id: k.value, at: $at, actor: $actor, action: $action, targetId: $target, detail: $detail})
RETURN c.id AS id`

	cypherNodeKind = "MATCH (n:Node {id: $id}) WHERE NOT n:" + stagedLabel + " RETURN n.kind AS kind"

	cypherAddSearchLength = `MERGE (k:Counter {name: 'searchLength'})
SET k.value = coalesce(k.value, 0) + $delta`

	cypherStripTension = `MATCH ()-[r]->() WHERE $id IN r.tensions
WITH r, [t IN r.tensions WHERE t <> $id] AS rest
SET r.tensions = CASE WHEN size(rest) = 0 THEN null ELSE rest END`

	cypherCitedAsTension = `MATCH ()-[r]->() WHERE $id IN r.tensions
RETURN r.id AS id ORDER BY id LIMIT 1`

	cypherStripPublisher = `MATCH (o:Node {publisher: $id}) WHERE o.id <> $id
REMOVE o.publisher`

	cypherDeleteNode = `MATCH (n:Node {id: $id}) WHERE NOT n:` + stagedLabel + `
WITH n, coalesce(n.dl, 0) AS dl
DETACH DELETE n
WITH dl
MERGE (k:Counter {name: 'searchLength'})
SET k.value = coalesce(k.value, 0) - dl`
)

// relUnion is a subquery body that finds the relationship whose id is the
// variable `id`, whatever its type: relationship ids are indexed per type,
// so it asks each type's index in turn. Relationships of an import still
// being staged (their start node is staged) are not found.
var relUnion = func() string {
	parts := make([]string, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		parts[i] = fmt.Sprintf("MATCH (a)-[r:%s {id: id}]->() WHERE NOT a:%s RETURN r", t, stagedLabel)
	}
	return strings.Join(parts, "\nUNION ALL\n")
}()

// cypherMergeRels merges relationships, one statement per type: with a
// static type MERGE finds the relationship through the type's id index,
// while a dynamic type ($(row.type)) makes Neo4j 5.26 scan every
// relationship for each row.
var cypherMergeRels = func() map[graph.RelType]string {
	m := make(map[graph.RelType]string, len(graph.RelTypes))
	for _, t := range graph.RelTypes {
		m[t] = `UNWIND $rows AS row
MATCH (a:Node {id: row.from})
MATCH (b:Node {id: row.to})
MERGE (a)-[r:` + string(t) + ` {id: row.props.id}]->(b)
SET r = row.props
RETURN count(r) AS n`
	}
	return m
}()

// Statements that look relationships up by id.
var (
	cypherRelsByID = `UNWIND $ids AS id
CALL (id) {
` + relUnion + `
}
RETURN id, ` + relMap + ` AS r`

	// cypherDeleteMovedRels deletes relationships that share an id with an
	// incoming row but differ in type or endpoints, so that the MERGE that
	// follows replaces them.
	cypherDeleteMovedRels = `UNWIND $rows AS row
WITH row, row.props.id AS id
CALL (id) {
` + relUnion + `
}
WITH row, r
WHERE type(r) <> row.type OR startNode(r).id <> row.from OR endNode(r).id <> row.to
DELETE r`

	cypherDeleteRel = `WITH $id AS id
CALL (id) {
` + relUnion + `
}
DELETE r
RETURN count(*) AS n`
)
