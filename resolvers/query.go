package resolvers

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

func checkID(name, id string) error {
	if !graph.ValidSlug(id) {
		return graph.Errorf(graph.EINVALID, "%s: %q is not a valid id (ids are slugs such as act-up)", name, id)
	}
	return nil
}

func (r *Resolver) queryNode(ctx context.Context, id string) (graph.Entity, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	n, err := r.node(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, graph.Errorf(graph.ENOTFOUND, "no node with id %q", id)
	}
	return graph.Wrap(n), nil
}

func (r *Resolver) queryRelationship(ctx context.Context, id string) (*graph.Relationship, error) {
	return r.Store.Relationship(ctx, id)
}

func (r *Resolver) querySource(ctx context.Context, id string) (*graph.Source, error) {
	ss, err := r.sources(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, graph.Errorf(graph.ENOTFOUND, "no source with id %q", id)
	}
	return ss[0], nil
}

// endpoints resolves one endpoint of every relationship of a list at once.
func (r *Resolver) endpoints(ctx context.Context, rels []*graph.Relationship, end func(*graph.Relationship) string) ([]graph.Entity, error) {
	ids := make([]string, len(rels))
	for i, rel := range rels {
		ids[i] = end(rel)
	}
	ns, err := r.loadersFor(ctx).nodes.LoadAll(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load relationship endpoints: %w", err)
	}
	out := make([]graph.Entity, len(ns))
	for i, n := range ns {
		if n == nil {
			return nil, graph.Errorf(graph.EINTERNAL, "relationship %s: endpoint %q is missing", rels[i].ID, ids[i])
		}
		out[i] = graph.Wrap(n)
	}
	return out, nil
}

// relTensions resolves the tensions of every relationship of a list at once.
func (r *Resolver) relTensions(ctx context.Context, rels []*graph.Relationship) ([][]*graph.Tension, error) {
	var ids []string
	for _, rel := range rels {
		ids = append(ids, rel.TensionIDs...)
	}
	ns, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*graph.Node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([][]*graph.Tension, len(rels))
	for i, rel := range rels {
		out[i] = []*graph.Tension{}
		for _, id := range rel.TensionIDs {
			if n := byID[id]; n != nil {
				out[i] = append(out[i], &graph.Tension{Node: n})
			}
		}
	}
	return out, nil
}

// relSources resolves the sources of every relationship of a list at once.
func (r *Resolver) relSources(ctx context.Context, rels []*graph.Relationship) ([][]*graph.Source, error) {
	var ids []string
	for _, rel := range rels {
		ids = append(ids, rel.SourceIDs...)
	}
	ss, err := r.sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*graph.Source, len(ss))
	for _, s := range ss {
		byID[s.ID] = s
	}
	out := make([][]*graph.Source, len(rels))
	for i, rel := range rels {
		out[i] = []*graph.Source{}
		for _, id := range rel.SourceIDs {
			if s := byID[id]; s != nil {
				out[i] = append(out[i], s)
			}
		}
	}
	return out, nil
}

func (r *Resolver) queryNodes(ctx context.Context, kinds []graph.Kind, where *graph.NodeFilter, orderBy []*graph.NodeOrder, first *int, after *string) (*model.NodeConnection, error) {
	limit, err := intArg("first", first, graph.DefaultPageSize, graph.MaxPageSize)
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
	page, err := r.Store.Nodes(ctx, graph.NodeQuery{Filter: filter, OrderBy: orderBy, Offset: offset, Limit: limit})
	if err != nil {
		return nil, err
	}
	conn := &model.NodeConnection{
		Nodes:      entities(page.Nodes),
		Edges:      make([]*model.NodeEdge, len(page.Nodes)),
		TotalCount: page.Total,
		PageInfo:   pageInfo(offset, len(page.Nodes), page.Total),
	}
	for i, n := range page.Nodes {
		conn.Edges[i] = &model.NodeEdge{Cursor: encodeCursor(offset + i), Node: graph.Wrap(n)}
	}
	return conn, nil
}

func (r *Resolver) querySearch(ctx context.Context, text string, kinds []graph.Kind, first *int) ([]*graph.SearchHit, error) {
	limit, err := intArg("first", first, 10, graph.MaxSearchResults)
	if err != nil {
		return nil, err
	}
	if len(text) > 500 {
		return nil, graph.Errorf(graph.EINVALID, "text: search text is %d bytes; the limit is 500", len(text))
	}
	hits, err := r.Store.Search(ctx, graph.SearchQuery{Text: text, Kinds: kinds, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]*graph.SearchHit, len(hits))
	for i := range hits {
		out[i] = &hits[i]
	}
	return out, nil
}

func (r *Resolver) queryNeighbourhood(ctx context.Context, id string, depth *int, dir *graph.Direction, types []graph.RelType, kinds []graph.Kind, asOf *int, limit *int) (*graph.Subgraph, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	d, err := intArg("depth", depth, 1, graph.MaxDepth)
	if err != nil {
		return nil, err
	}
	l, err := intArg("limit", limit, 500, graph.MaxNeighbourhoodSize)
	if err != nil {
		return nil, err
	}
	if err := checkAsOf(asOf); err != nil {
		return nil, err
	}
	return r.Store.Neighbourhood(ctx, graph.NeighbourhoodQuery{
		Seeds: []string{id}, Depth: d, Direction: direction(dir), Types: types, Kinds: kinds, AsOf: asOf, Limit: l,
	})
}

