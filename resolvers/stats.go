package resolvers

import (
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

func kindCounts(s *graph.Stats) []*model.KindCount {
	out := make([]*model.KindCount, len(graph.Kinds))
	for i, k := range graph.Kinds {
		out[i] = &model.KindCount{Kind: k, Count: s.KindCounts[k]}
	}
	return out
}

func relTypeCounts(s *graph.Stats) []*model.RelationshipTypeCount {
	out := make([]*model.RelationshipTypeCount, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		out[i] = &model.RelationshipTypeCount{Type: t, Count: s.RelTypeCounts[t]}
	}
	return out
}
