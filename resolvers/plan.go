package resolvers

// plan.go is the request planner in one piece: reading a selection and
// fetching each nesting level are two halves of one algorithm, kept together
// although the file is over 500 lines.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/hmkg/hmkg/graph"
)

// The planner reads the whole selection under a root field once its result
// is known and fetches every nesting level below it with one store call per
// field (and argument set), level by level: the nodes' sources, their
// relationships, those relationships' endpoints, sources and tensions, the
// endpoints' own fields, and so on to the depth the operation asks. Each
// level starts as soon as the previous one is in, with no waiting; the
// resolvers then only read the request's loaders. A request therefore
// costs a fixed number of store calls whatever its size (see
// TestNestedFieldsAreBatched). Planning is best effort: when a level fails
// or an argument is invalid, it stops, and the resolver concerned fetches
// for itself and reports the error where it belongs.

// typeNames maps a node kind to its GraphQL type.
var typeNames = map[graph.Kind]string{
	graph.KindMovement:     "Movement",
	graph.KindOrganisation: "Organisation",
	graph.KindInstitution:  "Institution",
	graph.KindReport:       "Report",
	graph.KindPerson:       "Person",
	graph.KindEvent:        "Event",
	graph.KindTension:      "Tension",
}

// typeOrder lists typeNames' values in a fixed order, so that planning is
// deterministic.
var typeOrder = []string{"Movement", "Organisation", "Institution", "Report", "Person", "Event", "Tension"}

// relatedSpec is a kind's field listing the nodes at the other end of
// relationships of fixed types (see Resolver.related).
type relatedSpec struct {
	dir   graph.Direction
	types []graph.RelType
	kinds []graph.Kind
}

// relatedFields are the fields resolved with Resolver.related; keep in step
// with schema.resolvers.go.
var relatedFields = map[string]relatedSpec{
	"Event.movements":          {graph.DirectionOut, []graph.RelType{graph.RelPartOf}, []graph.Kind{graph.KindMovement}},
	"Event.institutions":       {graph.DirectionBoth, nil, []graph.Kind{graph.KindInstitution}},
	"Institution.reports":      {graph.DirectionOut, []graph.RelType{graph.RelPublished}, []graph.Kind{graph.KindReport}},
	"Institution.challengedBy": {graph.DirectionIn, []graph.RelType{graph.RelChallenged, graph.RelTargeted}, nil},
	"Movement.organisations":   {graph.DirectionIn, []graph.RelType{graph.RelPartOf}, []graph.Kind{graph.KindOrganisation}},
	"Movement.events":          {graph.DirectionIn, []graph.RelType{graph.RelPartOf}, []graph.Kind{graph.KindEvent}},
	"Organisation.movements":   {graph.DirectionOut, []graph.RelType{graph.RelPartOf}, []graph.Kind{graph.KindMovement}},
	"Organisation.people":      {graph.DirectionIn, []graph.RelType{graph.RelFounded, graph.RelLed}, []graph.Kind{graph.KindPerson}},
	"Person.ledOrFounded":      {graph.DirectionOut, []graph.RelType{graph.RelFounded, graph.RelLed, graph.RelOrganised}, nil},
	"Report.describes":         {graph.DirectionOut, []graph.RelType{graph.RelDescribes}, nil},
}

// planner walks one operation's selections.
type planner struct {
	l     *loaders
	opCtx *graphql.OperationContext
	// overlap runs a level's independent store calls at the same time
	// (see together); false for a store that answers from memory.
	overlap bool
}

// plan returns a planner for the request, or nil outside one.
func (r *Resolver) plan(ctx context.Context) *planner {
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx == nil {
		return nil
	}
	l := r.loadersFor(ctx)
	l.requestFields(opCtx)
	return &planner{l: l, opCtx: opCtx, overlap: overlaps(r.Store)}
}

// overlaps reports whether a level's independent store calls are worth
// running at the same time on s: on a database server each is a round
// trip, in memory each is a few map reads, cheaper than a goroutine (the
// nested benchmark query spent a tenth of its time starting and joining
// them).
func overlaps(s graph.Store) bool {
	for {
		switch x := s.(type) {
		case graph.InProcess:
			return !x.InProcess()
		case interface{ Unwrap() graph.Store }:
			// A store wrapping another (the tests' call counters).
			s = x.Unwrap()
		default:
			return true
		}
	}
}

