package neo4jstore

import (
	"fmt"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// compiler translates a graph.NodeFilter into a Cypher boolean expression
// over the node variable n. The expression is assembled from the fixed
// fragments below; every value in the filter becomes a parameter p0, p1...
type compiler struct {
	params map[string]any
}

func (c *compiler) param(v any) string {
	name := fmt.Sprintf("p%d", len(c.params))
	c.params[name] = v
	return "$" + name
}

// hasRel are EXISTS subqueries per direction; %[1]s is the type list
// parameter (empty: any) and %[2]s the other endpoint's id (null: any).
var hasRel = map[graph.Direction]string{
	graph.DirectionOut:  "EXISTS { MATCH (n)-[r]->(m) WHERE (size(%[1]s) = 0 OR type(r) IN %[1]s) AND (%[2]s IS NULL OR m.id = %[2]s) }",
	graph.DirectionIn:   "EXISTS { MATCH (n)<-[r]-(m) WHERE (size(%[1]s) = 0 OR type(r) IN %[1]s) AND (%[2]s IS NULL OR m.id = %[2]s) }",
	graph.DirectionBoth: "EXISTS { MATCH (n)-[r]-(m) WHERE (size(%[1]s) = 0 OR type(r) IN %[1]s) AND (%[2]s IS NULL OR m.id = %[2]s) }",
}

// filter returns the condition for f, normalised by
// graph.NodeQuery.Normalize (so within its bounds, with known kinds, types
// and directions); "true" for a nil or empty filter. Every condition is
// true or false, never null, so that NOT (...) keeps the nodes that lack
// the property, as the embedded store does.
func (c *compiler) filter(f *graph.NodeFilter) string {
	if f == nil {
		return "true"
	}
	var conds []string
	if f.IDs != nil {
		conds = append(conds, "n.id IN "+c.param(f.IDs))
	}
	if len(f.Kinds) > 0 {
		conds = append(conds, "n.kind IN "+c.param(kindParams(f.Kinds)))
	}
	if f.NameContains != nil {
		p := c.param(strings.ToLower(*f.NameContains))
		conds = append(conds, fmt.Sprintf("(toLower(n.name) CONTAINS %[1]s OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS %[1]s))", p))
	}
	if f.RegionContains != nil {
		p := c.param(strings.ToLower(*f.RegionContains))
		conds = append(conds, fmt.Sprintf("(coalesce(toLower(n.region) CONTAINS %[1]s, false) OR coalesce(toLower(n.country) CONTAINS %[1]s, false))", p))
	}
	if f.Category != nil {
		conds = append(conds, "coalesce(n.category = "+c.param(*f.Category)+", false)")
	}
	if f.YearFrom != nil || f.YearTo != nil {
		conds = append(conds, "n.since IS NOT NULL")
		if f.YearFrom != nil {
			conds = append(conds, "coalesce(n.since >= "+c.param(int64(*f.YearFrom))+", false)")
		}
		if f.YearTo != nil {
			conds = append(conds, "coalesce(n.since <= "+c.param(int64(*f.YearTo))+", false)")
		}
	}
	if rf := f.HasRelationship; rf != nil {
		var types []graph.RelType
		if rf.Type != nil {
			types = []graph.RelType{*rf.Type}
		}
		tp := typeParams(types)
		var other any
		if rf.OtherID != nil {
			other = *rf.OtherID
		}
		conds = append(conds, fmt.Sprintf(hasRel[rf.Direction], c.param(tp), c.param(other)))
	}
	if f.CitesSource != nil {
		conds = append(conds, c.param(*f.CitesSource)+" IN n.sources")
	}
	for _, sub := range f.And {
		conds = append(conds, "("+c.filter(sub)+")")
	}
	if len(f.Or) > 0 {
		alts := make([]string, 0, len(f.Or))
		for _, sub := range f.Or {
			alts = append(alts, "("+c.filter(sub)+")")
		}
		conds = append(conds, "("+strings.Join(alts, " OR ")+")")
	}
	if f.Not != nil {
		conds = append(conds, "NOT ("+c.filter(f.Not)+")")
	}
	if len(conds) == 0 {
		return "true"
	}
	return strings.Join(conds, " AND ")
}
