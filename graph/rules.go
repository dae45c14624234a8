package graph

import "strings"

// The rules every store applies to a request live here, once: each query
// type has a Normalize method that checks it and fills its defaults, so a
// store only translates a normalised query into its technology. The API
// calls the same functions (CheckAsOf, CheckActor) where it needs an answer
// before reaching a store.

// Bounds on requests, beyond the page and traversal limits in store.go.
const (
	// MaxSubgraphSize is the most nodes a store returns in one subgraph:
	// the largest export (the command line's). The GraphQL neighbourhood
	// field stays within MaxNeighbourhoodSize.
	MaxSubgraphSize = 5_000_000
	// MaxOffset bounds NodeQuery.Offset. It is as large as the largest
	// subgraph so that an export can page through every node it may hold,
	// and small enough that offset+limit never overflows in any store.
	MaxOffset = MaxSubgraphSize
	// DefaultSearchLimit is the number of hits when SearchQuery.Limit is 0.
	DefaultSearchLimit = 10
	// MaxSearchText is the longest search text, in bytes.
	MaxSearchText = 500
	// MaxActor is the longest actor name, in bytes.
	MaxActor = 200
)

// Bounds on a NodeFilter, counted on the decoded value (so GraphQL
// variables count as much as inline arguments). They keep the Cypher a
// filter compiles to, and the embedded store's predicate tree, small.
const (
	// MaxFilterDepth is the deepest nesting of filters: a filter with no
	// And, Or or Not has depth 1.
	MaxFilterDepth = 8
	// MaxFilterTerms is the most terms in a filter: every filter object
	// and every condition in it (each kind counts as one).
	MaxFilterTerms = 200
	// MaxFilterIDs is the most node ids in all the ids lists of a filter.
	MaxFilterIDs = 500
	// MaxFilterString is the longest string value in a filter, in bytes.
	MaxFilterString = 200
)

// CheckAsOf returns EINVALID unless asOf is nil or a plausible year
// (MinYear..MaxYear). Every query with an asOf and the API use it.
func CheckAsOf(asOf *int) error {
	if asOf != nil && (*asOf < MinYear || *asOf > MaxYear) {
		return Errorf(EINVALID, "asOf: %d is not a plausible year (%d..%d)", *asOf, MinYear, MaxYear)
	}
	return nil
}

// CheckActor returns EINVALID unless actor names who makes a change: not
// empty or blank, at most MaxActor bytes. Every mutation of every store
// records its actor in the audit log, so there is no anonymous change.
func CheckActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return Errorf(EINVALID, "an actor is required for every change, got %q", actor)
	}
	if len(actor) > MaxActor {
		return Errorf(EINVALID, "actor is %d bytes; the limit is %d", len(actor), MaxActor)
	}
	return nil
}

// CheckKinds returns EINVALID for the first unknown kind.
func CheckKinds(kinds []Kind) error {
	for _, k := range kinds {
		if !k.Valid() {
			return Errorf(EINVALID, "unknown kind %q", k)
		}
	}
	return nil
}

// CheckTypes returns EINVALID for the first unknown relationship type.
func CheckTypes(types []RelType) error {
	for _, t := range types {
		if !t.Valid() {
			return Errorf(EINVALID, "unknown relationship type %q", t)
		}
	}
	return nil
}

// Normalize checks a node query and fills its defaults: Limit 0..MaxPageSize
// (0 gives only Total), Offset 0..MaxOffset, known order fields with an
// empty direction meaning ASC, and a filter within its bounds (see
// NodeFilter.Normalize). OrderBy and Filter are replaced by normalised
// copies; the caller's values are not changed.
func (q *NodeQuery) Normalize() error {
	if err := CheckLimit("limit", q.Limit, MaxPageSize); err != nil {
		return err
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return Errorf(EINVALID, "offset must be between 0 and %d, got %d", MaxOffset, q.Offset)
	}
	if len(q.OrderBy) > 0 {
		order := make([]*NodeOrder, len(q.OrderBy))
		for i, o := range q.OrderBy {
			if o == nil {
				return Errorf(EINVALID, "empty order")
			}
			switch o.Field {
			case OrderByName, OrderByYear, OrderByKind, OrderByID, OrderByDegree:
			default:
				return Errorf(EINVALID, "unknown order field %q", o.Field)
			}
			c := *o
			switch c.Direction {
			case "":
				c.Direction = Asc
			case Asc, Desc:
			default:
				return Errorf(EINVALID, "unknown order direction %q", o.Direction)
			}
			order[i] = &c
		}
		q.OrderBy = order
	}
	f, err := q.Filter.Normalize()
	if err != nil {
		return err
	}
	q.Filter = f
	return nil
}

