// Package lens answers the researcher's questions about the tensions Nesta
// named: how many episodes of each tension, per movement and per decade;
// which institutions appear in most episodes of a tension; and how two
// movements compare.
//
// An episode is a relationship that exemplifies a tension (its Tensions
// name the tension node). An episode is attributed to a movement when one of
// its endpoints is the movement itself or a member of it: a node with a
// chain of at most MemberDepth PART_OF relationships leading to the movement
// (an organisation PART_OF the movement, a chapter PART_OF that
// organisation...). One episode can therefore count for several movements,
// but never twice for the same one.
//
// The package reads through the narrow Reader interface, so it works on
// every store and holds no state of its own.
package lens

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// MemberDepth is how many PART_OF steps make a node a member of a movement.
const MemberDepth = 3

// Reader is what the lens needs from a store.
type Reader interface {
	Nodes(ctx context.Context, q graph.NodeQuery) (*graph.NodePage, error)
	NodesByID(ctx context.Context, ids []string) ([]*graph.Node, error)
	Relationships(ctx context.Context, q graph.RelQuery) ([]*graph.Relationship, error)
	Exemplifying(ctx context.Context, tensionIDs []string) ([]*graph.Relationship, error)
}

// Cell is one cell of the tensions matrix: the episodes of a tension
// attributed to a movement in a decade.
type Cell struct {
	TensionID  string
	MovementID string
	// Decade is the first year of the decade (1980 for 1980–1989); nil
	// for undated episodes.
	Decade   *int
	Episodes []*graph.Relationship
}

// Count is the number of episodes in the cell.
func (c *Cell) Count() int { return len(c.Episodes) }

// Query narrows the lens. Zero values mean "all".
type Query struct {
	TensionIDs  []string
	MovementIDs []string
	// AsOf leaves out episodes dated after it.
	AsOf *int
}

// Matrix returns the non-empty cells for the query, sorted by tension,
// movement and decade (undated last); each cell's episodes sorted by id.
func Matrix(ctx context.Context, r Reader, q Query) ([]*Cell, error) {
	if err := graph.CheckAsOf(q.AsOf); err != nil {
		return nil, err
	}
	tensions, err := tensionIDs(ctx, r, q.TensionIDs)
	if err != nil {
		return nil, err
	}
	movements, err := movementIDs(ctx, r, q.MovementIDs)
	if err != nil {
		return nil, err
	}
	members, err := Members(ctx, r, movements)
	if err != nil {
		return nil, err
	}
	episodes, err := r.Exemplifying(ctx, tensions)
	if err != nil {
		return nil, fmt.Errorf("lens: episodes: %w", err)
	}
	wanted := make(map[string]bool, len(tensions))
	for _, t := range tensions {
		wanted[t] = true
	}
	type key struct {
		tension, movement string
		decade            int // -1 when undated
	}
	cells := map[key]*Cell{}
	for _, ep := range episodes {
		if !ep.ExistsAsOf(q.AsOf) {
			continue
		}
		decade := -1
		if ep.Year != nil {
			decade = *ep.Year / 10 * 10
		}
		for _, m := range attributed(ep, members) {
			for _, t := range ep.TensionIDs {
				if !wanted[t] {
					continue
				}
				k := key{t, m, decade}
				c := cells[k]
				if c == nil {
					c = &Cell{TensionID: t, MovementID: m}
					if decade >= 0 {
						d := decade
						c.Decade = &d
					}
					cells[k] = c
				}
				c.Episodes = append(c.Episodes, ep)
			}
		}
	}
	out := make([]*Cell, 0, len(cells))
	for _, c := range cells {
		slices.SortFunc(c.Episodes, byID)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Cell) int {
		return cmp.Or(strings.Compare(a.TensionID, b.TensionID), strings.Compare(a.MovementID, b.MovementID), compareDecade(a.Decade, b.Decade))
	})
	return out, nil
}

