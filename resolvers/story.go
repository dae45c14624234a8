package resolvers

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/internal/caption"
	"github.com/hmkg/hmkg/resolvers/model"
)

// Story cursors are opaque to clients; inside they are the id of the last
// story of the page (stories are sorted by id), so they stay valid when
// stories are added or removed.
const storyCursorPrefix = "story:"

func encodeStoryCursor(id string) string {
	return base64.StdEncoding.EncodeToString([]byte(storyCursorPrefix + id))
}

func decodeStoryCursor(after *string) (string, error) {
	if after == nil || *after == "" {
		return "", nil
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(*after)
	id, ok := strings.CutPrefix(string(raw), storyCursorPrefix)
	if len(*after) > 200 || err != nil || !ok || !graph.ValidSlug(id) {
		return "", graph.Errorf(graph.EINVALID, "after: %s is not a story cursor returned by this API", Quote(*after))
	}
	return id, nil
}

func (r *Resolver) queryStories(ctx context.Context, first *int, after *string) (*model.StoryConnection, error) {
	limit, err := intArg(ctx, "first", first, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	from, err := decodeStoryCursor(after)
	if err != nil {
		return nil, err
	}
	conn := &model.StoryConnection{Edges: []*model.StoryEdge{}, Nodes: []*graph.Story{}, PageInfo: &model.PageInfo{HasPreviousPage: from != ""}}
	if limit == 0 {
		// Only the count: the store's page size 0 means its default.
		p, err := r.Store.Stories(ctx, graph.StoryQuery{After: from, Limit: 1})
		if err != nil {
			return nil, err
		}
		conn.TotalCount, conn.PageInfo.HasNextPage = p.Total, len(p.Stories) > 0
		return conn, nil
	}
	p, err := r.Store.Stories(ctx, graph.StoryQuery{After: from, Limit: limit})
	if err != nil {
		return nil, err
	}
	conn.TotalCount, conn.PageInfo.HasNextPage = p.Total, p.HasMore
	for _, s := range p.Stories {
		conn.Edges = append(conn.Edges, &model.StoryEdge{Cursor: encodeStoryCursor(s.ID), Node: s})
		conn.Nodes = append(conn.Nodes, s)
	}
	if n := len(p.Stories); n > 0 {
		start, end := encodeStoryCursor(p.Stories[0].ID), encodeStoryCursor(p.Stories[n-1].ID)
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &start, &end
	}
	return conn, nil
}

func (r *Resolver) queryStory(ctx context.Context, id string) (*graph.Story, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return r.Store.Story(ctx, id)
}

func storyFromInput(in model.StoryInput, actor string) *graph.Story {
	s := &graph.Story{ID: in.ID, Title: in.Title, Summary: str(in.Summary), Author: str(in.Author)}
	if strings.TrimSpace(s.Author) == "" {
		s.Author = actor
	}
	s.Steps = make([]*graph.StoryStep, len(in.Steps))
	for i, st := range in.Steps {
		step := &graph.StoryStep{Title: str(st.Title), Caption: st.Caption,
			CitedNodes: st.CitedNodeIds, CitedRelationships: st.CitedRelationshipIds}
		if v := st.View; v != nil {
			step.View = graph.StoryView{Seeds: v.Seeds, Kinds: v.Kinds, Types: v.Types, AsOf: v.AsOf,
				HighlightNodes: v.HighlightNodes, HighlightRelationships: v.HighlightRelationships}
			if v.Depth != nil {
				step.View.Depth = *v.Depth
			}
			for _, p := range v.Positions {
				if p != nil {
					step.View.Positions = append(step.View.Positions, graph.StoryPosition{NodeID: p.NodeID, X: p.X, Y: p.Y})
				}
			}
		}
		s.Steps[i] = step
	}
	return s
}

func (r *Resolver) upsertStory(ctx context.Context, in model.StoryInput) (*graph.Story, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	return r.Store.UpsertStory(ctx, storyFromInput(in, actor), actor)
}

func (r *Resolver) deleteStory(ctx context.Context, id string) (string, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return "", err
	}
	return id, r.Store.DeleteStory(ctx, id, actor)
}

func (r *Resolver) acceptStoryStep(ctx context.Context, id string, step int) (*graph.Story, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	return r.Store.AcceptStoryStep(ctx, id, step, actor)
}

func storyTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func captionHTML(st *graph.StoryStep) (string, error) { return caption.HTML(st.Caption) }

func (r *Resolver) citedNodes(ctx context.Context, st *graph.StoryStep) ([]graph.Entity, error) {
	return r.entitiesByID(ctx, st.CitedNodes)
}

func (r *Resolver) citedRelationships(ctx context.Context, st *graph.StoryStep) ([]*graph.Relationship, error) {
	if len(st.CitedRelationships) == 0 {
		return []*graph.Relationship{}, nil
	}
	rs, err := r.Store.RelationshipsByID(ctx, st.CitedRelationships)
	if err != nil {
		return nil, err
	}
	out := make([]*graph.Relationship, 0, len(rs))
	for _, x := range rs {
		if x != nil {
			out = append(out, x)
		}
	}
	return out, nil
}

func changeTarget(c *graph.StoryChange) model.CitationTarget { return model.CitationTarget(c.Target) }

func changeWhat(c *graph.StoryChange) model.StoryChangeKind { return model.StoryChangeKind(c.What) }
