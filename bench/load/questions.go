package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// question is one of the six questions of issue 10, as a GraphQL request,
// with a check that its answer holds what the question asks for, and the
// same question as asked of the Neo4j GraphQL Library (bench/neo4jlib,
// target neo4jlib) with a digest of each answer, so that the two can be
// shown to answer the same data.
type question struct {
	name  string
	query string
	// check judges the "data" of one answer; it runs once per store before
	// the load, so a question that quietly answers nothing cannot look fast.
	check func(data map[string]any) error
	// lib is the question in the library's GraphQL (bench/neo4jlib/server.mjs).
	lib string
	// digest and libDigest reduce hmkg's and the library's answers to the
	// ids and counts they hold, in one canonical text; equal digests mean
	// the same data. An error means the answer lacks what is asked for.
	digest, libDigest func(data map[string]any) (string, error)
}

var questions = []question{
	{
		name:  "node+sources",
		query: `{ node(id: "act-up") { id kind name summary sources { id title url publisher year } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "node", "sources") },
		// The library has no single-node root field: a list filtered by id.
		lib:       `{ entities(where: { id: { eq: "act-up" } }) { id kind name summary sources { id title url publisher year } } }`,
		digest:    func(d map[string]any) (string, error) { return nodeDigest(at(d, "node")) },
		libDigest: func(d map[string]any) (string, error) { return nodeDigest(first(at(d, "entities"))) },
	},
	{
		name: "challenged",
		query: `{ node(id: "act-up") { id relationships(types: [CHALLENGED], first: 50) { nodes { id year summary ` +
			`sources { id title url } from { id kind name } to { id kind name } } } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "node", "relationships", "nodes") },
		// A relationship field has one direction in the library: BOTH is
		// two connections, out and in, of at most 50 each (hmkg: 50 in
		// all; act-up has fewer), whose edges carry the properties and the
		// other endpoint (act-up is the parent).
		lib: `{ entities(where: { id: { eq: "act-up" } }) { id ` +
			`challengedConnection(first: 50, sort: [{ edge: { id: ASC } }]) { edges { properties { id year summary sources { id title url } } node { id kind name } } } ` +
			`challengedByConnection(first: 50, sort: [{ edge: { id: ASC } }]) { edges { properties { id year summary sources { id title url } } node { id kind name } } } } }`,
		digest: func(d map[string]any) (string, error) {
			var rels []string
			for _, r := range list(at(d, "node", "relationships", "nodes")) {
				rels = append(rels, relDigest(r, str(at(r, "from", "id")), str(at(r, "to", "id"))))
			}
			return sortedDigest(rels)
		},
		libDigest: func(d map[string]any) (string, error) {
			n := first(at(d, "entities"))
			self := str(at(n, "id"))
			var rels []string
			for _, e := range list(at(n, "challengedConnection", "edges")) {
				rels = append(rels, relDigest(at(e, "properties"), self, str(at(e, "node", "id"))))
			}
			for _, e := range list(at(n, "challengedByConnection", "edges")) {
				rels = append(rels, relDigest(at(e, "properties"), str(at(e, "node", "id")), self))
			}
			return sortedDigest(rels)
		},
	},
	{
		name:  "search",
		query: `{ search(text: "ACT UP", first: 10) { score node { id kind name } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "search") },
		// The library's @fulltext query passes the phrase to Lucene as it
		// is; node_search holds lower-case tokens under a whitespace
		// analyser (graph/neo4jstore/search.go), so the phrase is written
		// in lower case. Its scores are Lucene's BM25 without hmkg's bonus
		// for a query that is exactly a name or alias (graph/search.go):
		// the same ten hits, in the same order but for that one (act-up is
		// first in hmkg, fourth in the library), so the ids are compared as
		// a set.
		lib:    `{ search(phrase: "act up", first: 10) { edges { score node { id kind name } } } }`,
		digest: func(d map[string]any) (string, error) { return idSetDigest(list(at(d, "search")), "node", "id") },
		libDigest: func(d map[string]any) (string, error) {
			return idSetDigest(list(at(d, "search", "edges")), "node", "id")
		},
	},
	{
		name:  "2-hop",
		query: `{ neighbourhood(id: "act-up", depth: 2) { truncated nodes { id kind name } relationships { id type from { id } to { id } } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "neighbourhood", "relationships") },
		// A @cypher query field: variable-length bounds cannot be
		// parameters, so the depth (2) is fixed in the statement; the limit
		// (hmkg's default, 500) is an argument.
		lib:       `{ neighbourhood2(id: "act-up", limit: 500) { truncated nodes { id kind name } relationships { id type from { id } to { id } } } }`,
		digest:    func(d map[string]any) (string, error) { return subgraphDigest(at(d, "neighbourhood")) },
		libDigest: func(d map[string]any) (string, error) { return subgraphDigest(at(d, "neighbourhood2")) },
	},
	{
		name:  "shortest-path",
		query: `{ shortestPath(from: "act-up", to: "nhs-england") { length nodes { id kind name } relationships { id type } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "shortestPath", "nodes") },
		// A @cypher query field; hmkg's maxLength default (6) is fixed in
		// the statement.
		lib:       `{ shortestPath(from: "act-up", to: "nhs-england") { length nodes { id kind name } relationships { id type } } }`,
		digest:    func(d map[string]any) (string, error) { return pathDigest(at(d, "shortestPath")) },
		libDigest: func(d map[string]any) (string, error) { return pathDigest(at(d, "shortestPath")) },
	},
	{
		name: "movements+members",
		query: `{ nodes(kinds: [MOVEMENT], first: 20) { nodes { id name ` +
			`relationships(types: [PART_OF], direction: IN, first: 50) { nodes { id from { id kind name } } } } } }`,
		check: func(d map[string]any) error {
			if err := nonEmpty(d, "nodes", "nodes"); err != nil {
				return err
			}
			ms := d["nodes"].(map[string]any)["nodes"].([]any)
			if len(ms) != 20 {
				return fmt.Errorf("%d movements, want 20", len(ms))
			}
			members := 0
			for _, m := range ms {
				rs, _ := m.(map[string]any)["relationships"].(map[string]any)
				ns, _ := rs["nodes"].([]any)
				members += len(ns)
			}
			if members == 0 {
				return fmt.Errorf("no PART_OF members under 20 movements")
			}
			return nil
		},
		// hmkg pages nodes by id; the library sorts by id explicitly. A
		// relationship's other endpoint is the edge's node.
		lib: `{ entities(where: { kind: { eq: "MOVEMENT" } }, limit: 20, sort: [{ id: ASC }]) { id name ` +
			`membersConnection(first: 50, sort: [{ edge: { id: ASC } }]) { edges { properties { id } node { id kind name } } } } }`,
		digest: func(d map[string]any) (string, error) {
			return membersDigest(list(at(d, "nodes", "nodes")), func(m any) []string {
				var out []string
				for _, r := range list(at(m, "relationships", "nodes")) {
					out = append(out, str(at(r, "id"))+"<-"+str(at(r, "from", "id")))
				}
				return out
			})
		},
		libDigest: func(d map[string]any) (string, error) {
			return membersDigest(list(at(d, "entities")), func(m any) []string {
				var out []string
				for _, e := range list(at(m, "membersConnection", "edges")) {
					out = append(out, str(at(e, "properties", "id"))+"<-"+str(at(e, "node", "id")))
				}
				return out
			})
		},
	},
}

func questionNames() []string {
	out := make([]string, len(questions))
	for i, q := range questions {
		out[i] = q.name
	}
	return out
}

func questionByName(name string) *question {
	for i := range questions {
		if questions[i].name == name {
			return &questions[i]
		}
	}
	return nil
}

// nonEmpty says whether the value at path (through objects) is a non-empty
// list or a non-null object.
func nonEmpty(d map[string]any, path ...string) error {
	var v any = d
	for i, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%v is not an object", path[:i])
		}
		if v = m[p]; v == nil {
			return fmt.Errorf("%v is null", path[:i+1])
		}
	}
	if l, ok := v.([]any); ok && len(l) == 0 {
		return fmt.Errorf("%v is empty", path)
	}
	return nil
}

// answer is the top level of a GraphQL response.
type answer struct {
	Data   map[string]any    `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

// body is the request asking q of hmkg, or of the library when lib is set.
func (q question) body(lib bool) []byte {
	query := q.query
	if lib {
		query = q.lib
	}
	b, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		panic(err) // a constant string always encodes
	}
	return b
}

// at follows path through objects; nil when a step is missing.
func at(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

func first(v any) any {
	if l := list(v); len(l) > 0 {
		return l[0]
	}
	return nil
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// ids returns the value at path of each item.
func ids(items []any, path ...string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = str(at(it, path...))
	}
	return out
}

func nodeDigest(n any) (string, error) {
	if n == nil {
		return "", fmt.Errorf("no node")
	}
	srcs := ids(list(at(n, "sources")), "id")
	if len(srcs) == 0 {
		return "", fmt.Errorf("node %s has no sources", str(at(n, "id")))
	}
	slices.Sort(srcs)
	return fmt.Sprintf("%s %s %q summary:%d sources:%s", str(at(n, "id")), str(at(n, "kind")), str(at(n, "name")),
		len(str(at(n, "summary"))), strings.Join(srcs, ",")), nil
}

// relDigest describes a relationship r (its properties) from one endpoint
// to another.
func relDigest(r any, from, to string) string {
	srcs := ids(list(at(r, "sources")), "id")
	slices.Sort(srcs)
	return fmt.Sprintf("%s %s->%s year:%s summary:%d sources:%s", str(at(r, "id")), from, to, str(at(r, "year")),
		len(str(at(r, "summary"))), strings.Join(srcs, ","))
}

func sortedDigest(lines []string) (string, error) {
	if len(lines) == 0 {
		return "", fmt.Errorf("no relationships")
	}
	slices.Sort(lines)
	return fmt.Sprintf("%d: %s", len(lines), strings.Join(lines, "; ")), nil
}

// idSetDigest lists the ids at path of the items, sorted.
func idSetDigest(items []any, path ...string) (string, error) {
	if len(items) == 0 {
		return "", fmt.Errorf("no hits")
	}
	l := ids(items, path...)
	slices.Sort(l)
	return fmt.Sprintf("%d: %s", len(l), strings.Join(l, ",")), nil
}

func subgraphDigest(g any) (string, error) {
	if g == nil {
		return "", fmt.Errorf("no subgraph")
	}
	ns := ids(list(at(g, "nodes")), "id")
	var rs []string
	for _, r := range list(at(g, "relationships")) {
		rs = append(rs, str(at(r, "id"))+" "+str(at(r, "type"))+" "+str(at(r, "from", "id"))+"->"+str(at(r, "to", "id")))
	}
	if len(rs) == 0 {
		return "", fmt.Errorf("no relationships")
	}
	slices.Sort(ns)
	slices.Sort(rs)
	return fmt.Sprintf("truncated:%v nodes %d: %s; relationships %d: %s", at(g, "truncated"), len(ns), strings.Join(ns, ","),
		len(rs), strings.Join(rs, ",")), nil
}

func pathDigest(p any) (string, error) {
	ns := ids(list(at(p, "nodes")), "id")
	if len(ns) == 0 {
		return "", fmt.Errorf("no path")
	}
	return fmt.Sprintf("length %s: %s via %s", str(at(p, "length")), strings.Join(ns, ","),
		strings.Join(ids(list(at(p, "relationships")), "id"), ",")), nil
}

// membersDigest lists each movement, in order, with its members (from
// members(movement), sorted).
func membersDigest(ms []any, members func(any) []string) (string, error) {
	if len(ms) != 20 {
		return "", fmt.Errorf("%d movements, want 20", len(ms))
	}
	var b strings.Builder
	total := 0
	for _, m := range ms {
		rs := members(m)
		slices.Sort(rs)
		total += len(rs)
		fmt.Fprintf(&b, "%s[%s] ", str(at(m, "id")), strings.Join(rs, ","))
	}
	if total == 0 {
		return "", fmt.Errorf("no PART_OF members under 20 movements")
	}
	return fmt.Sprintf("%d members: %s", total, b.String()), nil
}
