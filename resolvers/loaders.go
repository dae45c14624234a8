package resolvers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/hmkg/hmkg/graph"
)

// DefaultLoaderWait is how long a loader collects keys before it fetches.
// gqlgen starts the resolvers of a list's elements together, so a short
// wait gathers a nesting level into one store call; a longer one batches
// more reliably on a busy machine but adds latency per level.
const DefaultLoaderWait = 2 * time.Millisecond

// relKey identifies the relationships of one node under one set of
// arguments; keys with equal arguments are fetched in one store call.
type relKey struct {
	id    string
	dir   graph.Direction
	types string // sorted, comma-joined
	asOf  int
	dated bool
	// want says what the query will ask of the relationships, so that one
	// batch fetches it for all of them (see prefetch).
	want prefetch
}

// prefetch flags what a batch of relationships is fetched together with.
type prefetch uint8

const (
	wantEndpoints prefetch = 1 << iota
	wantSources
	wantTensions
)

func (k relKey) query() graph.RelQuery {
	q := graph.RelQuery{Direction: k.dir}
	if k.types != "" {
		for _, t := range strings.Split(k.types, ",") {
			q.Types = append(q.Types, graph.RelType(t))
		}
	}
	if k.dated {
		asOf := k.asOf
		q.AsOf = &asOf
	}
	return q
}

func newRelKey(id string, dir graph.Direction, types []graph.RelType, asOf *int, want prefetch) relKey {
	ts := make([]string, len(types))
	for i, t := range types {
		ts[i] = string(t)
	}
	slices.Sort(ts)
	k := relKey{id: id, dir: dir, types: strings.Join(slices.Compact(ts), ","), want: want}
	if asOf != nil {
		k.asOf, k.dated = *asOf, true
	}
	return k
}

// loaders batch the store reads of one request.
type loaders struct {
	nodes   *dataloadgen.Loader[string, *graph.Node]
	sources *dataloadgen.Loader[string, *graph.Source]
	rels    *dataloadgen.Loader[relKey, []*graph.Relationship]
	// episodes maps a tension id to the relationships that exemplify it.
	episodes *dataloadgen.Loader[string, []*graph.Relationship]
}

func newLoaders(store graph.Store, wait time.Duration) *loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000)}
	l := &loaders{}
	*l = loaders{
		nodes: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Node, []error) {
			ns, err := store.NodesByID(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			return ns, nil
		}, opts...),
		sources: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Source, []error) {
			ss, err := store.SourcesByID(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			return ss, nil
		}, opts...),
		rels: dataloadgen.NewLoader(func(ctx context.Context, keys []relKey) ([][]*graph.Relationship, []error) {
			return l.fetchRels(ctx, store, keys)
		}, opts...),
		episodes: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]*graph.Relationship, []error) {
			rs, err := store.Exemplifying(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			out := make([][]*graph.Relationship, len(ids))
			for i, id := range ids {
				out[i] = []*graph.Relationship{}
				for _, r := range rs {
					if slices.Contains(r.TensionIDs, id) {
						out[i] = append(out[i], r)
					}
				}
			}
			return out, nil
		}, opts...),
	}
	return l
}

// fetchRels answers a batch of relationship keys with one store call per
// distinct argument set, then hands each node its own relationships.
func (l *loaders) fetchRels(ctx context.Context, store graph.Store, keys []relKey) ([][]*graph.Relationship, []error) {
	type group struct {
		q   graph.RelQuery
		idx []int
	}
	groups := map[relKey]*group{}
	var order []relKey
	for i, k := range keys {
		gk := k
		gk.id = ""
		g, ok := groups[gk]
		if !ok {
			g = &group{q: k.query()}
			groups[gk] = g
			order = append(order, gk)
		}
		g.q.NodeIDs = append(g.q.NodeIDs, k.id)
		g.idx = append(g.idx, i)
	}
	out := make([][]*graph.Relationship, len(keys))
	for _, gk := range order {
		g := groups[gk]
		rels, err := store.Relationships(ctx, g.q)
		if err != nil {
			return nil, []error{err}
		}
		if err := l.prefetch(ctx, store, rels, gk.want); err != nil {
			return nil, []error{err}
		}
		byNode := map[string][]*graph.Relationship{}
		for _, r := range rels {
			if gk.dir != graph.DirectionIn {
				byNode[r.From] = append(byNode[r.From], r)
			}
			if gk.dir != graph.DirectionOut && r.To != r.From {
				byNode[r.To] = append(byNode[r.To], r)
			}
		}
		for _, i := range g.idx {
			out[i] = byNode[keys[i].id]
			if out[i] == nil {
				out[i] = []*graph.Relationship{}
			}
		}
	}
	return out, nil
}

type loadersKey struct{}

// WithLoaders gives a request its own loaders, which batch its store reads;
// the server calls it once per GraphQL request.
func WithLoaders(ctx context.Context, store graph.Store, wait time.Duration) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(store, wait))
}

// loadersFor returns the request's loaders, or fresh ones when the caller
// (a test, say) bypassed the HTTP middleware.
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.Store, DefaultLoaderWait)
}

// prefetch loads, in one store call each, what the query will ask of a
// batch of relationships, and primes the loaders with it. Without it the
// relationship lists of many nodes reach the node and source loaders at
// different moments and a nesting level splits into several batches.
func (l *loaders) prefetch(ctx context.Context, store graph.Store, rels []*graph.Relationship, want prefetch) error {
	if want&(wantEndpoints|wantTensions) != 0 {
		var ids []string
		for _, r := range rels {
			if want&wantEndpoints != 0 {
				ids = append(ids, r.From, r.To)
			}
			if want&wantTensions != 0 {
				ids = append(ids, r.TensionIDs...)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) > 0 {
			ns, err := store.NodesByID(ctx, ids)
			if err != nil {
				return err
			}
			for i, n := range ns {
				l.nodes.Prime(ids[i], n)
			}
		}
	}
	if want&wantSources != 0 {
		var ids []string
		for _, r := range rels {
			ids = append(ids, r.SourceIDs...)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) > 0 {
			ss, err := store.SourcesByID(ctx, ids)
			if err != nil {
				return err
			}
			for i, src := range ss {
				l.sources.Prime(ids[i], src)
			}
		}
	}
	return nil
}

// lookahead reads which relationship fields the current connection field
// selects (under nodes or edges.node), so their data can be prefetched.
func lookahead(ctx context.Context) prefetch {
	fc := graphql.GetFieldContext(ctx)
	opCtx := graphql.GetOperationContext(ctx)
	if fc == nil || fc.Field.Field == nil || opCtx == nil {
		return 0
	}
	var want prefetch
	var visit func(sel ast.SelectionSet, relLevel bool)
	visit = func(sel ast.SelectionSet, relLevel bool) {
		for _, f := range graphql.CollectFields(opCtx, sel, nil) {
			switch {
			case relLevel && (f.Name == "from" || f.Name == "to"):
				want |= wantEndpoints
			case relLevel && f.Name == "sources":
				want |= wantSources
			case relLevel && f.Name == "tensions":
				want |= wantTensions
			case !relLevel && f.Name == "nodes":
				visit(f.Selections, true)
			case !relLevel && f.Name == "edges":
				for _, e := range graphql.CollectFields(opCtx, f.Selections, nil) {
					if e.Name == "node" {
						visit(e.Selections, true)
					}
				}
			}
		}
	}
	visit(fc.Field.Selections, false)
	return want
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
