package graph

import (
	"context"
	"slices"
)

// RelPlan asks for the relationships of a set of nodes together with what
// the request will read of them next, so that a store can answer a whole
// nesting level in one round trip (see resolvers/plan.go).
type RelPlan struct {
	Query RelQuery
	// Endpoints asks for the nodes at both ends of every relationship.
	Endpoints bool
	// Sources asks for the sources every relationship cites.
	Sources bool
	// Fields says what the relationships and endpoints must hold (nil:
	// everything).
	Fields *Fields
	// OtherKinds, when set, keeps only the relationships whose endpoint
	// other than a node of Query.NodeIDs is of one of these kinds (for a
	// field listing related nodes of some kinds). A relationship joining
	// two of the nodes is kept when either end qualifies, so a node's list
	// may hold more than its qualifying relationships, never fewer.
	OtherKinds []Kind
}

// Fields names what a planned read must fill in of the nodes and
// relationships it returns beyond what every reader needs: a node's ID,
// Kind, Name and SourceIDs, a relationship's ID, Type, From, To, SourceIDs,
// TensionIDs and Status. Names are those of NodeFieldNames and RelFieldNames (the
// JSON names of the struct fields). A nil *Fields asks for everything, and
// a store may always fill in more: what a planned read returns equals the
// ordinary read's answer trimmed with TrimNode and TrimRel.
type Fields struct {
	Node []string
	Rel  []string
	// Bare, when set, also lets a planned read leave out what is otherwise
	// always filled in: a node's SourceIDs and a relationship's SourceIDs,
	// TensionIDs and Status (for an operation that reads none of them:
	// resolvers/planfields.go). A store may still fill them in.
	Bare bool
}

// NodeFieldNames are the optional fields of a Node, by JSON name.
var NodeFieldNames = []string{"summary", "aliases", "region", "country", "category", "startYear", "endYear",
	"foundedYear", "year", "date", "publisher", "url", "role", "question", "disputes"}

// RelFieldNames are the optional fields of a Relationship, by JSON name.
var RelFieldNames = []string{"year", "summary", "disputes"}

// TrimNode returns a copy of n holding only what f asks for; n itself when
// f is nil.
func (f *Fields) TrimNode(n *Node) *Node {
	if f == nil || n == nil {
		return n
	}
	c := &Node{ID: n.ID, Kind: n.Kind, Name: n.Name, SourceIDs: n.SourceIDs}
	if f.Bare {
		c.SourceIDs = nil
	}
	for _, name := range f.Node {
		switch name {
		case "summary":
			c.Summary = n.Summary
		case "aliases":
			c.Aliases = n.Aliases
		case "region":
			c.Region = n.Region
		case "country":
			c.Country = n.Country
		case "category":
			c.Category = n.Category
		case "startYear":
			c.StartYear = n.StartYear
		case "endYear":
			c.EndYear = n.EndYear
		case "foundedYear":
			c.FoundedYear = n.FoundedYear
		case "year":
			c.Year = n.Year
		case "date":
			c.Date = n.Date
		case "publisher":
			c.Publisher = n.Publisher
		case "url":
			c.URL = n.URL
		case "role":
			c.Role = n.Role
		case "question":
			c.Question = n.Question
		case "disputes":
			c.Disputes = n.Disputes
		}
	}
	return c
}

// TrimRel returns a copy of r holding only what f asks for; r itself when
// f is nil.
func (f *Fields) TrimRel(r *Relationship) *Relationship {
	if f == nil || r == nil {
		return r
	}
	c := &Relationship{ID: r.ID, Type: r.Type, From: r.From, To: r.To, SourceIDs: r.SourceIDs, TensionIDs: r.TensionIDs,
		Status: r.Status}
	if f.Bare {
		c.SourceIDs, c.TensionIDs, c.Status = nil, nil, ""
	}
	for _, name := range f.Rel {
		switch name {
		case "year":
			c.Year = r.Year
		case "summary":
			c.Summary = r.Summary
		case "disputes":
			c.Disputes = r.Disputes
		}
	}
	return c
}

// RelPlanResult answers a RelPlan. Relationships are exactly what
// Relationships(Query) returns; Nodes and Sources are what NodesByID and
// SourcesByID return for the endpoints and cited sources, missing ones
// left out, in no particular order.
type RelPlanResult struct {
	Relationships []*Relationship
	Nodes         []*Node
	Sources       []*Source
}

// RelPlanner is implemented by stores that answer a RelPlan in one step.
// It is optional: callers fall back to Relationships, NodesByID and
// SourcesByID, and must get the same data either way (the conformance
// suite in graph/storetest checks it).
type RelPlanner interface {
	PlanRelationships(ctx context.Context, p RelPlan) (*RelPlanResult, error)
}

// PlanRelationships answers p with s's RelPlanner when it has one, or with
// the three ordinary calls.
func PlanRelationships(ctx context.Context, s Store, p RelPlan) (*RelPlanResult, error) {
	if rp, ok := s.(RelPlanner); ok {
		return rp.PlanRelationships(ctx, p)
	}
	return PlanByParts(ctx, s, p)
}

