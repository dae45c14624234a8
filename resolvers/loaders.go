package resolvers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
)

// relKey identifies the relationships of one node under one set of
// arguments.
type relKey struct {
	id    string
	dir   graph.Direction
	types string // sorted, comma-joined
	asOf  int
	dated bool
	// kinds, sorted and comma-joined, keeps the relationships whose other
	// end is of one of these kinds (graph.RelPlan.OtherKinds): a list for
	// a related-nodes field, which filters by kind again.
	kinds string
	// cap, when above 0, keeps only each node's first cap relationships:
	// what a page that needs no totalCount reads (relCap).
	cap int
}

// relCap is how many of a node's relationships a page of them ending at
// offset end needs: one more than end, to know whether a next page exists;
// 0 (every one) when the selection asks for totalCount. The planner and
// the connection's resolver both derive it from the field, so they name
// the same loaders key.
func relCap(end int, sel ast.SelectionSet) int {
	if selectionMentions(sel, "totalCount", 0) {
		return 0
	}
	return end + 1
}

// otherKinds returns k's kinds.
func (k relKey) otherKinds() []graph.Kind {
	if k.kinds == "" {
		return nil
	}
	var out []graph.Kind
	for _, s := range strings.Split(k.kinds, ",") {
		out = append(out, graph.Kind(s))
	}
	return out
}

// withKinds returns k keeping only relationships to nodes of kinds.
func (k relKey) withKinds(kinds []graph.Kind) relKey {
	ks := make([]string, len(kinds))
	for i, x := range kinds {
		ks[i] = string(x)
	}
	slices.Sort(ks)
	k.kinds = strings.Join(slices.Compact(ks), ",")
	return k
}

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
	q.PerNode = k.cap
	return q
}

func newRelKey(id string, dir graph.Direction, types []graph.RelType, asOf *int) relKey {
	ts := make([]string, len(types))
	for i, t := range types {
		ts[i] = string(t)
	}
	slices.Sort(ts)
	k := relKey{id: id, dir: dir, types: strings.Join(slices.Compact(ts), ",")}
	if asOf != nil {
		k.asOf, k.dated = *asOf, true
	}
	return k
}

// loaders hold what one request has fetched. Nothing here waits: the
// planner (plan.go) fetches each nesting level of the operation in one store
// call per field as soon as its parent level is known, and the resolvers
// then find their data here. A miss (a field the planner does not foresee)
// is fetched at once, for just what was asked.
type loaders struct {
	store   graph.Store
	mu      sync.Mutex
	nodes   map[string]*graph.Node // nil value: known to be missing
	sources map[string]*graph.Source
	rels    map[relKey][]*graph.Relationship
	// episodes maps a tension id to the relationships that exemplify it.
	episodes map[string][]*graph.Relationship
	// fields is what the planned reads fill in of nodes and relationships
	// (planfields.go), once the planner has read the operation; nil:
	// everything.
	fields      *graph.Fields
	fieldsKnown bool
}

// plannedFields returns what planned reads fill in (see fields).
func (l *loaders) plannedFields() *graph.Fields {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fields
}

func newLoaders(store graph.Store) *loaders {
	return &loaders{
		store:    store,
		nodes:    map[string]*graph.Node{},
		sources:  map[string]*graph.Source{},
		rels:     map[relKey][]*graph.Relationship{},
		episodes: map[string][]*graph.Relationship{},
	}
}

