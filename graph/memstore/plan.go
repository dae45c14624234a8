package memstore

// The planned reads of graph.RelPlanner and graph.NodePlanner: a nesting
// level answered under one read lock.

import (
	"context"
	"slices"

	"github.com/hmkg/hmkg/graph"
)

// PlanRelationships answers a nesting level from memory (graph.RelPlanner)
// under one read lock, collecting endpoints and sources by handle.
func (s *Store) PlanRelationships(ctx context.Context, p graph.RelPlan) (*graph.RelPlanResult, error) {
	q := p.Query
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	types, err := typeSet(q.Types)
	if err != nil {
		return nil, err
	}
	var others uint64
	for _, k := range p.OtherKinds {
		c, ok := k.Code()
		if !ok {
			return nil, graph.Errorf(graph.EINVALID, "unknown node kind %q", k)
		}
		others |= 1 << c
	}
	if others != 0 {
		// The kinds filter comes after the per-node cut would: not both.
		q.PerNode = 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	hs := s.relHandles(q, types)
	if others != 0 {
		hs = s.keepOtherKinds(hs, q, others)
	}
	out := &graph.RelPlanResult{Relationships: s.relsOut(hs)}
	if p.Endpoints && len(hs) > 0 {
		in := getSet()
		var ns []int32
		for _, rh := range hs {
			for _, h := range [2]int32{s.rels[rh].from, s.rels[rh].to} {
				if !in.has(h) {
					in.mark(h)
					ns = append(ns, h)
				}
			}
		}
		setPool.Put(in)
		out.Nodes = s.nodesOut(ns)
	}
	if p.Sources {
		var shs []int32
		for _, rh := range hs {
			r := &s.rels[rh]
			shs = append(shs, r.refs[:r.nsrc]...)
		}
		slices.Sort(shs)
		for _, sh := range slices.Compact(shs) {
			out.Sources = append(out.Sources, cloneSource(s.sources[sh]))
		}
	}
	return out, graph.CtxError(ctx, "memstore.PlanRelationships")
}

// keepOtherKinds keeps the relationships whose end other than an asked node
// is of one of the kinds (graph.RelPlan.OtherKinds).
func (s *Store) keepOtherKinds(hs []int32, q graph.RelQuery, kinds uint64) []int32 {
	asked := getSet()
	defer setPool.Put(asked)
	for _, id := range q.NodeIDs {
		if h, ok := s.findNode(id); ok {
			asked.mark(h)
		}
	}
	ok := func(h int32) bool { return kinds&(1<<s.nodes[h].kind) != 0 }
	dir := q.Direction
	kept := hs[:0]
	for _, rh := range hs {
		r := &s.rels[rh]
		if (dir != graph.DirectionIn && asked.has(r.from) && ok(r.to)) || (dir != graph.DirectionOut && asked.has(r.to) && ok(r.from)) {
			kept = append(kept, rh)
		}
	}
	return kept
}

// PlanNodes answers nodes with their sources from memory (graph.NodePlanner).
func (s *Store) PlanNodes(ctx context.Context, p graph.NodePlan) (*graph.NodePlanResult, error) {
	return graph.PlanNodesByParts(ctx, s, p)
}