// fieldSelection is the selection under the field being resolved.
func fieldSelection(ctx context.Context) ast.SelectionSet {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		return fc.Field.Selections
	}
	return nil
}

// under returns the selections of the named child fields of sel, following
// a path such as "edges", "node".
func (p *planner) under(sel ast.SelectionSet, path ...string) []ast.SelectionSet {
	sels := []ast.SelectionSet{sel}
	for _, name := range path {
		var next []ast.SelectionSet
		for _, s := range sels {
			for _, f := range graphql.CollectFields(p.opCtx, s, nil) {
				if f.Name == name {
					next = append(next, f.Selections)
				}
			}
		}
		sels = next
	}
	return sels
}

// selects reports whether sel selects the named field on any node type.
func (p *planner) selects(sel ast.SelectionSet, name string) bool {
	for _, tn := range typeNames {
		for _, f := range graphql.CollectFields(p.opCtx, sel, []string{tn, "Node"}) {
			if f.Name == name {
				return true
			}
		}
	}
	return false
}

// connection returns the element selections of a connection field: its
// nodes and its edges' node.
func (p *planner) connection(sel ast.SelectionSet) []ast.SelectionSet {
	return append(p.under(sel, "nodes"), p.under(sel, "edges", "node")...)
}

// done logs why planning stopped; the resolvers fetch what is left.
func (p *planner) done(ctx context.Context, err error) {
	if err != nil {
		slog.DebugContext(ctx, "planning stopped; resolvers fetch the rest", "err", err)
	}
}

// root returns what the store call of a root field can answer together
// with its nodes, whose selections are sels: whether any selects the
// nodes' sources, and the first relationships level any of them selects
// (on any node type; relationships, degree, a related-nodes field or a
// movement's tensions or members). The levels below are planned as usual
// by nodes, which then finds these ones known.
func (p *planner) root(sels []ast.SelectionSet) rootPlan {
	var rp rootPlan
	for _, sel := range sels {
		for _, tn := range typeOrder {
			for _, f := range graphql.CollectFields(p.opCtx, sel, []string{tn, "Node"}) {
				if f.Name == "sources" {
					rp.sources = true
				}
				if rp.rels != nil {
					continue
				}
				var k relKey
				var endpoints, sources bool
				switch name := f.Name; {
				case name == "relationships":
					var ok bool
					if k, ok = p.relArgs(f); !ok {
						continue
					}
					// On a database server, the endpoints and sources of
					// every relationship come in the same statement; in
					// memory, nodes plans them for the selected pages only.
					if p.overlap {
						endpoints, sources = p.relWants(p.connection(f.Selections))
					}
				case name == "degree":
					k = newRelKey("", graph.DirectionBoth, nil, nil)
				case name == "tensions" && tn == "Movement":
					k, endpoints = newRelKey("", graph.DirectionBoth, nil, nil), true
				case name == "challenged" && tn == "Movement":
					k, endpoints = newRelKey("", graph.DirectionIn, []graph.RelType{graph.RelPartOf}, nil).withKinds(challengeMembers), true
				default:
					spec, ok := relatedFields[tn+"."+name]
					if !ok {
						continue
					}
					k, endpoints = newRelKey("", spec.dir, spec.types, nil).withKinds(spec.kinds), true
				}
				rp.key = k
				rp.rels = &graph.RelPlan{Query: k.query(), Endpoints: endpoints, Sources: sources, Fields: p.l.plannedFields(),
					OtherKinds: k.otherKinds()}
			}
		}
	}
	return rp
}

// job is one store call of a level: a field (with its arguments) of every
// parent that selects it, and what its children select in turn.
type job struct {
	what    string // "sources", "rels", "related", "tensions", "challenged", "publisher", "episodes"
	proto   relKey
	spec    relatedSpec
	parents []*graph.Node
	seen    map[string]bool
	sels    []ast.SelectionSet
	// window, for a relationships field, is the part of each parent's list
	// its pages cover, [lo, hi), over every field the job serves: the
	// levels below are planned for those relationships only. whole: a
	// field's page is unknown, so every relationship.
	window struct {
		lo, hi       int
		known, whole bool
	}
}

