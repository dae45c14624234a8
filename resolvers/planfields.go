package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
)

// A planned read returns only the node and relationship properties the
// operation selects (graph.Fields). So that no resolver ever meets a node
// lacking a property it reads, the set is ONE per request: the union of
// every node and relationship field selected anywhere in the operation,
// whatever the level, type or fragment. Every partially filled node or
// relationship in the request's loaders then holds everything any resolver
// of the request reads; nodes and relationships fetched by the ordinary
// calls are complete, which is more.

// nodeFieldProps maps a field of a node type (or the Node interface) to the
// graph.Node fields it reads beyond id, kind, name and source ids. A field
// that is not listed here reads an unknown part of the node, and the
// request then fetches whole nodes.
var nodeFieldProps = map[string][]string{
	"summary": {"summary"}, "aliases": {"aliases"}, "region": {"region"}, "country": {"country"},
	"category": {"category"}, "startYear": {"startYear"}, "endYear": {"endYear"},
	"foundedYear": {"foundedYear"}, "year": {"year"}, "date": {"date"}, "url": {"url"}, "role": {"role"},
	"question": {"question"}, "disputes": {"disputes"},
	// Report.publisher follows the publisher's id.
	"publisher": {"publisher"},
	// Movement.events sorts the events by year.
	"events": {"year"},
	// Fields that read only the id, kind, name or source ids.
	"__typename": nil, "id": nil, "kind": nil, "name": nil, "sources": nil, "relationships": nil,
	"degree": nil, "metrics": nil, "organisations": nil, "challenged": nil, "tensions": nil,
	"movements": nil, "people": nil, "reports": nil, "challengedBy": nil, "describes": nil,
	"ledOrFounded": nil, "institutions": nil, "episodes": nil,
}

// relFieldProps is nodeFieldProps for Relationship.
var relFieldProps = map[string][]string{
	"year": {"year"}, "summary": {"summary"}, "disputes": {"disputes"},
	"__typename": nil, "id": nil, "type": nil, "from": nil, "to": nil, "tensions": nil, "sources": nil,
	"status": nil,
}

// citing are the fields that read a node's or relationship's SourceIDs,
// TensionIDs or Status (Node.sources, Relationship.sources, tensions and
// status, Movement.tensions, Tension.episodes) and the other fields of
// that name (Dispute, Position): an operation selecting none of them,
// anywhere, reads bare nodes and relationships (graph.Fields.Bare).
var citing = map[string]bool{"sources": true, "tensions": true, "status": true, "episodes": true}

// operationFields returns the union of the node and relationship fields
// op selects (nil: everything, when op is unknown).
func operationFields(op *ast.OperationDefinition) *graph.Fields {
	if op == nil {
		return nil
	}
	var node, rel []string
	allNodes, allRels := false, false
	bare := true
	add := func(to *[]string, names []string) {
		for _, n := range names {
			if !slices.Contains(*to, n) {
				*to = append(*to, n)
			}
		}
	}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(sel ast.SelectionSet) {
		for _, s := range sel {
			switch x := s.(type) {
			case *ast.Field:
				bare = bare && !citing[x.Name]
				parent := ""
				if x.ObjectDefinition != nil {
					parent = x.ObjectDefinition.Name
				}
				switch {
				case parent == "Relationship":
					props, ok := relFieldProps[x.Name]
					allRels = allRels || !ok
					add(&rel, props)
				case parent == "Node" || slices.Contains(typeOrder, parent):
					props, ok := nodeFieldProps[x.Name]
					allNodes = allNodes || !ok
					add(&node, props)
				}
				walk(x.SelectionSet)
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			case *ast.FragmentSpread:
				if x.Definition != nil && !seen[x.Name] {
					seen[x.Name] = true
					walk(x.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	if allNodes {
		node = graph.NodeFieldNames
	}
	if allRels {
		rel = graph.RelFieldNames
	}
	return &graph.Fields{Node: node, Rel: rel, Bare: bare && !allNodes && !allRels}
}

// requestFields returns the request's field union, computed once.
func (l *loaders) requestFields(opCtx *graphql.OperationContext) *graph.Fields {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.fieldsKnown {
		l.fields, l.fieldsKnown = operationFields(opCtx.Operation), true
	}
	return l.fields
}

// mentions reports whether the field being resolved may select name
// directly below it (in its own selection or a fragment at that level,
// whatever the type condition or directive): a connection builds its
// edges' and pageInfo's cursors only then. True when there is no field
// context (a caller outside an operation gets everything).
func mentions(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return true
	}
	return selectionMentions(fc.Field.Selections, name, 0)
}

func selectionMentions(sel ast.SelectionSet, name string, depth int) bool {
	if depth > 32 {
		return true
	}
	for _, s := range sel {
		switch x := s.(type) {
		case *ast.Field:
			if x.Name == name {
				return true
			}
		case *ast.InlineFragment:
			if selectionMentions(x.SelectionSet, name, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if x.Definition == nil || selectionMentions(x.Definition.SelectionSet, name, depth+1) {
				return true
			}
		}
	}
	return false
}
