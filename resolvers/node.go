package resolvers

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

// relConnection pages the relationships of a node.
func (r *Resolver) relConnection(ctx context.Context, n *graph.Node, dir *graph.Direction, types []graph.RelType, asOf *int, first *int, after *string) (*model.RelationshipConnection, error) {
	limit, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	if dir != nil && !dir.Valid() {
		return nil, graph.Errorf(graph.EINVALID, "direction %q is not OUT, IN or BOTH", *dir)
	}
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	key := newRelKey(n.ID, direction(dir), types, asOf)
	if !mentions(ctx, "totalCount") {
		key.cap = offset + limit + 1 // see relCap
	}
	all, err := r.relsKeyed(ctx, key)
	if err != nil {
		return nil, err
	}
	return relPage(ctx, all, offset, limit), nil
}

// relPage is the page of all from offset; its edges and pageInfo (and
// their cursors) only when the field being resolved selects them.
func relPage(ctx context.Context, all []*graph.Relationship, offset, limit int) *model.RelationshipConnection {
	lo := min(offset, len(all))
	hi := min(lo+limit, len(all))
	page := all[lo:hi]
	conn := &model.RelationshipConnection{Nodes: page, TotalCount: len(all)}
	if mentions(ctx, "pageInfo") {
		conn.PageInfo = pageInfo(lo, len(page), len(all))
	}
	if mentions(ctx, "edges") {
		conn.Edges = make([]*model.RelationshipEdge, len(page))
		for i, rel := range page {
			conn.Edges[i] = &model.RelationshipEdge{Cursor: encodeCursor(lo + i), Node: rel}
		}
	}
	return conn
}

func (r *Resolver) degree(ctx context.Context, n *graph.Node) (int, error) {
	rs, err := r.rels(ctx, n.ID, graph.DirectionBoth, nil, nil)
	return len(rs), err
}

// related returns the distinct nodes at the other end of n's relationships
// of the given types and direction, keeping only the given kinds, sorted by
// name then id.
func (r *Resolver) related(ctx context.Context, n *graph.Node, dir graph.Direction, types []graph.RelType, kinds ...graph.Kind) ([]*graph.Node, error) {
	rs, err := r.rels(ctx, n.ID, dir, types, nil, kinds...)
	if err != nil {
		return nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, rel := range rs {
		if o := rel.Other(n.ID); !seen[o] {
			seen[o] = true
			ids = append(ids, o)
		}
	}
	ns, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	if len(kinds) > 0 {
		ns = slices.DeleteFunc(ns, func(x *graph.Node) bool { return !slices.Contains(kinds, x.Kind) })
	}
	sortByName(ns)
	return ns, nil
}

// sortByName sorts nodes by lower-cased name, then id, lowering each name
// once rather than at every comparison.
func sortByName(ns []*graph.Node) {
	if len(ns) < 2 {
		return
	}
	type keyed struct {
		key string
		n   *graph.Node
	}
	ks := make([]keyed, len(ns))
	for i, n := range ns {
		ks[i] = keyed{strings.ToLower(n.Name), n}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.n.ID, b.n.ID)
	})
	for i := range ks {
		ns[i] = ks[i].n
	}
}

// wrapAs converts nodes to one kind's wrapper type.
func wrapAs[T any](ns []*graph.Node, wrap func(*graph.Node) *T) []*T {
	out := make([]*T, len(ns))
	for i, n := range ns {
		out[i] = wrap(n)
	}
	return out
}

func entities(ns []*graph.Node) []graph.Entity {
	out := make([]graph.Entity, 0, len(ns))
	for _, n := range ns {
		if n != nil {
			out = append(out, graph.Wrap(n))
		}
	}
	return out
}

// entitiesByID loads nodes in the order of ids.
func (r *Resolver) entitiesByID(ctx context.Context, ids []string) ([]graph.Entity, error) {
	ns, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	return entities(ns), nil
}

func nodeIDs(ns []*graph.Node) []string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
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

// challengeMembers are the kinds of a movement's members that challenge in
// its name.
var challengeMembers = []graph.Kind{graph.KindOrganisation, graph.KindEvent}

// movementChallenged lists the institutions a movement challenged or
// targeted, directly or through its organisations and events.
func (r *Resolver) movementChallenged(ctx context.Context, m *graph.Node) ([]*graph.Institution, error) {
	members, err := r.related(ctx, m, graph.DirectionIn, []graph.RelType{graph.RelPartOf}, challengeMembers...)
	if err != nil {
		return nil, err
	}
	actors := append([]string{m.ID}, nodeIDs(members)...)
	// One store call for every actor's challenges.
	lists, err := r.loadersFor(ctx).loadRels(ctx, actors, newRelKey("", graph.DirectionOut, challengeTypes, nil))
	if err != nil {
		return nil, fmt.Errorf("load challenges of %s: %w", m.ID, err)
	}
	var ids []string
	for i, l := range lists {
		for _, rel := range l {
			ids = append(ids, rel.Other(actors[i]))
		}
	}
	slices.Sort(ids)
	ns, err := r.nodes(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(ns, func(x *graph.Node) bool { return x.Kind != graph.KindInstitution })
	slices.SortFunc(out, func(a, b *graph.Node) int { return cmp.Compare(a.ID, b.ID) })
	return wrapAs(out, func(n *graph.Node) *graph.Institution { return &graph.Institution{Node: n} }), nil
}

// nodeTensions lists the tensions exemplified by a node's relationships or
// linked to it directly.
func (r *Resolver) nodeTensions(ctx context.Context, n *graph.Node) ([]*graph.Tension, error) {
	rs, err := r.rels(ctx, n.ID, graph.DirectionBoth, nil, nil)
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
	limit, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	rs, err := r.loadersFor(ctx).loadEpisodes(ctx, []string{t.ID})
	if err != nil {
		return nil, fmt.Errorf("load episodes of %s: %w", t.ID, err)
	}
	return relPage(ctx, rs[0], offset, limit), nil
}

// reportPublisher is the node a report names as its publisher, if any.
func (r *Resolver) reportPublisher(ctx context.Context, rep *graph.Node) (graph.Entity, error) {
	if rep.Publisher == "" {
		return nil, nil
	}
	n, err := r.node(ctx, rep.Publisher)
	if err != nil || n == nil {
		return nil, err
	}
	return graph.Wrap(n), nil
}
