package main

import (
	"encoding/json"
	"fmt"
)

// question is one of the six questions of issue 10, as a GraphQL request,
// with a check that its answer holds what the question asks for.
type question struct {
	name  string
	query string
	// check judges the "data" of one answer; it runs once per store before
	// the load, so a question that quietly answers nothing cannot look fast.
	check func(data map[string]any) error
}

var questions = []question{
	{
		name:  "node+sources",
		query: `{ node(id: "act-up") { id kind name summary sources { id title url publisher year } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "node", "sources") },
	},
	{
		name: "challenged",
		query: `{ node(id: "act-up") { id relationships(types: [CHALLENGED], first: 50) { nodes { id year summary ` +
			`sources { id title url } from { id kind name } to { id kind name } } } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "node", "relationships", "nodes") },
	},
	{
		name:  "search",
		query: `{ search(text: "ACT UP", first: 10) { score node { id kind name } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "search") },
	},
	{
		name:  "2-hop",
		query: `{ neighbourhood(id: "act-up", depth: 2) { truncated nodes { id kind name } relationships { id type from { id } to { id } } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "neighbourhood", "relationships") },
	},
	{
		name:  "shortest-path",
		query: `{ shortestPath(from: "act-up", to: "nhs-england") { length nodes { id kind name } relationships { id type } } }`,
		check: func(d map[string]any) error { return nonEmpty(d, "shortestPath", "nodes") },
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

func (q question) body() []byte {
	b, err := json.Marshal(map[string]any{"query": q.query})
	if err != nil {
		panic(err) // a constant string always encodes
	}
	return b
}
