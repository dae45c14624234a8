package neo4jstore

import (
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/graph"
)

// Decoding the records of the planned statements (plan.go) into the
// graph package's types.

// decodePlanned reads the columns of t's tail but ns: the nodes' sources
// and, when asked, the relationships level, whose endpoints among ns (the
// decoded nodes) it adds from there when t.shared().
func decodePlanned(rec *neo4j.Record, t tailSpec, ns []*graph.Node) ([]*graph.Source, *graph.RelPlanResult, error) {
	ss, err := decodeSources(value(rec, "ss"))
	if err != nil || !t.rels {
		return ss, nil, err
	}
	rl, err := decodeRelList(rec, t.rf)
	if err != nil || !t.endpoints || !t.shared() || len(rl.Relationships) == 0 {
		return ss, rl, err
	}
	inNS := make(map[string]*graph.Node, len(ns))
	for _, n := range ns {
		if n != nil {
			inNS[n.ID] = n
		}
	}
	added := make(map[string]bool, len(ns))
	for _, r := range rl.Relationships {
		for _, id := range [2]string{r.From, r.To} {
			if n, ok := inNS[id]; ok && !added[id] {
				added[id] = true
				rl.Nodes = append(rl.Nodes, n)
			}
		}
	}
	return ss, rl, nil
}

// decodeRelList reads the relationships level of a tail (tailSpec.text):
// rels and rns as lists projected for f, and rss.
func decodeRelList(rec *neo4j.Record, f *graph.Fields) (*graph.RelPlanResult, error) {
	rels, _ := value(rec, "rels").([]any)
	res := &graph.RelPlanResult{Relationships: make([]*graph.Relationship, 0, len(rels))}
	for _, v := range rels {
		r, err := relFromList(v, f)
		if err != nil {
			return nil, err
		}
		res.Relationships = append(res.Relationships, r)
	}
	// By id, as Relationships returns them (ids are ASCII slugs, so byte
	// order is Cypher's order).
	slices.SortFunc(res.Relationships, func(a, b *graph.Relationship) int { return strings.Compare(a.ID, b.ID) })
	var err error
	if res.Nodes, err = decodeNodeList(value(rec, "rns"), f); err != nil {
		return nil, err
	}
	if res.Sources, err = decodeSources(value(rec, "rss")); err != nil {
		return nil, err
	}
	return res, nil
}

// decodeNodeList reads a list of nodes projected by nodeListFor with f.
func decodeNodeList(v any, f *graph.Fields) ([]*graph.Node, error) {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil, nil
	}
	out := make([]*graph.Node, 0, len(list))
	for _, x := range list {
		n, err := nodeFromList(x, f)
		if err != nil {
			return nil, err
		}
		if n != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

func decodeNodes(v any) ([]*graph.Node, error) {
	list, _ := v.([]any)
	var out []*graph.Node
	for _, x := range list {
		n, err := toNode(x)
		if err != nil {
			return nil, err
		}
		if n != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

func decodeSources(v any) ([]*graph.Source, error) {
	list, _ := v.([]any)
	var out []*graph.Source
	for _, x := range list {
		src, err := toSource(x)
		if err != nil {
			return nil, err
		}
		if src != nil {
			out = append(out, src)
		}
	}
	return out, nil
}
