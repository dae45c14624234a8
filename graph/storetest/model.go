package storetest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// model is a deliberately naive reference implementation of the read
// semantics over a dataset, used to compute what a store must answer for
// many query combinations. Hand-written cases in the suite anchor it.
type model struct {
	nodes map[string]*graph.Node
	rels  []*graph.Relationship
}

func newModel(d *graph.Dataset) *model {
	if err := d.Validate(nil); err != nil {
		panic("storetest: fixture is invalid: " + err.Error())
	}
	m := &model{nodes: map[string]*graph.Node{}, rels: d.Relationships}
	for _, n := range d.Nodes {
		m.nodes[n.ID] = n
	}
	return m
}

func (m *model) relOK(r *graph.Relationship, types []graph.RelType, asOf *int) bool {
	if len(types) > 0 && !slices.Contains(types, r.Type) {
		return false
	}
	return r.ExistsAsOf(asOf) && m.nodes[r.From].ExistsAsOf(asOf) && m.nodes[r.To].ExistsAsOf(asOf)
}

// relationships answers graph.RelQuery with relationship ids.
func (m *model) relationships(q graph.RelQuery) []string {
	out := []string{}
	for _, r := range m.rels {
		if !m.relOK(r, q.Types, q.AsOf) {
			continue
		}
		out0 := q.Direction != graph.DirectionIn && slices.Contains(q.NodeIDs, r.From)
		in0 := q.Direction != graph.DirectionOut && slices.Contains(q.NodeIDs, r.To)
		if out0 || in0 {
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out
}

// neighbourhood answers graph.NeighbourhoodQuery: distances by breadth-first
// search, nodes ordered by (distance, id) and cut at the limit.
func (m *model) neighbourhood(q graph.NeighbourhoodQuery) (nodes, rels []string, truncated bool) {
	limit := q.Limit
	if limit == 0 {
		limit = graph.MaxNeighbourhoodSize
	}
	dist := map[string]int{}
	for _, s := range q.Seeds {
		dist[s] = 0
	}
	frontier := slices.Sorted(func(yield func(string) bool) {
		for s := range dist {
			if !yield(s) {
				return
			}
		}
	})
	got := slices.Clone(frontier)
	for d := 1; d <= q.Depth && len(frontier) > 0; d++ {
		var next []string
		for _, v := range frontier {
			for _, r := range m.rels {
				if !m.relOK(r, q.Types, q.AsOf) {
					continue
				}
				var w string
				switch {
				case r.From == v && q.Direction != graph.DirectionIn:
					w = r.To
				case r.To == v && q.Direction != graph.DirectionOut:
					w = r.From
				default:
					continue
				}
				if _, seen := dist[w]; seen || (len(q.Kinds) > 0 && !slices.Contains(q.Kinds, m.nodes[w].Kind)) {
					continue
				}
				dist[w] = d
				next = append(next, w)
			}
		}
		slices.Sort(next)
		if len(got)+len(next) > limit {
			next = next[:limit-len(got)]
			truncated = true
		}
		got = append(got, next...)
		frontier = next
		if truncated {
			break
		}
	}
	slices.Sort(got)
	rels = []string{}
	for _, r := range m.rels {
		if slices.Contains(got, r.From) && slices.Contains(got, r.To) && m.relOK(r, q.Types, q.AsOf) {
			rels = append(rels, r.ID)
		}
	}
	slices.Sort(rels)
	return got, rels, truncated
}

// paths answers graph.PathQuery by enumerating every loopless path up to
// the maximum length, sorting by (length, node ids) and keeping K. Each
// path is its node ids followed by its relationship ids.
func (m *model) paths(q graph.PathQuery) [][]string {
	maxLen, k := q.MaxLength, q.K
	if maxLen == 0 {
		maxLen = graph.MaxPathLength
	}
	if k == 0 {
		k = 1
	}
	from, to := m.nodes[q.From], m.nodes[q.To]
	if !from.ExistsAsOf(q.AsOf) || !to.ExistsAsOf(q.AsOf) {
		return [][]string{}
	}
	if q.From == q.To {
		return [][]string{{q.From}}
	}
	// edge[u][v] is the smallest usable relationship id between u and v.
	edge := map[string]map[string]string{}
	add := func(u, v, id string) {
		if edge[u] == nil {
			edge[u] = map[string]string{}
		}
		if old, ok := edge[u][v]; !ok || id < old {
			edge[u][v] = id
		}
	}
	for _, r := range m.rels {
		if m.relOK(r, q.Types, q.AsOf) {
			add(r.From, r.To, r.ID)
			add(r.To, r.From, r.ID)
		}
	}
	var all [][]string
	var walk []string
	var dfs func(v string)
	dfs = func(v string) {
		walk = append(walk, v)
		defer func() { walk = walk[:len(walk)-1] }()
		if v == q.To {
			all = append(all, slices.Clone(walk))
			return
		}
		if len(walk)-1 == maxLen {
			return
		}
		for w := range edge[v] {
			if !slices.Contains(walk, w) {
				dfs(w)
			}
		}
	}
	dfs(q.From)
	slices.SortFunc(all, func(a, b []string) int {
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
		return slices.Compare(a, b)
	})
	if len(all) > k {
		all = all[:k]
	}
	out := make([][]string, len(all))
	for i, p := range all {
		out[i] = slices.Clone(p)
		for j := 1; j < len(p); j++ {
			out[i] = append(out[i], edge[p[j-1]][p[j]])
		}
	}
	return out
}

// order sorts node ids by the given keys, as the Store contract says.
func (m *model) order(ids []string, keys []*graph.NodeOrder) []string {
	out := slices.Clone(ids)
	degree := map[string]int{}
	for _, r := range m.rels {
		degree[r.From]++
		degree[r.To]++
	}
	slices.SortFunc(out, func(x, y string) int {
		a, b := m.nodes[x], m.nodes[y]
		for _, k := range keys {
			var c int
			switch k.Field {
			case graph.OrderByName:
				if c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c == 0 {
					c = strings.Compare(a.Name, b.Name)
				}
			case graph.OrderByKind:
				c = strings.Compare(string(a.Kind), string(b.Kind))
			case graph.OrderByID:
				c = strings.Compare(a.ID, b.ID)
			case graph.OrderByDegree:
				c = cmp.Compare(degree[a.ID], degree[b.ID])
			case graph.OrderByYear:
				ya, yb := a.Since(), b.Since()
				if ya == nil || yb == nil {
					if ya == nil && yb != nil {
						return 1
					}
					if yb == nil && ya != nil {
						return -1
					}
				} else {
					c = cmp.Compare(*ya, *yb)
				}
			}
			if k.Descending() {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