// Normalize checks a filter against its bounds (MaxFilterDepth,
// MaxFilterTerms, MaxFilterIDs, MaxFilterString) and its vocabulary (kinds,
// relationship types, directions), and returns a copy with the defaults
// filled in: a HasRelationship without Direction means BOTH. A nil filter
// gives nil. The bounds are checked before anything else is looked at, so
// a hostile filter costs no more than its size.
func (f *NodeFilter) Normalize() (*NodeFilter, error) {
	if f == nil {
		return nil, nil
	}
	var b filterBudget
	if err := b.count(f, 1); err != nil {
		return nil, err
	}
	return f.normalized()
}

// filterBudget counts a filter's size against the bounds as it walks it.
type filterBudget struct {
	terms, ids int
}

func (b *filterBudget) count(f *NodeFilter, depth int) error {
	if depth > MaxFilterDepth {
		return Errorf(EINVALID, "filter is nested more than %d levels deep", MaxFilterDepth)
	}
	b.terms++ // the filter object itself
	b.terms += len(f.Kinds)
	b.ids += len(f.IDs)
	if f.IDs != nil {
		b.terms++
	}
	if err := b.check(); err != nil {
		return err
	}
	for _, s := range f.IDs {
		if err := checkFilterString("ids", s); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		v    *string
	}{{"nameContains", f.NameContains}, {"regionContains", f.RegionContains}, {"category", f.Category}, {"citesSource", f.CitesSource}} {
		if c.v == nil {
			continue
		}
		b.terms++
		if err := checkFilterString(c.name, *c.v); err != nil {
			return err
		}
	}
	if f.YearFrom != nil {
		b.terms++
	}
	if f.YearTo != nil {
		b.terms++
	}
	if rf := f.HasRelationship; rf != nil {
		b.terms++
		if rf.OtherID != nil {
			if err := checkFilterString("hasRelationship.otherId", *rf.OtherID); err != nil {
				return err
			}
		}
	}
	if err := b.check(); err != nil {
		return err
	}
	for _, subs := range [][]*NodeFilter{f.And, f.Or} {
		for _, sub := range subs {
			if err := b.countSub(sub, depth+1); err != nil {
				return err
			}
		}
	}
	if f.Not != nil {
		return b.count(f.Not, depth+1)
	}
	return nil
}

// countSub counts a nested filter; a nil one (matching every node) still
// counts as a term, so that a long list of them is bounded too.
func (b *filterBudget) countSub(f *NodeFilter, depth int) error {
	if f != nil {
		return b.count(f, depth)
	}
	b.terms++
	return b.check()
}

func (b *filterBudget) check() error {
	if b.terms > MaxFilterTerms {
		return Errorf(EINVALID, "filter has more than %d terms", MaxFilterTerms)
	}
	if b.ids > MaxFilterIDs {
		return Errorf(EINVALID, "filter lists more than %d ids", MaxFilterIDs)
	}
	return nil
}

func checkFilterString(name, s string) error {
	if len(s) > MaxFilterString {
		return Errorf(EINVALID, "filter %s value is %d bytes; the limit is %d", name, len(s), MaxFilterString)
	}
	return nil
}

// normalized returns a checked copy of f (already counted within bounds).
func (f *NodeFilter) normalized() (*NodeFilter, error) {
	if f == nil {
		return nil, nil
	}
	c := *f
	if err := CheckKinds(f.Kinds); err != nil {
		return nil, err
	}
	if rf := f.HasRelationship; rf != nil {
		r := *rf
		d, err := r.Direction.OrBoth()
		if err != nil {
			return nil, err
		}
		r.Direction = d
		if r.Type != nil {
			if err := CheckTypes([]RelType{*r.Type}); err != nil {
				return nil, err
			}
		}
		c.HasRelationship = &r
	}
	var err error
	if c.And, err = normalizedAll(f.And); err != nil {
		return nil, err
	}
	if c.Or, err = normalizedAll(f.Or); err != nil {
		return nil, err
	}
	if c.Not, err = f.Not.normalized(); err != nil {
		return nil, err
	}
	return &c, nil
}