// PlanByParts answers p with Relationships, NodesByID and SourcesByID.
func PlanByParts(ctx context.Context, s Store, p RelPlan) (*RelPlanResult, error) {
	rels, err := s.Relationships(ctx, p.Query)
	if err != nil {
		return nil, err
	}
	if len(p.OtherKinds) > 0 {
		if rels, err = keepOtherKinds(ctx, s, p, rels); err != nil {
			return nil, err
		}
	}
	out := &RelPlanResult{Relationships: rels}
	var ids, sids []string
	seen := map[string]bool{}
	for _, r := range rels {
		if p.Endpoints {
			for _, id := range []string{r.From, r.To} {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if p.Sources {
			for _, id := range r.SourceIDs {
				if !seen["\x00"+id] {
					seen["\x00"+id] = true
					sids = append(sids, id)
				}
			}
		}
	}
	if len(ids) > 0 {
		ns, err := s.NodesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n != nil {
				out.Nodes = append(out.Nodes, n)
			}
		}
	}
	if len(sids) > 0 {
		ss, err := s.SourcesByID(ctx, sids)
		if err != nil {
			return nil, err
		}
		for _, src := range ss {
			if src != nil {
				out.Sources = append(out.Sources, src)
			}
		}
	}
	return out, nil
}

// keepOtherKinds keeps the relationships of rels that p.OtherKinds keeps.
func keepOtherKinds(ctx context.Context, s Store, p RelPlan, rels []*Relationship) ([]*Relationship, error) {
	for _, k := range p.OtherKinds {
		if !k.Valid() {
			return nil, Errorf(EINVALID, "unknown node kind %q", k)
		}
	}
	var ids []string
	for _, r := range rels {
		ids = append(ids, r.From, r.To)
	}
	ns, err := s.NodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	kinds := make(map[string]Kind, len(ns))
	for _, n := range ns {
		if n != nil {
			kinds[n.ID] = n.Kind
		}
	}
	asked := make(map[string]bool, len(p.Query.NodeIDs))
	for _, id := range p.Query.NodeIDs {
		asked[id] = true
	}
	ok := func(id string) bool { return slices.Contains(p.OtherKinds, kinds[id]) }
	dir := p.Query.Direction
	out := []*Relationship{}
	for _, r := range rels {
		if (dir != DirectionIn && asked[r.From] && ok(r.To)) || (dir != DirectionOut && asked[r.To] && ok(r.From)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// NodePlan asks for nodes by id together with the sources they cite and,
// when Rels is set, the next nesting level: the nodes' relationships as
// Rels asks (its Query.NodeIDs is ignored: the nodes found are used).
type NodePlan struct {
	IDs     []string
	Sources bool
	Rels    *RelPlan
	// Fields says what the nodes must hold (nil: everything).
	Fields *Fields
}

// NodePlanResult answers a NodePlan: Nodes as NodesByID(IDs) returns them
// (in the order of IDs, nil for missing ones), Sources as SourcesByID
// returns the cited sources, missing ones left out, in no particular order,
// and Rels (when asked) as PlanRelationships answers Rels for the nodes
// found.
type NodePlanResult struct {
	Nodes   []*Node
	Sources []*Source
	Rels    *RelPlanResult
}

// NodePlanner is implemented by stores that answer a NodePlan in one step;
// optional like RelPlanner.
type NodePlanner interface {
	PlanNodes(ctx context.Context, p NodePlan) (*NodePlanResult, error)
}

// PlanNodes answers p with s's NodePlanner when it has one, or with
// NodesByID, SourcesByID and PlanByParts.
func PlanNodes(ctx context.Context, s Store, p NodePlan) (*NodePlanResult, error) {
	if np, ok := s.(NodePlanner); ok {
		return np.PlanNodes(ctx, p)
	}
	return PlanNodesByParts(ctx, s, p)
}

// PlanNodesByParts answers p with NodesByID, SourcesByID and PlanByParts.
func PlanNodesByParts(ctx context.Context, s Store, p NodePlan) (*NodePlanResult, error) {
	ns, err := s.NodesByID(ctx, p.IDs)
	if err != nil {
		return nil, err
	}
	out := &NodePlanResult{Nodes: ns}
	if out.Sources, err = citedSources(ctx, s, p.Sources, ns); err != nil {
		return nil, err
	}
	if out.Rels, err = nestedRels(ctx, s, p.Rels, ns); err != nil {
		return nil, err
	}
	return out, nil
}

// citedSources returns the sources the nodes ns cite, when asked.
func citedSources(ctx context.Context, s Store, asked bool, ns []*Node) ([]*Source, error) {
	if !asked {
		return nil, nil
	}
	var sids []string
	seen := map[string]bool{}
	for _, n := range ns {
		if n == nil {
			continue
		}
		for _, id := range n.SourceIDs {
			if !seen[id] {
				seen[id] = true
				sids = append(sids, id)
			}
		}
	}
	if len(sids) == 0 {
		return nil, nil
	}
	ss, err := s.SourcesByID(ctx, sids)
	if err != nil {
		return nil, err
	}
	var out []*Source
	for _, src := range ss {
		if src != nil {
			out = append(out, src)
		}
	}
	return out, nil
}

// nestedRels answers rp for the nodes ns by parts, when asked.
func nestedRels(ctx context.Context, s Store, rp *RelPlan, ns []*Node) (*RelPlanResult, error) {
	if rp == nil {
		return nil, nil
	}
	q := *rp
	q.Query.NodeIDs = nil
	for _, n := range ns {
		if n != nil {
			q.Query.NodeIDs = append(q.Query.NodeIDs, n.ID)
		}
	}
	if len(q.Query.NodeIDs) == 0 {
		if err := q.Query.Normalize(); err != nil {
			return nil, err
		}
		return &RelPlanResult{Relationships: []*Relationship{}}, nil
	}
	return PlanByParts(ctx, s, q)
}

// PagePlan asks for a page of nodes (Nodes(Query)) with the sources they
// cite and, when Rels is set, their relationships level, like NodePlan.
type PagePlan struct {
	Query   NodeQuery
	Sources bool
	Rels    *RelPlan
	Fields  *Fields
	// NoTotal says the caller reads Page.Total only to know whether more
	// nodes follow the page (a connection whose totalCount is not
	// selected): a store may then read one node past the page instead of
	// counting every match, and set Total to Offset+len(Nodes)+1 when one
	// follows, Offset+len(Nodes) when none does. The exact count is always
	// a valid answer.
	NoTotal bool
}

// PagePlanResult answers a PagePlan: Page as Nodes(Query) returns it
// (Total as PagePlan.NoTotal allows), the rest as in NodePlanResult.
type PagePlanResult struct {
	Page    *NodePage
	Sources []*Source
	Rels    *RelPlanResult
}

// PagePlanner is implemented by stores that answer a PagePlan in one step;
// optional like RelPlanner.
type PagePlanner interface {
	PlanPage(ctx context.Context, p PagePlan) (*PagePlanResult, error)
}

// PlanPage answers p with s's PagePlanner when it has one, or with the
// ordinary calls.
func PlanPage(ctx context.Context, s Store, p PagePlan) (*PagePlanResult, error) {
	if pp, ok := s.(PagePlanner); ok {
		return pp.PlanPage(ctx, p)
	}
	return PlanPageByParts(ctx, s, p)
}

// PlanPageByParts answers p with Nodes, SourcesByID and PlanByParts.
func PlanPageByParts(ctx context.Context, s Store, p PagePlan) (*PagePlanResult, error) {
	page, err := s.Nodes(ctx, p.Query)
	if err != nil {
		return nil, err
	}
	out := &PagePlanResult{Page: page}
	if out.Sources, err = citedSources(ctx, s, p.Sources, page.Nodes); err != nil {
		return nil, err
	}
	if out.Rels, err = nestedRels(ctx, s, p.Rels, page.Nodes); err != nil {
		return nil, err
	}
	return out, nil
}

// SearchPlan asks for Search(Query) with the sources the hits' nodes cite
// and, when Rels is set, their relationships level, like NodePlan.
type SearchPlan struct {
	Query   SearchQuery
	Sources bool
	Rels    *RelPlan
	Fields  *Fields
}

// SearchPlanResult answers a SearchPlan: Hits as Search(Query) returns
// them, the rest as in NodePlanResult.
type SearchPlanResult struct {
	Hits    []SearchHit
	Sources []*Source
	Rels    *RelPlanResult
}

// SearchPlanner is implemented by stores that answer a SearchPlan in one
// step; optional like RelPlanner.
type SearchPlanner interface {
	PlanSearch(ctx context.Context, p SearchPlan) (*SearchPlanResult, error)
}

// PlanSearch answers p with s's SearchPlanner when it has one, or with the
// ordinary calls.
func PlanSearch(ctx context.Context, s Store, p SearchPlan) (*SearchPlanResult, error) {
	if sp, ok := s.(SearchPlanner); ok {
		return sp.PlanSearch(ctx, p)
	}
	return PlanSearchByParts(ctx, s, p)
}

// PlanSearchByParts answers p with Search, SourcesByID and PlanByParts.
func PlanSearchByParts(ctx context.Context, s Store, p SearchPlan) (*SearchPlanResult, error) {
	hits, err := s.Search(ctx, p.Query)
	if err != nil {
		return nil, err
	}
	out := &SearchPlanResult{Hits: hits}
	ns := make([]*Node, len(hits))
	for i := range hits {
		ns[i] = hits[i].Node
	}
	if out.Sources, err = citedSources(ctx, s, p.Sources, ns); err != nil {
		return nil, err
	}
	if out.Rels, err = nestedRels(ctx, s, p.Rels, ns); err != nil {
		return nil, err
	}
	return out, nil
}

// InProcess is implemented by stores whose reads are lookups in this
// process's memory rather than round trips to a server. Planners use it to
// choose between overlapping a level's independent calls (worth it when each
// waits on a network) and running them one after another (cheaper than
// starting goroutines when each is a few map reads). Optional: a store
// without it is taken to be remote.
type InProcess interface {
	InProcess() bool
}
