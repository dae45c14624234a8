package resolvers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

func (r *Resolver) queryNode(ctx context.Context, id string) (graph.Entity, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	p := r.plan(ctx)
	var n *graph.Node
	var err error
	if p != nil {
		// The node, its sources and its first relationships level when
		// selected, in one store step.
		var ns []*graph.Node
		ns, err = p.l.loadNodesPlanned(ctx, []string{id}, p.root([]ast.SelectionSet{fieldSelection(ctx)}))
		if err != nil {
			return nil, fmt.Errorf("load node %s: %w", id, err)
		}
		n = ns[0]
	} else {
		n, err = r.node(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, graph.Errorf(graph.ENOTFOUND, "no node with id %s", Quote(id))
	}
	if p != nil {
		p.done(ctx, p.nodes(ctx, []*graph.Node{n}, []ast.SelectionSet{fieldSelection(ctx)}))
	}
	return graph.Wrap(n), nil
}

func (r *Resolver) queryRelationship(ctx context.Context, id string) (*graph.Relationship, error) {
	rel, err := r.Store.Relationship(ctx, id)
	if err != nil {
		return nil, err
	}
	if p := r.plan(ctx); p != nil {
		p.done(ctx, p.rels(ctx, []*graph.Relationship{rel}, []ast.SelectionSet{fieldSelection(ctx)}))
	}
	return rel, nil
}

func (r *Resolver) querySource(ctx context.Context, id string) (*graph.Source, error) {
	ss, err := r.sources(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, graph.Errorf(graph.ENOTFOUND, "no source with id %s", Quote(id))
	}
	return ss[0], nil
}

func (r *Resolver) queryNodes(ctx context.Context, kinds []graph.Kind, where *graph.NodeFilter, orderBy []*graph.NodeOrder, first *int, after *string) (*model.NodeConnection, error) {
	limit, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	filter := where
	if len(kinds) > 0 {
		filter = &graph.NodeFilter{Kinds: kinds}
		if where != nil {
			filter.And = []*graph.NodeFilter{where}
		}
	}
	q := graph.NodeQuery{Filter: filter, OrderBy: orderBy, Offset: offset, Limit: limit}
	var page *graph.NodePage
	if p := r.plan(ctx); p != nil {
		// The page, its nodes' sources and their first relationships level
		// when selected, in one store step.
		sels := p.connection(fieldSelection(ctx))
		rp := p.root(sels)
		// Without totalCount, Total only tells whether a next page exists.
		res, err := graph.PlanPage(ctx, r.Store, graph.PagePlan{Query: q, Sources: rp.sources, Rels: rp.rels,
			Fields: p.l.plannedFields(), NoTotal: !mentions(ctx, "totalCount")})
		if err != nil {
			return nil, err
		}
		page = res.Page
		p.l.knowNodes(page.Nodes)
		p.l.knowPlanned(page.Nodes, res.Sources, rp, res.Rels)
		p.done(ctx, p.nodes(ctx, page.Nodes, sels))
	} else if page, err = r.Store.Nodes(ctx, q); err != nil {
		return nil, err
	}
	// Edges and pageInfo (and their cursors) only when selected.
	conn := &model.NodeConnection{Nodes: entities(page.Nodes), TotalCount: page.Total}
	if mentions(ctx, "pageInfo") {
		conn.PageInfo = pageInfo(offset, len(page.Nodes), page.Total)
	}
	if mentions(ctx, "edges") {
		conn.Edges = make([]*model.NodeEdge, len(page.Nodes))
		for i, n := range page.Nodes {
			conn.Edges[i] = &model.NodeEdge{Cursor: encodeCursor(offset + i), Node: graph.Wrap(n)}
		}
	}
	return conn, nil
}

func (r *Resolver) querySearch(ctx context.Context, text string, kinds []graph.Kind, first *int) ([]*graph.SearchHit, error) {
	limit, err := intArg(ctx, "first", first, graph.MaxSearchResults)
	if err != nil {
		return nil, err
	}
	q := graph.SearchQuery{Text: text, Kinds: kinds, Limit: limit}
	p := r.plan(ctx)
	var hits []graph.SearchHit
	var rp rootPlan
	var sels []ast.SelectionSet
	var res *graph.SearchPlanResult
	if p != nil {
		// The hits, their nodes' sources and their first relationships
		// level when selected, in one store step.
		sels = p.under(fieldSelection(ctx), "node")
		rp = p.root(sels)
		if res, err = graph.PlanSearch(ctx, r.Store, graph.SearchPlan{Query: q, Sources: rp.sources, Rels: rp.rels,
			Fields: p.l.plannedFields()}); err != nil {
			return nil, err
		}
		hits = res.Hits
	} else if hits, err = r.Store.Search(ctx, q); err != nil {
		return nil, err
	}
	out := make([]*graph.SearchHit, len(hits))
	ns := make([]*graph.Node, len(hits))
	for i := range hits {
		out[i] = &hits[i]
		ns[i] = hits[i].Node
	}
	if p != nil {
		p.l.knowNodes(ns)
		p.l.knowPlanned(ns, res.Sources, rp, res.Rels)
		p.done(ctx, p.nodes(ctx, ns, sels))
	}
	return out, nil
}

func (r *Resolver) queryNeighbourhood(ctx context.Context, id string, depth *int, dir *graph.Direction, types []graph.RelType, kinds []graph.Kind, asOf *int, limit *int, withDisputed *bool) (*graph.Subgraph, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	d, err := intArg(ctx, "depth", depth, graph.MaxDepth)
	if err != nil {
		return nil, err
	}
	l, err := intArg(ctx, "limit", limit, graph.MaxNeighbourhoodSize)
	if err != nil {
		return nil, err
	}
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	sub, err := r.Store.Neighbourhood(ctx, graph.NeighbourhoodQuery{
		Seeds: []string{id}, Depth: d, Direction: direction(dir), Types: types, Kinds: kinds, AsOf: asOf, Limit: l,
		ExcludeContested: !includeDisputed(withDisputed),
	})
	if err != nil {
		return nil, err
	}
	r.planWalk(ctx, sub.Nodes, sub.Relationships, fieldSelection(ctx))
	return sub, nil
}

// planWalk plans a subgraph's or paths' nodes and relationships.
func (r *Resolver) planWalk(ctx context.Context, ns []*graph.Node, rels []*graph.Relationship, sel ast.SelectionSet) {
	p := r.plan(ctx)
	if p == nil {
		return
	}
	p.l.knowNodes(ns)
	if err := p.nodes(ctx, ns, p.under(sel, "nodes")); err != nil {
		p.done(ctx, err)
		return
	}
	p.done(ctx, p.rels(ctx, rels, p.under(sel, "relationships")))
}

// queryShortestPath is Query.shortestPath: the first of paths, or nil.
func (r *Resolver) queryShortestPath(ctx context.Context, from, to string, maxLength *int, types []graph.RelType, asOf *int) (*graph.Path, error) {
	one := 1
	ps, err := r.queryPaths(ctx, from, to, maxLength, &one, types, asOf, nil)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

func (r *Resolver) queryPaths(ctx context.Context, from, to string, maxLength *int, first *int, types []graph.RelType, asOf *int, withDisputed *bool) ([]*graph.Path, error) {
	k, err := intArg(ctx, "first", first, graph.MaxPaths)
	if err != nil {
		return nil, err
	}
	if err := checkID("from", from); err != nil {
		return nil, err
	}
	if err := checkID("to", to); err != nil {
		return nil, err
	}
	ml, err := intArg(ctx, "maxLength", maxLength, graph.MaxPathLength)
	if err != nil {
		return nil, err
	}
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	ps, err := r.Store.ShortestPaths(ctx, graph.PathQuery{From: from, To: to, MaxLength: ml, Types: types, AsOf: asOf, K: k,
		ExcludeContested: !includeDisputed(withDisputed)})
	if err != nil {
		return nil, err
	}
	if ps == nil {
		ps = []*graph.Path{}
	}
	var ns []*graph.Node
	var rels []*graph.Relationship
	for _, p := range ps {
		ns = append(ns, p.Nodes...)
		rels = append(rels, p.Relationships...)
	}
	r.planWalk(ctx, ns, rels, fieldSelection(ctx))
	return ps, nil
}

func (r *Resolver) queryChanges(ctx context.Context, first *int, before *string) ([]*graph.Change, error) {
	limit, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	var b int64
	if before != nil {
		if b, err = strconv.ParseInt(*before, 10, 64); err != nil || b < 0 {
			return nil, graph.Errorf(graph.EINVALID, "before: %s is not a change id", Quote(*before))
		}
	}
	return r.Store.Changes(ctx, b, limit)
}