// missing returns the distinct keys of ids that have is false for.
func missing(ids []string, has func(string) bool) []string {
	var out []string
	var seen map[string]bool // only when something is missing
	for _, id := range ids {
		if has(id) || seen[id] {
			continue
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// loadNodes returns the nodes with the given ids in order, nil for missing
// ones, fetching those not yet known in one store call.
func (l *loaders) loadNodes(ctx context.Context, ids []string) ([]*graph.Node, error) {
	l.mu.Lock()
	need := missing(ids, func(id string) bool { _, ok := l.nodes[id]; return ok })
	l.mu.Unlock()
	if len(need) > 0 {
		ns, err := l.store.NodesByID(ctx, need)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		l.sizeNodes(len(need))
		for i, id := range need {
			l.nodes[id] = ns[i]
		}
		l.mu.Unlock()
	}
	out := make([]*graph.Node, len(ids))
	l.mu.Lock()
	for i, id := range ids {
		out[i] = l.nodes[id]
	}
	l.mu.Unlock()
	return out, nil
}

// rootPlan is what the planner folds into the store call of a root field:
// the sources its nodes cite and one relationships level below them (rels
// nil: none), cached under key like loadRelsWith caches it.
type rootPlan struct {
	sources bool
	rels    *graph.RelPlan
	key     relKey
}

// loadNodesPlanned loads nodes with what rp folds in, in one store step
// (graph.NodePlan); the nodes in the order of ids, nil for missing ones.
func (l *loaders) loadNodesPlanned(ctx context.Context, ids []string, rp rootPlan) ([]*graph.Node, error) {
	res, err := graph.PlanNodes(ctx, l.store, graph.NodePlan{IDs: ids, Sources: rp.sources, Rels: rp.rels, Fields: l.plannedFields()})
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	for i, id := range ids {
		l.nodes[id] = res.Nodes[i]
	}
	l.mu.Unlock()
	l.knowPlanned(res.Nodes, res.Sources, rp, res.Rels)
	return res.Nodes, nil
}

// knowPlanned records what a planned root call returned besides its
// nodes: the sources they cite and their relationships level under rp.key.
func (l *loaders) knowPlanned(ns []*graph.Node, sources []*graph.Source, rp rootPlan, rels *graph.RelPlanResult) {
	l.knowSources(sources)
	if rp.rels == nil || rels == nil {
		return
	}
	ids := make([]string, 0, len(ns))
	for _, n := range ns {
		if n != nil {
			ids = append(ids, n.ID)
		}
	}
	l.knowNodes(rels.Nodes)
	l.knowSources(rels.Sources)
	l.storeRels(ids, rp.key, rels.Relationships)
}

// knowSources records sources a store call returned for another purpose.
func (l *loaders) knowSources(ss []*graph.Source) {
	l.mu.Lock()
	if len(l.sources) == 0 && len(ss) > 8 {
		l.sources = make(map[string]*graph.Source, len(ss))
	}
	for _, src := range ss {
		if src != nil {
			l.sources[src.ID] = src
		}
	}
	l.mu.Unlock()
}

// sizeNodes makes room for n more nodes at once, rather than growing the
// map entry by entry (a planned level can bring hundreds). Called with
// l.mu held.
func (l *loaders) sizeNodes(n int) {
	if n > 8 && len(l.nodes)+n > 2*len(l.nodes) {
		grown := make(map[string]*graph.Node, len(l.nodes)+n)
		for k, v := range l.nodes {
			grown[k] = v
		}
		l.nodes = grown
	}
}

// knownNode returns the node id when the request has it: the endpoint of
// a planned relationship, found without the slices loadNodes builds.
func (l *loaders) knownNode(id string) (*graph.Node, bool) {
	l.mu.Lock()
	n, ok := l.nodes[id]
	l.mu.Unlock()
	return n, ok
}

// knowNodes records nodes a store call returned for another purpose.
func (l *loaders) knowNodes(ns []*graph.Node) {
	l.mu.Lock()
	l.sizeNodes(len(ns))
	for _, n := range ns {
		if n != nil {
			l.nodes[n.ID] = n
		}
	}
	l.mu.Unlock()
}

// loadSources is loadNodes for sources.
func (l *loaders) loadSources(ctx context.Context, ids []string) ([]*graph.Source, error) {
	l.mu.Lock()
	need := missing(ids, func(id string) bool { _, ok := l.sources[id]; return ok })
	l.mu.Unlock()
	if len(need) > 0 {
		ss, err := l.store.SourcesByID(ctx, need)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		for i, id := range need {
			l.sources[id] = ss[i]
		}
		l.mu.Unlock()
	}
	out := make([]*graph.Source, len(ids))
	l.mu.Lock()
	for i, id := range ids {
		out[i] = l.sources[id]
	}
	l.mu.Unlock()
	return out, nil
}

// loadRels returns the relationships of each of ids under the arguments of
// proto (whose id is ignored), fetching the unknown ones in one store call.
func (l *loaders) loadRels(ctx context.Context, ids []string, proto relKey) ([][]*graph.Relationship, error) {
	return l.loadRelsWith(ctx, ids, proto, false, false)
}

// loadRelsWith is loadRels that also fetches, in the same store step, the
// relationships' endpoints and cited sources when asked (graph.RelPlan).
func (l *loaders) loadRelsWith(ctx context.Context, ids []string, proto relKey, endpoints, sources bool) ([][]*graph.Relationship, error) {
	key := func(id string) relKey { k := proto; k.id = id; return k }
	l.mu.Lock()
	need := missing(ids, func(id string) bool { _, ok := l.rels[key(id)]; return ok })
	l.mu.Unlock()
	if len(need) > 0 {
		q := proto.query()
		q.NodeIDs = need
		var rels []*graph.Relationship
		if endpoints || sources || proto.kinds != "" {
			res, err := graph.PlanRelationships(ctx, l.store, graph.RelPlan{Query: q, Endpoints: endpoints, Sources: sources,
				Fields: l.plannedFields(), OtherKinds: proto.otherKinds()})
			if err != nil {
				return nil, err
			}
			rels = res.Relationships
			l.knowNodes(res.Nodes)
			l.knowSources(res.Sources)
		} else {
			var err error
			if rels, err = l.store.Relationships(ctx, q); err != nil {
				return nil, err
			}
		}
		l.storeRels(need, proto, rels)
	}
	out := make([][]*graph.Relationship, len(ids))
	l.mu.Lock()
	for i, id := range ids {
		out[i] = l.rels[key(id)]
	}
	l.mu.Unlock()
	return out, nil
}

// storeRels caches rels, the relationships of the nodes ids under the
// arguments of proto, per node.
func (l *loaders) storeRels(ids []string, proto relKey, rels []*graph.Relationship) {
	// Count each node's relationships, then carve their lists out of one
	// array rather than growing one per node.
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, ok := index[id]; !ok {
			index[id] = i
		}
	}
	counts := make([]int, len(ids))
	each := func(r *graph.Relationship, fn func(i int)) {
		if i, ok := index[r.From]; ok && proto.dir != graph.DirectionIn {
			fn(i)
		}
		if i, ok := index[r.To]; ok && proto.dir != graph.DirectionOut && r.To != r.From {
			fn(i)
		}
	}
	total := 0
	for _, r := range rels {
		each(r, func(i int) { counts[i]++; total++ })
	}
	backing := make([]*graph.Relationship, 0, total)
	lists := make([][]*graph.Relationship, len(ids))
	for i, n := range counts {
		lists[i] = backing[len(backing) : len(backing) : len(backing)+n]
		backing = backing[:len(backing)+n]
	}
	for _, r := range rels {
		each(r, func(i int) { lists[i] = append(lists[i], r) })
	}
	if proto.cap > 0 {
		// The store may have returned more than each node's first cap.
		for i, l := range lists {
			lists[i] = l[:min(len(l), proto.cap)]
		}
	}
	l.mu.Lock()
	for _, id := range ids {
		rs := lists[index[id]] // never nil: cut from backing
		k := proto
		k.id = id
		l.rels[k] = rs
	}
	l.mu.Unlock()
}

// loadEpisodes returns the relationships exemplifying each tension of ids.
func (l *loaders) loadEpisodes(ctx context.Context, ids []string) ([][]*graph.Relationship, error) {
	l.mu.Lock()
	need := missing(ids, func(id string) bool { _, ok := l.episodes[id]; return ok })
	l.mu.Unlock()
	if len(need) > 0 {
		rs, err := l.store.Exemplifying(ctx, need)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		for _, id := range need {
			eps := []*graph.Relationship{}
			for _, r := range rs {
				if slices.Contains(r.TensionIDs, id) {
					eps = append(eps, r)
				}
			}
			l.episodes[id] = eps
		}
		l.mu.Unlock()
	}
	out := make([][]*graph.Relationship, len(ids))
	l.mu.Lock()
	for i, id := range ids {
		out[i] = l.episodes[id]
	}
	l.mu.Unlock()
	return out, nil
}

type loadersKey struct{}

// WithLoaders gives a request its own loaders, which hold what it fetched;
// the server calls it once per GraphQL request.
func WithLoaders(ctx context.Context, store graph.Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(store))
}

// loadersFor returns the request's loaders, or fresh ones when the caller
// (a test, say) bypassed the HTTP middleware.
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.Store)
}