func (r *Resolver) queryPaths(ctx context.Context, from, to string, maxLength *int, k int, types []graph.RelType, asOf *int) ([]*graph.Path, error) {
	if err := checkID("from", from); err != nil {
		return nil, err
	}
	if err := checkID("to", to); err != nil {
		return nil, err
	}
	ml, err := intArg("maxLength", maxLength, 6, graph.MaxPathLength)
	if err != nil {
		return nil, err
	}
	if err := checkAsOf(asOf); err != nil {
		return nil, err
	}
	ps, err := r.Store.ShortestPaths(ctx, graph.PathQuery{From: from, To: to, MaxLength: ml, Types: types, AsOf: asOf, K: k})
	if err != nil {
		return nil, err
	}
	if ps == nil {
		ps = []*graph.Path{}
	}
	return ps, nil
}

func (r *Resolver) queryChanges(ctx context.Context, first *int, before *string) ([]*graph.Change, error) {
	limit, err := intArg("first", first, 20, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	var b int64
	if before != nil {
		if b, err = strconv.ParseInt(*before, 10, 64); err != nil || b < 0 {
			return nil, graph.Errorf(graph.EINVALID, "before: %q is not a change id", *before)
		}
	}
	return r.Store.Changes(ctx, b, limit)
}

// movementEvents lists the events that are part of a movement, by year.
func (r *Resolver) movementEvents(ctx context.Context, m *graph.Node) ([]*graph.Event, error) {
	ns, err := r.related(ctx, m, graph.DirectionIn, []graph.RelType{graph.RelPartOf}, graph.KindEvent)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ns, func(a, b *graph.Node) int { return cmpYear(a.Year, b.Year) })
	return wrapAs(ns, func(n *graph.Node) *graph.Event { return &graph.Event{Node: n} }), nil
}

func cmpYear(a, b *int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

var challengeTypes = []graph.RelType{graph.RelChallenged, graph.RelTargeted}

// movementChallenged lists the institutions a movement challenged or
// targeted, directly or through its organisations and events.
func (r *Resolver) movementChallenged(ctx context.Context, m *graph.Node) ([]*graph.Institution, error) {
	members, err := r.related(ctx, m, graph.DirectionIn, []graph.RelType{graph.RelPartOf}, graph.KindOrganisation, graph.KindEvent)
	if err != nil {
		return nil, err
	}
	actors := append([]*graph.Node{m}, members...)
	lists := make([][]*graph.Node, len(actors))
	errs := make([]error, len(actors))
	done := make(chan int)
	for i, a := range actors {
		// Concurrent so the loader batches every actor into one store call.
		go func() {
			lists[i], errs[i] = r.related(ctx, a, graph.DirectionOut, challengeTypes, graph.KindInstitution)
			done <- i
		}()
	}
	for range actors {
		<-done
	}
	seen := map[string]bool{}
	var out []*graph.Node
	for i, l := range lists {
		if errs[i] != nil {
			return nil, errs[i]
		}
		for _, n := range l {
			if !seen[n.ID] {
				seen[n.ID] = true
				out = append(out, n)
			}
		}
	}
	slices.SortFunc(out, func(a, b *graph.Node) int { return cmp.Compare(a.ID, b.ID) })
	return wrapAs(out, func(n *graph.Node) *graph.Institution { return &graph.Institution{Node: n} }), nil
}

// nodeTensions lists the tensions exemplified by a node's relationships or
// linked to it directly.
func (r *Resolver) nodeTensions(ctx context.Context, n *graph.Node) ([]*graph.Tension, error) {
	rs, err := r.rels(ctx, n.ID, graph.DirectionBoth, nil, nil, wantEndpoints|wantTensions)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, rel := range rs {
		ids = append(ids, rel.TensionIDs...)
		ids = append(ids, rel.Other(n.ID))
	}
	slices.Sort(ids)
	ns, err := r.nodes(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	ns = slices.DeleteFunc(ns, func(x *graph.Node) bool { return x.Kind != graph.KindTension })
	return wrapAs(ns, func(n *graph.Node) *graph.Tension { return &graph.Tension{Node: n} }), nil
}

func (r *Resolver) episodes(ctx context.Context, t *graph.Node, first *int, after *string) (*model.RelationshipConnection, error) {
	limit, err := intArg("first", first, 50, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	rs, err := r.loadersFor(ctx).episodes.Load(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("load episodes of %s: %w", t.ID, err)
	}
	return relPage(rs, offset, limit), nil
}

func kindCounts(s *graph.Stats) []*model.KindCount {
	out := make([]*model.KindCount, len(graph.Kinds))
	for i, k := range graph.Kinds {
		out[i] = &model.KindCount{Kind: k, Count: s.KindCounts[k]}
	}
	return out
}

func relTypeCounts(s *graph.Stats) []*model.RelationshipTypeCount {
	out := make([]*model.RelationshipTypeCount, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		out[i] = &model.RelationshipTypeCount{Type: t, Count: s.RelTypeCounts[t]}
	}
	return out
}