// Members maps each movement id to the set of its members (itself
// included): nodes with a chain of at most MemberDepth PART_OF
// relationships leading to it.
func Members(ctx context.Context, r Reader, movements []string) (map[string]map[string]bool, error) {
	out := make(map[string]map[string]bool, len(movements))
	// frontiers[m] are the members of m found at the last step; each step
	// asks the store once for the PART_OF relationships into all of them.
	frontiers := make(map[string]map[string]bool, len(movements))
	for _, m := range movements {
		out[m] = map[string]bool{m: true}
		frontiers[m] = map[string]bool{m: true}
	}
	for depth := 0; depth < MemberDepth; depth++ {
		var ids []string
		for _, f := range frontiers {
			for id := range f {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			break
		}
		slices.Sort(ids)
		rels, err := r.Relationships(ctx, graph.RelQuery{NodeIDs: slices.Compact(ids), Direction: graph.DirectionIn, Types: []graph.RelType{graph.RelPartOf}})
		if err != nil {
			return nil, fmt.Errorf("lens: members of %d movements: %w", len(movements), err)
		}
		next := make(map[string]map[string]bool, len(movements))
		for _, rel := range rels {
			if rel.Type != graph.RelPartOf {
				continue
			}
			for m, f := range frontiers {
				if f[rel.To] && !out[m][rel.From] {
					out[m][rel.From] = true
					if next[m] == nil {
						next[m] = map[string]bool{}
					}
					next[m][rel.From] = true
				}
			}
		}
		frontiers = next
	}
	return out, nil
}

// attributed lists, sorted, the movements an episode counts for.
func attributed(ep *graph.Relationship, members map[string]map[string]bool) []string {
	var ms []string
	for m, set := range members {
		if set[ep.From] || set[ep.To] {
			ms = append(ms, m)
		}
	}
	slices.Sort(ms)
	return ms
}

// InstitutionCount is an institution and the episodes of a tension it
// takes part in.
type InstitutionCount struct {
	Institution *graph.Node
	Episodes    []*graph.Relationship
}

// TopInstitutions ranks the institutions that are an endpoint of most
// episodes of the tension, most first (ties by id), at most limit of them.
func TopInstitutions(ctx context.Context, r Reader, tensionID string, asOf *int, limit int) ([]*InstitutionCount, error) {
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	if _, err := tensionIDs(ctx, r, []string{tensionID}); err != nil {
		return nil, err
	}
	episodes, err := r.Exemplifying(ctx, []string{tensionID})
	if err != nil {
		return nil, fmt.Errorf("lens: episodes of %s: %w", tensionID, err)
	}
	var ends []string
	for _, ep := range episodes {
		ends = append(ends, ep.From, ep.To)
	}
	slices.Sort(ends)
	ends = slices.Compact(ends)
	nodes, err := r.NodesByID(ctx, ends)
	if err != nil {
		return nil, fmt.Errorf("lens: endpoints: %w", err)
	}
	counts := map[string]*InstitutionCount{}
	for _, n := range nodes {
		if n != nil && n.Kind == graph.KindInstitution && n.ExistsAsOf(asOf) {
			counts[n.ID] = &InstitutionCount{Institution: n}
		}
	}
	for _, ep := range episodes {
		if !ep.ExistsAsOf(asOf) {
			continue
		}
		for _, id := range []string{ep.From, ep.To} {
			if c := counts[id]; c != nil {
				c.Episodes = append(c.Episodes, ep)
			}
		}
	}
	out := make([]*InstitutionCount, 0, len(counts))
	for _, c := range counts {
		if len(c.Episodes) > 0 {
			slices.SortFunc(c.Episodes, byID)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *InstitutionCount) int {
		return cmp.Or(cmp.Compare(len(b.Episodes), len(a.Episodes)), strings.Compare(a.Institution.ID, b.Institution.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Comparison sets two movements side by side.
type Comparison struct {
	A, B *Profile
	// SharedInstitutions and SharedOrganisations are nodes both movements
	// (or their members) have a relationship with, sorted by id.
	SharedInstitutions  []*graph.Node
	SharedOrganisations []*graph.Node
}

// Profile is one movement's side of a comparison.
type Profile struct {
	Movement *graph.Node
	// Members are the movement's members (itself excluded), sorted by id.
	Members []string
	// Tensions counts the movement's episodes per tension id.
	Tensions map[string]int
	// Timeline is every dated relationship of the movement or its members,
	// sorted by year, then id.
	Timeline []*graph.Relationship
	// neighbours are the nodes the movement or its members relate to.
	neighbours map[string]bool
}

// Compare profiles two movements and what they share.
func Compare(ctx context.Context, r Reader, a, b string, asOf *int) (*Comparison, error) {
	if err := graph.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	if a == b {
		return nil, graph.Errorf(graph.EINVALID, "compare needs two different movements (got %q twice)", a)
	}
	ids, err := movementIDs(ctx, r, []string{a, b})
	if err != nil {
		return nil, err
	}
	members, err := Members(ctx, r, ids)
	if err != nil {
		return nil, err
	}
	nodes, err := r.NodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	profiles := make([]*Profile, 2)
	for i, id := range ids {
		p, err := profile(ctx, r, nodes[i], members[id], asOf)
		if err != nil {
			return nil, err
		}
		profiles[i] = p
	}
	var shared []string
	for id := range profiles[0].neighbours {
		if profiles[1].neighbours[id] {
			shared = append(shared, id)
		}
	}
	slices.Sort(shared)
	sharedNodes, err := r.NodesByID(ctx, shared)
	if err != nil {
		return nil, err
	}
	c := &Comparison{A: profiles[0], B: profiles[1]}
	for _, n := range sharedNodes {
		switch {
		case n == nil || !n.ExistsAsOf(asOf):
		case n.Kind == graph.KindInstitution:
			c.SharedInstitutions = append(c.SharedInstitutions, n)
		case n.Kind == graph.KindOrganisation:
			c.SharedOrganisations = append(c.SharedOrganisations, n)
		}
	}
	return c, nil
}

func profile(ctx context.Context, r Reader, m *graph.Node, members map[string]bool, asOf *int) (*Profile, error) {
	p := &Profile{Movement: m, Tensions: map[string]int{}, neighbours: map[string]bool{}}
	ids := make([]string, 0, len(members))
	for id := range members {
		ids = append(ids, id)
		if id != m.ID {
			p.Members = append(p.Members, id)
		}
	}
	slices.Sort(ids)
	slices.Sort(p.Members)
	rels, err := r.Relationships(ctx, graph.RelQuery{NodeIDs: ids, Direction: graph.DirectionBoth, AsOf: asOf})
	if err != nil {
		return nil, fmt.Errorf("lens: relationships of %s: %w", m.ID, err)
	}
	for _, rel := range rels {
		for _, end := range []string{rel.From, rel.To} {
			if !members[end] {
				p.neighbours[end] = true
			}
		}
		for _, t := range rel.TensionIDs {
			p.Tensions[t]++
		}
		if rel.Year != nil {
			p.Timeline = append(p.Timeline, rel)
		}
	}
	slices.SortFunc(p.Timeline, func(a, b *graph.Relationship) int {
		return cmp.Or(cmp.Compare(*a.Year, *b.Year), strings.Compare(a.ID, b.ID))
	})
	return p, nil
}

// tensionIDs returns the requested tensions after checking that each is a
// tension, or every tension when none is requested.
func tensionIDs(ctx context.Context, r Reader, ids []string) ([]string, error) {
	return ofKind(ctx, r, ids, graph.KindTension)
}

// movementIDs is tensionIDs for movements.
func movementIDs(ctx context.Context, r Reader, ids []string) ([]string, error) {
	return ofKind(ctx, r, ids, graph.KindMovement)
}

func ofKind(ctx context.Context, r Reader, ids []string, kind graph.Kind) ([]string, error) {
	if len(ids) == 0 {
		var all []string
		for offset := 0; ; offset += graph.MaxPageSize {
			page, err := r.Nodes(ctx, graph.NodeQuery{
				Filter: &graph.NodeFilter{Kinds: []graph.Kind{kind}},
				Offset: offset, Limit: graph.MaxPageSize,
			})
			if err != nil {
				return nil, fmt.Errorf("lens: list %s nodes: %w", strings.ToLower(string(kind)), err)
			}
			for _, n := range page.Nodes {
				all = append(all, n.ID)
			}
			if len(page.Nodes) < graph.MaxPageSize {
				break
			}
		}
		slices.Sort(all)
		return all, nil
	}
	nodes, err := r.NodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, n := range nodes {
		switch {
		case n == nil:
			return nil, graph.Errorf(graph.ENOTFOUND, "no node with id %q", ids[i])
		case n.Kind != kind:
			return nil, graph.Errorf(graph.EINVALID, "%q is a %s, not a %s", ids[i], strings.ToLower(string(n.Kind)), strings.ToLower(string(kind)))
		}
	}
	return ids, nil
}

func byID(a, b *graph.Relationship) int { return strings.Compare(a.ID, b.ID) }

func compareDecade(a, b *int) int {
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