func normalizedAll(fs []*NodeFilter) ([]*NodeFilter, error) {
	if fs == nil {
		return nil, nil
	}
	out := make([]*NodeFilter, len(fs))
	for i, sub := range fs {
		n, err := sub.normalized()
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// Normalize checks a search and fills its defaults: Limit 0 means
// DefaultSearchLimit, at most MaxSearchResults; Text at most MaxSearchText
// bytes; known kinds.
func (q *SearchQuery) Normalize() error {
	if q.Limit == 0 {
		q.Limit = DefaultSearchLimit
	}
	if err := CheckLimit("limit", q.Limit, MaxSearchResults); err != nil {
		return err
	}
	if len(q.Text) > MaxSearchText {
		return Errorf(EINVALID, "text: search text is %d bytes; the limit is %d", len(q.Text), MaxSearchText)
	}
	return CheckKinds(q.Kinds)
}

// Normalize checks a relationships query and fills its defaults: an empty
// Direction means BOTH; known types; a plausible AsOf.
func (q *RelQuery) Normalize() error {
	d, err := q.Direction.OrBoth()
	if err != nil {
		return err
	}
	q.Direction = d
	if err := CheckTypes(q.Types); err != nil {
		return err
	}
	if q.PerNode < 0 {
		return Errorf(EINVALID, "relationships per node must not be negative, got %d", q.PerNode)
	}
	return CheckAsOf(q.AsOf)
}

// CapPerNode returns, for the node with id id, the first perNode (0: all)
// of rels that touch it in direction dir, in their order: what a
// Relationships call with PerNode set promises for that node, whatever the
// store chose to leave out. rels must be sorted by id.
func CapPerNode(rels []*Relationship, id string, dir Direction, perNode int) []*Relationship {
	var out []*Relationship
	for _, r := range rels {
		if perNode > 0 && len(out) == perNode {
			break
		}
		if (r.From == id && dir != DirectionIn) || (r.To == id && dir != DirectionOut) {
			out = append(out, r)
		}
	}
	return out
}

// ChangesQuery asks for a page of the audit log, newest first.
type ChangesQuery struct {
	// Before is the id of the entry to start after; 0 for the newest.
	Before int64
	// Limit is the page size, 0..MaxPageSize; 0 means DefaultPageSize.
	Limit int
}

// Normalize checks a changes query and fills its defaults: Limit 0 means
// DefaultPageSize, at most MaxPageSize; Before not negative.
func (q *ChangesQuery) Normalize() error {
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	if err := CheckLimit("limit", q.Limit, MaxPageSize); err != nil {
		return err
	}
	if q.Before < 0 {
		return Errorf(EINVALID, "before must not be negative, got %d", q.Before)
	}
	return nil
}

// Normalize checks a neighbourhood query and fills its defaults, so that
// every store reads it the same way: at least one seed, Depth 0..MaxDepth,
// Limit 0..MaxSubgraphSize where 0 means MaxNeighbourhoodSize, an empty
// Direction meaning BOTH, known kinds and relationship types, and a
// plausible AsOf.
func (q *NeighbourhoodQuery) Normalize() error {
	if len(q.Seeds) == 0 {
		return Errorf(EINVALID, "at least one seed is required")
	}
	if q.Depth < 0 || q.Depth > MaxDepth {
		return Errorf(EINVALID, "depth %d is out of range: use 0 to %d", q.Depth, MaxDepth)
	}
	if q.Limit == 0 {
		q.Limit = MaxNeighbourhoodSize
	}
	if err := CheckLimit("limit", q.Limit, MaxSubgraphSize); err != nil {
		return err
	}
	// The relationships it follows obey the rules of a relationships query.
	rq := RelQuery{Direction: q.Direction, Types: q.Types, AsOf: q.AsOf}
	if err := rq.Normalize(); err != nil {
		return err
	}
	q.Direction = rq.Direction
	return CheckKinds(q.Kinds)
}

// Normalize checks a path query and fills its defaults, so that every
// store reads it the same way: MaxLength 0 means MaxPathLength, K 0 means
// 1, both within their caps, relationship types known and AsOf plausible.
func (q *PathQuery) Normalize() error {
	if q.MaxLength == 0 {
		q.MaxLength = MaxPathLength
	}
	if q.K == 0 {
		q.K = 1
	}
	if q.MaxLength < 0 || q.MaxLength > MaxPathLength {
		return Errorf(EINVALID, "maxLength must be between 1 and %d, got %d", MaxPathLength, q.MaxLength)
	}
	if err := CheckLimit("k", q.K, MaxPaths); err != nil {
		return err
	}
	if err := CheckTypes(q.Types); err != nil {
		return err
	}
	return CheckAsOf(q.AsOf)
}
