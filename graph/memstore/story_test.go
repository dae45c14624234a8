package memstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

// TestStoriesSurviveReopen: stories are committed to their bucket with the
// state each step recorded, so after a reopen a story reads back the same
// and a change made before closing still shows as stale; deletions stick.
func TestStoriesSurviveReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustImport(t, s, storetest.Fixture())
	want, err := s.UpsertStory(ctx, storetest.StoryFixture("kept"), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertStory(ctx, storetest.StoryFixture("gone"), "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStory(ctx, "gone", "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRelationship(ctx, "act-up:CHALLENGED:fda:1988", "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Story(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version || !got.CreatedAt.Equal(want.CreatedAt) || got.Title != want.Title ||
		!slices.Equal(got.Steps[1].CitedRelationships, want.Steps[1].CitedRelationships) ||
		!slices.Equal(got.Steps[0].Recorded, want.Steps[0].Recorded) {
		t.Errorf("after reopen:\n got %+v\nwant %+v", got, want)
	}
	if !got.Stale || got.Steps[0].Stale || !got.Steps[1].Stale || got.Steps[1].Changes[0].What != graph.StoryDeleted {
		t.Errorf("after reopen the deleted citation is not reported: steps %+v %+v", got.Steps[0], got.Steps[1])
	}
	if _, err := s.Story(ctx, "gone"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("deleted story after reopen: %v", err)
	}
	page, err := s.Stories(ctx, graph.StoryQuery{})
	if err != nil || page.Total != 1 {
		t.Errorf("stories after reopen: %+v %v", page, err)
	}
}