// page widens j's window to cover the page of relationships field f.
func (p *planner) page(j *job, f graphql.CollectedField) {
	lo, hi, ok := p.pageArgs(f)
	w := &j.window
	switch {
	case !ok:
		w.whole = true
	case !w.known:
		w.lo, w.hi, w.known = lo, hi, true
	default:
		w.lo, w.hi = min(w.lo, lo), max(w.hi, hi)
	}
}

// pageArgs reads the page a relationships field asks for: offsets [lo,
// hi); false when its arguments are not valid (the resolver reports why).
func (p *planner) pageArgs(f graphql.CollectedField) (lo, hi int, ok bool) {
	args := f.ArgumentMap(p.opCtx.Variables)
	first, ok := toInt(args["first"])
	if !ok || first < 0 {
		return 0, 0, false
	}
	if v, ok := args["after"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return 0, 0, false
		}
		n, err := decodeCursor(&s)
		if err != nil {
			return 0, 0, false
		}
		lo = n
	}
	return lo, lo + first, true
}

// inWindow returns the part of one parent's relationships j's window
// covers.
func (j *job) inWindow(l []*graph.Relationship) []*graph.Relationship {
	w := j.window
	if !w.known || w.whole {
		return l
	}
	return l[min(w.lo, len(l)):min(w.hi, len(l))]
}

func (j *job) add(n *graph.Node) {
	if !j.seen[n.ID] {
		j.seen[n.ID] = true
		j.parents = append(j.parents, n)
	}
}

func (j *job) addSel(sel ast.SelectionSet) {
	if len(sel) == 0 {
		return
	}
	for _, s := range j.sels {
		if len(s) == len(sel) && s[0] == sel[0] {
			return
		}
	}
	j.sels = append(j.sels, sel)
}

// nodes plans what sels ask of the nodes ns.
func (p *planner) nodes(ctx context.Context, ns []*graph.Node, sels []ast.SelectionSet) error {
	if len(ns) == 0 || len(sels) == 0 {
		return nil
	}
	jobs := map[string]*job{}
	var order []string
	get := func(key, what string) *job {
		j, ok := jobs[key]
		if !ok {
			j = &job{what: what, seen: map[string]bool{}}
			jobs[key] = j
			order = append(order, key)
		}
		return j
	}
	// Group the nodes by GraphQL type, then read each selection once per
	// type: the work per node is only adding it to its jobs.
	byType := map[string][]*graph.Node{}
	var types []string
	for _, n := range ns {
		if n == nil {
			continue
		}
		tn := typeNames[n.Kind]
		if _, ok := byType[tn]; !ok {
			types = append(types, tn)
		}
		byType[tn] = append(byType[tn], n)
	}
	for _, tn := range types {
		group := byType[tn]
		for _, sel := range sels {
			for _, f := range graphql.CollectFields(p.opCtx, sel, []string{tn, "Node"}) {
				var j *job
				var children []ast.SelectionSet
				switch name := f.Name; {
				case name == "sources":
					j = get("sources", "sources")
				case name == "degree":
					j = get("degree", "rels")
					j.window.whole = true
				case name == "relationships":
					k, ok := p.relArgs(f)
					if !ok {
						continue
					}
					j = get(fmt.Sprintf("rels %v", k), "rels")
					j.proto = k
					p.page(j, f)
					children = p.connection(f.Selections)
				case name == "tensions" && tn == "Movement":
					j, children = get("tensions", "tensions"), []ast.SelectionSet{f.Selections}
				case name == "challenged" && tn == "Movement":
					j, children = get("challenged", "challenged"), []ast.SelectionSet{f.Selections}
				case name == "publisher" && tn == "Report":
					j, children = get("publisher", "publisher"), []ast.SelectionSet{f.Selections}
				case name == "episodes" && tn == "Tension":
					j, children = get("episodes", "episodes"), p.connection(f.Selections)
				default:
					spec, ok := relatedFields[tn+"."+name]
					if !ok {
						continue
					}
					j, children = get(tn+"."+name, "related"), []ast.SelectionSet{f.Selections}
					j.spec = spec
				}
				for _, c := range children {
					j.addSel(c)
				}
				for _, n := range group {
					j.add(n)
				}
			}
		}
	}
	fns := make([]func() error, len(order))
	for i, key := range order {
		j := jobs[key]
		fns[i] = func() error { return p.run(ctx, j) }
	}
	return p.together(fns...)
}

