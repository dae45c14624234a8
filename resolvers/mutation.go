package resolvers

import (
	"context"
	"errors"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/resolvers/model"
)

// ErrUnauthenticated is returned by mutations without a valid API key.
var ErrUnauthenticated = errors.New("mutations require an API key: send Authorization: Bearer <key>")

type actorKey struct{}

// WithActor records the authenticated actor (an API key's name) in the
// request context; mutations refuse to run without one.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorFrom(ctx context.Context) (string, error) {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a, nil
	}
	return "", ErrUnauthenticated
}

func (r *Resolver) upsertSource(ctx context.Context, in model.SourceInput) (*graph.Source, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	s := &graph.Source{ID: in.ID, Title: in.Title, URL: in.URL, Year: in.Year}
	if in.Publisher != nil {
		s.Publisher = *in.Publisher
	}
	if in.Kind != nil {
		s.Kind = *in.Kind
	}
	if err := r.Store.UpsertSource(ctx, s, actor); err != nil {
		return nil, err
	}
	return s, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (r *Resolver) upsertNode(ctx context.Context, in model.NodeInput) (graph.Entity, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	n := &graph.Node{
		ID: in.ID, Kind: in.Kind, Name: in.Name, Summary: str(in.Summary), Aliases: in.Aliases,
		Region: str(in.Region), Country: str(in.Country), Category: str(in.Category),
		StartYear: in.StartYear, EndYear: in.EndYear, FoundedYear: in.FoundedYear, Year: in.Year,
		Date: str(in.Date), Publisher: str(in.Publisher), URL: str(in.URL), Role: str(in.Role),
		Question: str(in.Question), SourceIDs: in.SourceIds,
	}
	if err := r.nodeDisputesIn(ctx, n, in.Disputes); err != nil {
		return nil, err
	}
	if err := r.Store.UpsertNode(ctx, n, actor); err != nil {
		return nil, err
	}
	return graph.Wrap(n), nil
}

func (r *Resolver) upsertRelationship(ctx context.Context, in model.RelationshipInput) (*graph.Relationship, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	rel := &graph.Relationship{
		ID: str(in.ID), Type: in.Type, From: in.From, To: in.To, Year: in.Year,
		Summary: str(in.Summary), TensionIDs: in.TensionIds, SourceIDs: in.SourceIds,
	}
	if rel.ID == "" {
		rel.ID = graph.RelationshipID(rel.From, rel.Type, rel.To, rel.Year)
	}
	if err := r.relDisputesIn(ctx, rel, in.Status, in.Disputes); err != nil {
		return nil, err
	}
	if err := r.Store.UpsertRelationship(ctx, rel, actor); err != nil {
		return nil, err
	}
	return rel, nil
}

func (r *Resolver) deleteNode(ctx context.Context, id string) (string, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return "", err
	}
	return id, r.Store.DeleteNode(ctx, id, actor)
}

func (r *Resolver) deleteRelationship(ctx context.Context, id string) (string, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return "", err
	}
	return id, r.Store.DeleteRelationship(ctx, id, actor)
}