// node loads one node; nil when missing.
func (r *Resolver) node(ctx context.Context, id string) (*graph.Node, error) {
	ns, err := r.loadersFor(ctx).loadNodes(ctx, []string{id})
	if err != nil {
		return nil, fmt.Errorf("load node %s: %w", id, err)
	}
	return ns[0], nil
}

// nodes loads several nodes at once, dropping missing ones.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]*graph.Node, error) {
	ns, err := r.loadersFor(ctx).loadNodes(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load nodes: %w", err)
	}
	return slices.DeleteFunc(ns, func(n *graph.Node) bool { return n == nil }), nil
}

// sources loads the sources a node or relationship cites.
func (r *Resolver) sources(ctx context.Context, ids []string) ([]*graph.Source, error) {
	ss, err := r.loadersFor(ctx).loadSources(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load sources: %w", err)
	}
	return slices.DeleteFunc(ss, func(s *graph.Source) bool { return s == nil }), nil
}

// rels loads the relationships of one node; with kinds, at least those
// whose other end is of one of them (see relKey.kinds).
func (r *Resolver) rels(ctx context.Context, id string, dir graph.Direction, types []graph.RelType, asOf *int, kinds ...graph.Kind) ([]*graph.Relationship, error) {
	return r.relsKeyed(ctx, newRelKey(id, dir, types, asOf).withKinds(kinds))
}

// relsKeyed loads the relationships of key.id under key's arguments.
func (r *Resolver) relsKeyed(ctx context.Context, key relKey) ([]*graph.Relationship, error) {
	id := key.id
	rs, err := r.loadersFor(ctx).loadRels(ctx, []string{id}, key)
	if err != nil {
		return nil, fmt.Errorf("load relationships of %s: %w", id, err)
	}
	return rs[0], nil
}