// together runs independent store calls of one level at the same time, so
// that on a database server a level costs one round trip, not one per
// field, or one after another when the store answers from memory; it
// returns the errors joined.
func (p *planner) together(fns ...func() error) error {
	switch len(fns) {
	case 0:
		return nil
	case 1:
		return fns[0]()
	}
	if !p.overlap {
		errs := make([]error, len(fns))
		for i, fn := range fns {
			errs[i] = fn()
		}
		return errors.Join(errs...)
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns[1:] {
		wg.Go(func() { errs[i+1] = fn() })
	}
	errs[0] = fns[0]()
	wg.Wait()
	return errors.Join(errs...)
}

// run makes a job's store call, then plans its children.
func (p *planner) run(ctx context.Context, j *job) error {
	ids := nodeIDs(j.parents)
	switch j.what {
	case "sources":
		var sids []string
		for _, n := range j.parents {
			sids = append(sids, n.SourceIDs...)
		}
		_, err := p.l.loadSources(ctx, sids)
		return err
	case "rels":
		if j.proto.dir == "" {
			j.proto = newRelKey("", graph.DirectionBoth, nil, nil)
		}
		endpoints, sources := p.relWants(j.sels)
		lists, err := p.l.loadRelsWith(ctx, ids, j.proto, endpoints && p.overlap, sources && p.overlap)
		if err != nil {
			return err
		}
		var all []*graph.Relationship
		for _, l := range lists {
			all = append(all, j.inWindow(l)...)
		}
		return p.rels(ctx, all, j.sels)
	case "episodes":
		lists, err := p.l.loadEpisodes(ctx, ids)
		if err != nil {
			return err
		}
		var all []*graph.Relationship
		for _, l := range lists {
			all = append(all, l...)
		}
		return p.rels(ctx, all, j.sels)
	case "related":
		lists, err := p.l.loadRelsWith(ctx, ids, newRelKey("", j.spec.dir, j.spec.types, nil).withKinds(j.spec.kinds), true, false)
		if err != nil {
			return err
		}
		var other []string
		for i, l := range lists {
			for _, rel := range l {
				other = append(other, rel.Other(ids[i]))
			}
		}
		return p.children(ctx, other, j.spec.kinds, j.sels)
	case "tensions":
		lists, err := p.l.loadRelsWith(ctx, ids, newRelKey("", graph.DirectionBoth, nil, nil), true, false)
		if err != nil {
			return err
		}
		var other []string
		for i, l := range lists {
			for _, rel := range l {
				other = append(other, rel.Other(ids[i]))
				other = append(other, rel.TensionIDs...)
			}
		}
		return p.children(ctx, other, []graph.Kind{graph.KindTension}, j.sels)
	case "challenged":
		lists, err := p.l.loadRelsWith(ctx, ids, newRelKey("", graph.DirectionIn, []graph.RelType{graph.RelPartOf}, nil).withKinds(challengeMembers), true, false)
		if err != nil {
			return err
		}
		var members []string
		for i, l := range lists {
			for _, rel := range l {
				members = append(members, rel.Other(ids[i]))
			}
		}
		actors := append(ids, members...)
		lists, err = p.l.loadRelsWith(ctx, actors, newRelKey("", graph.DirectionOut, challengeTypes, nil), true, false)
		if err != nil {
			return err
		}
		var other []string
		for i, l := range lists {
			for _, rel := range l {
				other = append(other, rel.Other(actors[i]))
			}
		}
		return p.children(ctx, other, []graph.Kind{graph.KindInstitution}, j.sels)
	case "publisher":
		var pubs []string
		for _, n := range j.parents {
			if n.Publisher != "" {
				pubs = append(pubs, n.Publisher)
			}
		}
		return p.children(ctx, pubs, nil, j.sels)
	}
	return nil
}

// children loads the nodes of ids (keeping kinds, when given) and plans
// what sels ask of them.
func (p *planner) children(ctx context.Context, ids []string, kinds []graph.Kind, sels []ast.SelectionSet) error {
	ns, err := p.l.loadNodes(ctx, ids)
	if err != nil {
		return err
	}
	keep := ns[:0]
	seen := map[string]bool{}
	for _, n := range ns {
		if n == nil || seen[n.ID] || (len(kinds) > 0 && !containsKind(kinds, n.Kind)) {
			continue
		}
		seen[n.ID] = true
		keep = append(keep, n)
	}
	return p.nodes(ctx, keep, sels)
}

func containsKind(ks []graph.Kind, k graph.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// rels plans what sels ask of the relationships rels: their endpoints and
// tensions in one node call, their sources in one source call, then what
// is asked of those nodes.
func (p *planner) rels(ctx context.Context, rels []*graph.Relationship, sels []ast.SelectionSet) error {
	if len(rels) == 0 || len(sels) == 0 {
		return nil
	}
	var ids, sids []string
	type next struct {
		ids []string
		sel ast.SelectionSet
	}
	var nexts []next
	for _, sel := range sels {
		for _, f := range graphql.CollectFields(p.opCtx, sel, []string{"Relationship"}) {
			var these []string
			switch f.Name {
			case "from", "to", "tensions":
				for _, r := range rels {
					switch f.Name {
					case "from":
						these = append(these, r.From)
					case "to":
						these = append(these, r.To)
					default:
						these = append(these, r.TensionIDs...)
					}
				}
				ids = append(ids, these...)
				nexts = append(nexts, next{these, f.Selections})
			case "sources":
				for _, r := range rels {
					sids = append(sids, r.SourceIDs...)
				}
			}
		}
	}
	var fns []func() error
	if len(sids) > 0 {
		fns = append(fns, func() error { _, err := p.l.loadSources(ctx, sids); return err })
	}
	if len(ids) > 0 {
		fns = append(fns, func() error { _, err := p.l.loadNodes(ctx, ids); return err })
	}
	if err := p.together(fns...); err != nil || len(ids) == 0 {
		return err
	}
	// One level for all endpoint fields together: merge their nodes per
	// selection so that from { x } and to { x } plan x once.
	var all []*graph.Node
	var allSels []ast.SelectionSet
	seen := map[string]bool{}
	for _, nx := range nexts {
		ns, _ := p.l.loadNodes(ctx, nx.ids) // all known now
		for _, n := range ns {
			if n != nil && !seen[n.ID] {
				seen[n.ID] = true
				all = append(all, n)
			}
		}
		if len(nx.sel) > 0 {
			allSels = append(allSels, nx.sel)
		}
	}
	return p.nodes(ctx, all, allSels)
}

// relWants says whether sels read the relationships' endpoints and
// sources, which a store can then return with them.
func (p *planner) relWants(sels []ast.SelectionSet) (endpoints, sources bool) {
	for _, sel := range sels {
		for _, f := range graphql.CollectFields(p.opCtx, sel, []string{"Relationship"}) {
			switch f.Name {
			case "from", "to":
				endpoints = true
			case "sources":
				sources = true
			}
		}
	}
	return endpoints, sources
}

// relArgs reads a relationships field's arguments into a key; false when
// they are not valid (the resolver then reports why).
func (p *planner) relArgs(f graphql.CollectedField) (relKey, bool) {
	args := f.ArgumentMap(p.opCtx.Variables)
	dir := graph.DirectionBoth
	if v, ok := args["direction"]; ok && v != nil {
		s, ok := v.(string)
		if !ok || !graph.Direction(s).Valid() {
			return relKey{}, false
		}
		dir = graph.Direction(s)
	}
	var types []graph.RelType
	if v, ok := args["types"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return relKey{}, false
		}
		for _, t := range list {
			s, ok := t.(string)
			if !ok {
				return relKey{}, false
			}
			types = append(types, graph.RelType(s))
		}
	}
	var asOf *int
	if v, ok := args["asOf"]; ok && v != nil {
		n, ok := toInt(v)
		if !ok || graph.CheckAsOf(&n) != nil {
			return relKey{}, false
		}
		asOf = &n
	}
	k := newRelKey("", dir, types, asOf)
	if _, hi, ok := p.pageArgs(f); ok {
		k.cap = relCap(hi, f.Selections)
	}
	return k, true
}

// toInt reads an Int argument as literal or variable.
func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return 0, false
		}
		return toInt(n)
	case float64:
		if x != math.Trunc(x) {
			return 0, false
		}
		return toInt(int64(x))
	}
	return 0, false
}
