package resolvers

// The compiled read path's writers for what root fields return (compiled.go):
// connections and their edges, search hits, subgraphs and paths.

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

func (e *compiledExec) pageInfo(sel ast.SelectionSet, p *model.PageInfo) error {
	if p == nil {
		return fmt.Errorf("%w: null pageInfo", errFallback)
	}
	for i, f := range e.fields(sel, "PageInfo") {
		e.sep(i, f)
		switch f.Name {
		case "__typename":
			e.str("PageInfo")
		case "hasNextPage":
			e.boolean(p.HasNextPage)
		case "hasPreviousPage":
			e.boolean(p.HasPreviousPage)
		case "startCursor":
			e.optStr(p.StartCursor)
		case "endCursor":
			e.optStr(p.EndCursor)
		default:
			return fmt.Errorf("%w: PageInfo.%s", errFallback, f.Name)
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) nodeConnection(ctx context.Context, sel ast.SelectionSet, c *model.NodeConnection) error {
	if c == nil {
		return fmt.Errorf("%w: null connection", errFallback)
	}
	return writeConnection(e, sel, connection[model.NodeEdge]{
		typeName: "Node", edges: c.Edges, pageInfo: c.PageInfo, totalCount: c.TotalCount,
		nodes:  func(sel ast.SelectionSet) error { return e.entities(ctx, sel, c.Nodes) },
		cursor: func(ed *model.NodeEdge) string { return ed.Cursor },
		node:   func(sel ast.SelectionSet, ed *model.NodeEdge) error { return e.entity(ctx, sel, ed.Node, true) },
	})
}

func (e *compiledExec) relConnection(ctx context.Context, sel ast.SelectionSet, c *model.RelationshipConnection) error {
	if c == nil {
		return fmt.Errorf("%w: null connection", errFallback)
	}
	return writeConnection(e, sel, connection[model.RelationshipEdge]{
		typeName: "Relationship", edges: c.Edges, pageInfo: c.PageInfo, totalCount: c.TotalCount,
		nodes:  func(sel ast.SelectionSet) error { return e.relationships(ctx, sel, c.Nodes) },
		cursor: func(ed *model.RelationshipEdge) string { return ed.Cursor },
		node: func(sel ast.SelectionSet, ed *model.RelationshipEdge) error {
			if ed.Node == nil {
				return fmt.Errorf("%w: null edge node", errFallback)
			}
			return e.relationship(ctx, sel, ed.Node)
		},
	})
}

// connection is what a connection type (NodeConnection,
// RelationshipConnection, DisputeConnection) gives its writer: typeName
// is the element type's name, from which the connection's and its edge's
// names follow; nodes writes the nodes list, node an edge's node.
type connection[E any] struct {
	typeName   string
	edges      []*E
	pageInfo   *model.PageInfo
	totalCount int
	nodes      func(sel ast.SelectionSet) error
	cursor     func(*E) string
	node       func(sel ast.SelectionSet, ed *E) error
}

// writeConnection writes a connection object: nodes, edges (cursor and
// node), pageInfo and totalCount, as gqlgen's generated code does.
func writeConnection[E any](e *compiledExec, sel ast.SelectionSet, c connection[E]) error {
	connType, edgeType := c.typeName+"Connection", c.typeName+"Edge"
	for i, f := range e.fields(sel, connType) {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str(connType)
		case "nodes":
			err = c.nodes(f.Selections)
		case "edges":
			err = list(e, c.edges, func(ed *E) error {
				for j, g := range e.fields(f.Selections, edgeType) {
					e.sep(j, g)
					switch g.Name {
					case "__typename":
						e.str(edgeType)
					case "cursor":
						e.str(c.cursor(ed))
					case "node":
						if err := c.node(g.Selections, ed); err != nil {
							return err
						}
					default:
						return fmt.Errorf("%w: %s.%s", errFallback, edgeType, g.Name)
					}
				}
				e.w.WriteByte('}')
				return nil
			})
		case "pageInfo":
			err = e.pageInfo(f.Selections, c.pageInfo)
		case "totalCount":
			e.integer(c.totalCount)
		default:
			err = fmt.Errorf("%w: %s.%s", errFallback, connType, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) searchHit(ctx context.Context, sel ast.SelectionSet, h *graph.SearchHit) error {
	for i, f := range e.fields(sel, "SearchHit") {
		e.sep(i, f)
		switch f.Name {
		case "__typename":
			e.str("SearchHit")
		case "score":
			if err := graphql.MarshalFloatContext(h.Score).MarshalGQLContext(ctx, e.w); err != nil {
				return fmt.Errorf("%w: score: %v", errFallback, err)
			}
		case "node":
			rctx := e.resolverContext(ctx, "SearchHit", f, nil)
			n, err := e.r.SearchHit().Node(rctx, h)
			if err != nil {
				return err
			}
			if err := e.entity(rctx, f.Selections, n, true); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: SearchHit.%s", errFallback, f.Name)
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) subgraph(ctx context.Context, sel ast.SelectionSet, s *graph.Subgraph) error {
	for i, f := range e.fields(sel, "Subgraph") {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str("Subgraph")
		case "truncated":
			e.boolean(s.Truncated)
		case "relationships":
			err = e.relationships(ctx, f.Selections, s.Relationships)
		case "nodes":
			rctx := e.resolverContext(ctx, "Subgraph", f, nil)
			var ns []graph.Entity
			if ns, err = e.r.Subgraph().Nodes(rctx, s); err == nil {
				err = e.entities(rctx, f.Selections, ns)
			}
		default:
			err = fmt.Errorf("%w: Subgraph.%s", errFallback, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) path(ctx context.Context, sel ast.SelectionSet, p *graph.Path) error {
	for i, f := range e.fields(sel, "Path") {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str("Path")
		case "length":
			e.integer(p.Length())
		case "relationships":
			err = e.relationships(ctx, f.Selections, p.Relationships)
		case "nodes":
			rctx := e.resolverContext(ctx, "Path", f, nil)
			var ns []graph.Entity
			if ns, err = e.r.Path().Nodes(rctx, p); err == nil {
				err = e.entities(rctx, f.Selections, ns)
			}
		default:
			err = fmt.Errorf("%w: Path.%s", errFallback, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}
