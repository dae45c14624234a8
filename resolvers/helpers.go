package resolvers

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

// Cursors are opaque to clients; inside they are offsets into the ordered
// result. They stay valid while the data does not change.
const cursorPrefix = "offset:"

func encodeCursor(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// decodeCursor returns the offset just after the cursor's position. It
// accepts exactly what encodeCursor writes for an offset below
// graph.MaxOffset: canonical decimal digits, no sign, no leading zero; a
// forged offset can neither overflow nor reach a store out of range.
func decodeCursor(after *string) (int, error) {
	if after == nil || *after == "" {
		return 0, nil
	}
	bad := func() (int, error) {
		shown := *after
		if len(shown) > 40 {
			shown = shown[:40] + "..."
		}
		return 0, graph.Errorf(graph.EINVALID, "after: %q is not a cursor returned by this API", shown)
	}
	if len(*after) > 64 {
		return bad()
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(*after)
	digits, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !ok {
		return bad()
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || n >= graph.MaxOffset || strconv.Itoa(n) != digits {
		return bad()
	}
	return n + 1, nil
}

// intArg returns *p or def, checked against 0..max with the argument's name.
func intArg(name string, p *int, def, max int) (int, error) {
	v := def
	if p != nil {
		v = *p
	}
	if err := graph.CheckLimit(name, v, max); err != nil {
		return 0, err
	}
	return v, nil
}

func pageInfo(offset, count, total int) *model.PageInfo {
	pi := &model.PageInfo{
		HasPreviousPage: offset > 0,
		HasNextPage:     offset+count < total,
	}
	if count > 0 {
		s, e := encodeCursor(offset), encodeCursor(offset+count-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

func direction(d *graph.Direction) graph.Direction {
	if d == nil || *d == "" {
		return graph.DirectionBoth
	}
	return *d
}

// node loads one node through the request's loader; nil when missing.
func (r *Resolver) node(ctx context.Context, id string) (*graph.Node, error) {
	n, err := r.loadersFor(ctx).nodes.Load(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load node %s: %w", id, err)
	}
	return n, nil
}

// nodes loads several nodes at once, dropping missing ones.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]*graph.Node, error) {
	ns, err := r.loadersFor(ctx).nodes.LoadAll(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load nodes: %w", err)
	}
	return slices.DeleteFunc(ns, func(n *graph.Node) bool { return n == nil }), nil
}

// sources loads the sources a node or relationship cites.
func (r *Resolver) sources(ctx context.Context, ids []string) ([]*graph.Source, error) {
	ss, err := r.loadersFor(ctx).sources.LoadAll(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load sources: %w", err)
	}
	return slices.DeleteFunc(ss, func(s *graph.Source) bool { return s == nil }), nil
}

// rels loads the relationships of one node, with what want asks for.
func (r *Resolver) rels(ctx context.Context, id string, dir graph.Direction, types []graph.RelType, asOf *int, want prefetch) ([]*graph.Relationship, error) {
	rs, err := r.loadersFor(ctx).rels.Load(ctx, newRelKey(id, dir, types, asOf, want))
	if err != nil {
		return nil, fmt.Errorf("load relationships of %s: %w", id, err)
	}
	return rs, nil
}

// relConnection pages the relationships of a node.
func (r *Resolver) relConnection(ctx context.Context, n *graph.Node, dir *graph.Direction, types []graph.RelType, asOf *int, first *int, after *string) (*model.RelationshipConnection, error) {
	limit, err := intArg("first", first, 50, graph.MaxPageSize)
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
	all, err := r.rels(ctx, n.ID, direction(dir), types, asOf, lookahead(ctx))
	if err != nil {
		return nil, err
	}
	return relPage(all, offset, limit), nil
}

func relPage(all []*graph.Relationship, offset, limit int) *model.RelationshipConnection {
	lo := min(offset, len(all))
	hi := min(lo+limit, len(all))
	page := all[lo:hi]
	conn := &model.RelationshipConnection{
		Nodes:      page,
		Edges:      make([]*model.RelationshipEdge, len(page)),
		TotalCount: len(all),
		PageInfo:   pageInfo(lo, len(page), len(all)),
	}
	for i, rel := range page {
		conn.Edges[i] = &model.RelationshipEdge{Cursor: encodeCursor(lo + i), Node: rel}
	}
	return conn
}

func (r *Resolver) degree(ctx context.Context, n *graph.Node) (int, error) {
	rs, err := r.rels(ctx, n.ID, graph.DirectionBoth, nil, nil, 0)
	return len(rs), err
}

// related returns the distinct nodes at the other end of n's relationships
// of the given types and direction, keeping only the given kinds, sorted by
// name then id.
func (r *Resolver) related(ctx context.Context, n *graph.Node, dir graph.Direction, types []graph.RelType, kinds ...graph.Kind) ([]*graph.Node, error) {
	rs, err := r.rels(ctx, n.ID, dir, types, nil, wantEndpoints)
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
	slices.SortFunc(ns, func(a, b *graph.Node) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ns, nil
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

// checkAsOf applies graph's one asOf rule (graph.CheckAsOf).
func checkAsOf(asOf *int) error { return graph.CheckAsOf(asOf) }
