package resolvers

// More object writers of the compiled read path (compiled.go): disputes
// and their positions, the graph's statistics and changes, node metrics.

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/analysis"
	"github.com/hmkg/hmkg/resolvers/model"
)

func (e *compiledExec) disputes(ctx context.Context, sel ast.SelectionSet, ds []*graph.Dispute) error {
	return list(e, ds, func(d *graph.Dispute) error { return e.dispute(ctx, sel, d) })
}

func (e *compiledExec) dispute(ctx context.Context, sel ast.SelectionSet, d *graph.Dispute) error {
	r := e.r.Dispute()
	for i, f := range e.fields(sel, "Dispute") {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str("Dispute")
		case "about":
			graphql.MarshalID(d.About).MarshalGQL(e.w)
		case "aboutKind":
			e.str(string(d.AboutKind))
		case "claim":
			e.str(d.Claim)
		case "note":
			e.str(d.Note)
		case "node":
			rctx := e.resolverContext(ctx, "Dispute", f, nil)
			var n graph.Entity
			if n, err = r.Node(rctx, d); err == nil {
				err = e.entity(rctx, f.Selections, n, false)
			}
		case "relationship":
			rctx := e.resolverContext(ctx, "Dispute", f, nil)
			var rel *graph.Relationship
			if rel, err = r.Relationship(rctx, d); err == nil {
				if rel == nil {
					e.w.WriteString("null")
				} else {
					err = e.relationship(rctx, f.Selections, rel)
				}
			}
		case "positions":
			err = list(e, d.Positions, func(p *graph.Position) error { return e.position(ctx, f.Selections, p) })
		default:
			err = fmt.Errorf("%w: Dispute.%s", errFallback, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) position(ctx context.Context, sel ast.SelectionSet, p *graph.Position) error {
	for i, f := range e.fields(sel, "Position") {
		e.sep(i, f)
		switch f.Name {
		case "__typename":
			e.str("Position")
		case "says":
			e.str(p.Says)
		case "sources":
			rctx := e.resolverContext(ctx, "Position", f, nil)
			ss, err := e.r.Position().Sources(rctx, p)
			if err != nil {
				return err
			}
			if err := e.sources(rctx, f.Selections, ss); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: Position.%s", errFallback, f.Name)
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) stats(ctx context.Context, sel ast.SelectionSet, s *graph.Stats) error {
	if s == nil {
		return fmt.Errorf("%w: null stats", errFallback)
	}
	r := e.r.GraphStats()
	for i, f := range e.fields(sel, "GraphStats") {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str("GraphStats")
		case "datasetName":
			e.str(s.DatasetName)
		case "datasetVersion":
			e.str(s.DatasetVersion)
		case "nodeCount", "relationshipCount", "sourceCount":
			rctx := e.resolverContext(ctx, "GraphStats", f, nil)
			var n int
			switch f.Name {
			case "nodeCount":
				n, err = r.NodeCount(rctx, s)
			case "relationshipCount":
				n, err = r.RelationshipCount(rctx, s)
			default:
				n, err = r.SourceCount(rctx, s)
			}
			e.integer(n)
		case "kinds":
			var ks []*model.KindCount
			if ks, err = r.Kinds(e.resolverContext(ctx, "GraphStats", f, nil), s); err == nil {
				err = list(e, ks, func(k *model.KindCount) error {
					return e.count(f.Selections, "KindCount", "kind", string(k.Kind), k.Count)
				})
			}
		case "relationshipTypes":
			var ts []*model.RelationshipTypeCount
			if ts, err = r.RelationshipTypes(e.resolverContext(ctx, "GraphStats", f, nil), s); err == nil {
				err = list(e, ts, func(t *model.RelationshipTypeCount) error {
					return e.count(f.Selections, "RelationshipTypeCount", "type", string(t.Type), t.Count)
				})
			}
		default:
			err = fmt.Errorf("%w: GraphStats.%s", errFallback, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}

// count writes a KindCount or a RelationshipTypeCount: an enum and a count.
func (e *compiledExec) count(sel ast.SelectionSet, typeName, enumField, enum string, n int) error {
	for i, f := range e.fields(sel, typeName) {
		e.sep(i, f)
		switch f.Name {
		case "__typename":
			e.str(typeName)
		case enumField:
			e.str(enum)
		case "count":
			e.integer(n)
		default:
			return fmt.Errorf("%w: %s.%s", errFallback, typeName, f.Name)
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) disputeConnection(ctx context.Context, sel ast.SelectionSet, c *model.DisputeConnection) error {
	if c == nil {
		return fmt.Errorf("%w: null connection", errFallback)
	}
	return writeConnection(e, sel, connection[model.DisputeEdge]{
		typeName: "Dispute", edges: c.Edges, pageInfo: c.PageInfo, totalCount: c.TotalCount,
		nodes:  func(sel ast.SelectionSet) error { return e.disputes(ctx, sel, c.Nodes) },
		cursor: func(ed *model.DisputeEdge) string { return ed.Cursor },
		node: func(sel ast.SelectionSet, ed *model.DisputeEdge) error {
			if ed.Node == nil {
				return fmt.Errorf("%w: null edge node", errFallback)
			}
			return e.dispute(ctx, sel, ed.Node)
		},
	})
}

func (e *compiledExec) change(ctx context.Context, sel ast.SelectionSet, c *graph.Change) error {
	r := e.r.Change()
	for i, f := range e.fields(sel, "Change") {
		e.sep(i, f)
		switch f.Name {
		case "__typename":
			e.str("Change")
		case "id", "at":
			rctx := e.resolverContext(ctx, "Change", f, nil)
			var s string
			var err error
			if f.Name == "id" {
				s, err = r.ID(rctx, c)
			} else {
				s, err = r.At(rctx, c)
			}
			if err != nil {
				return err
			}
			if f.Name == "id" {
				graphql.MarshalID(s).MarshalGQL(e.w)
			} else {
				e.str(s)
			}
		case "actor":
			e.str(c.Actor)
		case "action":
			e.str(c.Action)
		case "targetId":
			graphql.MarshalID(c.TargetID).MarshalGQL(e.w)
		case "detail":
			e.str(c.Detail)
		default:
			return fmt.Errorf("%w: Change.%s", errFallback, f.Name)
		}
	}
	e.w.WriteByte('}')
	return nil
}

func (e *compiledExec) float(ctx context.Context, v float64) error {
	if err := graphql.MarshalFloatContext(v).MarshalGQLContext(ctx, e.w); err != nil {
		return fmt.Errorf("%w: float: %v", errFallback, err)
	}
	return nil
}

func (e *compiledExec) nodeMetrics(ctx context.Context, sel ast.SelectionSet, m *analysis.NodeMetrics) error {
	for i, f := range e.fields(sel, "NodeMetrics") {
		e.sep(i, f)
		var err error
		switch f.Name {
		case "__typename":
			e.str("NodeMetrics")
		case "node":
			rctx := e.resolverContext(ctx, "NodeMetrics", f, nil)
			var n graph.Entity
			if n, err = e.r.NodeMetrics().Node(rctx, m); err == nil {
				err = e.entity(rctx, f.Selections, n, true)
			}
		case "degree":
			e.integer(m.Degree)
		case "inDegree":
			e.integer(m.InDegree)
		case "outDegree":
			e.integer(m.OutDegree)
		case "community":
			e.integer(m.Community)
		case "communityLabel":
			e.str(m.CommunityLabel)
		case "degreeCentrality":
			err = e.float(ctx, m.DegreeCentrality)
		case "betweenness":
			err = e.float(ctx, m.Betweenness)
		case "closeness":
			err = e.float(ctx, m.Closeness)
		case "pageRank":
			err = e.float(ctx, m.PageRank)
		case "eigenvector":
			err = e.float(ctx, m.Eigenvector)
		case "brokerage":
			err = e.float(ctx, m.Brokerage)
		default:
			err = fmt.Errorf("%w: NodeMetrics.%s", errFallback, f.Name)
		}
		if err != nil {
			return err
		}
	}
	e.w.WriteByte('}')
	return nil
}
