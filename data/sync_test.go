package data

import (
	"context"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
)

// TestSyncStories: a store seeded before the curated stories existed, or
// before the shipped text changed, gets them at start-up: missing ones
// added, unedited earlier texts (marked, or seeded before the mark)
// updated, an editor's change kept; each write is an UPSERT_STORY in the
// audit log; a second sync writes nothing. On both stores.
func TestSyncStories(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		s := memstore.New()
		t.Cleanup(func() { s.Close() })
		syncStories(t, s)
	})
	t.Run("neo4j", func(t *testing.T) {
		s := neo4jtest.Open(t)
		if s == nil {
			t.Skip("NEO4J_URI not set")
		}
		syncStories(t, s)
	})
}

func syncStories(t *testing.T, s graph.Store) {
	ctx := context.Background()
	d := load(t)
	shipped := map[string]*graph.Story{}
	var ids []string
	for _, st := range d.Stories {
		shipped[st.ID] = st
		ids = append(ids, st.ID)
	}
	if len(ids) < 4 {
		t.Fatalf("%d curated stories; the test needs 4", len(ids))
	}
	older := func(id string) *graph.Story {
		st := graph.CloneStory(shipped[id])
		st.Steps[0].Caption = "An earlier caption of " + id + "."
		return st
	}
	// Seeded before the mark existed: an earlier text, version 1, no mark.
	preMark := older(ids[0])
	preMark.Curated = ""
	// Seeded at an earlier release (and accepted since, which keeps the mark).
	marked := older(ids[1])
	marked.Curated = marked.CuratedMark()
	// An editor's change (an update clears the mark).
	edited := older(ids[2])
	edited.Curated = ""
	// ids[3:] are missing: seeded before they were written.
	d.Stories = []*graph.Story{preMark, marked, edited}
	if err := s.Import(ctx, d, "seed"); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := s.AcceptStoryStep(ctx, marked.ID, 0, "editor"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertStory(ctx, edited, "editor"); err != nil {
		t.Fatal(err)
	}
	before, err := s.Changes(ctx, 0, 1)
	if err != nil {
		t.Fatal(err)
	}

	res, err := SyncStories(ctx, s, "seed")
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	slices.Sort(res.Updated)
	wantUpdated := []string{ids[0], ids[1]}
	slices.Sort(wantUpdated)
	if !slices.Equal(res.Added, ids[3:]) || !slices.Equal(res.Updated, wantUpdated) || !slices.Equal(res.Kept, []string{ids[2]}) ||
		len(res.Current) != 0 || len(res.Failed) != 0 {
		t.Fatalf("sync: %+v; want added %v, updated %v, kept %v", res, ids[3:], wantUpdated, ids[2])
	}
	for _, id := range append(append([]string{}, ids[:2]...), ids[3:]...) {
		st, err := s.Story(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CuratedMark() != shipped[id].Curated || st.Curated != shipped[id].Curated || st.Stale {
			t.Errorf("story %s after sync: mark %q, content %q, want %q (stale %v)", id, st.Curated, st.CuratedMark(), shipped[id].Curated, st.Stale)
		}
	}
	if st, _ := s.Story(ctx, ids[1]); st == nil || st.Version != 3 {
		t.Errorf("the updated story is at version %v, want 3 (seeded, accepted, updated)", st)
	}
	if st, err := s.Story(ctx, ids[2]); err != nil || st.Steps[0].Caption != edited.Steps[0].Caption || st.Curated != "" {
		t.Errorf("the editor's story was overwritten: %+v, %v", st, err)
	}
	// Every write is in the audit log, by the seed actor.
	changes, err := s.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	for _, c := range changes {
		if c.ID > before[0].ID {
			if c.Action != graph.ActionUpsertStory || c.Actor != "seed" {
				t.Errorf("unexpected change %+v", c)
			}
			logged = append(logged, c.TargetID)
		}
	}
	if len(logged) != len(res.Added)+len(res.Updated) {
		t.Errorf("audit log has %d story writes (%v), want %d", len(logged), logged, len(res.Added)+len(res.Updated))
	}
	// Nothing to do the second time.
	again, err := SyncStories(ctx, s, "seed")
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed() || len(again.Current) != len(ids)-1 || !slices.Equal(again.Kept, []string{ids[2]}) {
		t.Errorf("second sync: %+v", again)
	}
}
