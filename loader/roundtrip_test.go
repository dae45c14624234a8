package loader_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
	"github.com/hmkg/hmkg/loader"
)

// TestExportImportRoundTrip: the curated dataset with its stories, plus a
// story whose evidence then changes (one cited relationship edited after
// its step was accepted, one cited node deleted), is exported as JSON; the
// file loaded into an empty store gives back the same records and the same
// stories: steps, captions, citations, recorded state, versions,
// timestamps, and the same stale marks with the same changes. A file with
// one bad story fails as a whole, naming the story, and leaves the store
// as it was. On both stores.
func TestExportImportRoundTrip(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		roundTrip(t, memstore.New(), func() graph.Store {
			s := memstore.New()
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("neo4j", func(t *testing.T) {
		src := neo4jtest.Open(t)
		if src == nil {
			t.Skip("NEO4J_URI not set")
		}
		cfg, _ := neo4jtest.Config(t)
		roundTrip(t, src, func() graph.Store {
			neo4jtest.Wipe(t, cfg)
			s, err := neo4jstore.Open(context.Background(), cfg)
			if err != nil {
				t.Fatalf("open neo4j: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}

const (
	changedRel = "act-up:CHALLENGED:aids-clinical-trials-group:1989"
	keptRel    = "act-up:CHALLENGED:al-gore:1999"
)

func roundTrip(t *testing.T, src graph.Store, empty func() graph.Store) {
	ctx := context.Background()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Import(ctx, d, "seed"); err != nil {
		t.Fatalf("seed: %v", err)
	}
	// A node to cite and then delete.
	gone := &graph.Node{ID: "round-trip-collective", Kind: graph.KindOrganisation, Name: "Round-trip collective", SourceIDs: []string{"nap-actg"}}
	if err := src.UpsertNode(ctx, gone, "tester"); err != nil {
		t.Fatal(err)
	}
	story := &graph.Story{ID: "evidence-moves", Title: "Evidence that moves", Author: "tester", Summary: "Ünïcødé & <markup>",
		Steps: []*graph.StoryStep{
			{Title: "Changed", Caption: "ACT UP **challenged** the trials group.", View: graph.StoryView{Seeds: []string{"act-up"}, Depth: 1},
				CitedNodes: []string{"act-up"}, CitedRelationships: []string{changedRel}},
			{Title: "Deleted", Caption: "A collective that is gone.", View: graph.StoryView{Seeds: []string{"round-trip-collective"}},
				CitedNodes: []string{"round-trip-collective"}},
			{Title: "Kept", Caption: "Gore's campaign launch.", View: graph.StoryView{Seeds: []string{"act-up", "al-gore"}, AsOf: new(1999),
				HighlightRelationships: []string{keptRel}, Positions: []graph.StoryPosition{{NodeID: "act-up", X: 1.5, Y: -2}}},
				CitedRelationships: []string{keptRel}},
		}}
	if _, err := src.UpsertStory(ctx, story, "tester"); err != nil {
		t.Fatal(err)
	}
	editRel := func(summary string) {
		t.Helper()
		r, err := src.Relationship(ctx, changedRel)
		if err != nil {
			t.Fatal(err)
		}
		r.Summary = summary
		if err := src.UpsertRelationship(ctx, r, "tester"); err != nil {
			t.Fatal(err)
		}
	}
	editRel("First edit.")
	if _, err := src.AcceptStoryStep(ctx, story.ID, 0, "tester"); err != nil {
		t.Fatal(err)
	}
	editRel("Second edit, after the step was accepted.")
	if err := src.DeleteNode(ctx, gone.ID, "tester"); err != nil {
		t.Fatal(err)
	}
	want := allStories(t, src)
	if len(want) != len(d.Stories)+1 {
		t.Fatalf("%d stories in the source store, want %d", len(want), len(d.Stories)+1)
	}
	if st := want[story.ID]; st == nil || st.Version != 2 || !st.Steps[0].Stale || !st.Steps[1].Stale || st.Steps[2].Stale ||
		st.Steps[0].Changes[0].What != graph.StoryChanged || st.Steps[1].Changes[0].What != graph.StoryDeleted {
		t.Fatalf("the source story is not in the state the test needs: %s", storyJSON(st))
	}
	wantStats, err := src.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Export the whole graph as JSON.
	doc, err := export.Prepare(ctx, src, export.JSON, export.Selection{}, time.Now())
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if len(doc.Stories) != len(want) || doc.Manifest.Counts.Stories != len(want) || len(doc.Manifest.StoriesLeftOut) != 0 {
		t.Fatalf("export carries %d stories (counted %d, left out %v), want %d", len(doc.Stories), doc.Manifest.Counts.Stories, doc.Manifest.StoriesLeftOut, len(want))
	}
	path := filepath.Join(t.TempDir(), "hmkg-all.json")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.Encode(fh, export.JSON, doc); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}

	// Import it into an empty store.
	dst := empty()
	res, err := loader.Load(ctx, dst, []string{path}, loader.Options{})
	if err != nil {
		t.Fatalf("load the export: %v (%v)", err, graph.ErrorProblems(err))
	}
	if res.Stories != len(want) || res.Nodes != wantStats.Nodes || res.Relationships != wantStats.Relationships {
		t.Errorf("load result %s, want %d nodes, %d relationships, %d stories", res, wantStats.Nodes, wantStats.Relationships, len(want))
	}
	gotStats, err := dst.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if gotStats.Nodes != wantStats.Nodes || gotStats.Relationships != wantStats.Relationships || gotStats.Sources != wantStats.Sources ||
		gotStats.DatasetName != wantStats.DatasetName || gotStats.DatasetVersion != wantStats.DatasetVersion {
		t.Errorf("after import: %+v, want %+v", gotStats, wantStats)
	}
	if r, err := dst.Relationship(ctx, changedRel); err != nil || r.Summary != "Second edit, after the step was accepted." {
		t.Errorf("changed relationship after import: %+v, %v", r, err)
	}
	got := allStories(t, dst)
	if len(got) != len(want) {
		t.Errorf("%d stories after import, want %d", len(got), len(want))
	}
	for id, w := range want {
		if g, w := storyJSON(got[id]), storyJSON(w); g != w {
			t.Errorf("story %s after the round trip:\n got %s\nwant %s", id, g, w)
		}
	}

	// A file with one bad story: refused whole, the story named, the store
	// as it was (the node renamed in the same file keeps its name).
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(raw), `"name":"ACT UP (AIDS Coalition to Unleash Power)"`, `"name":"ACT UP (renamed)"`, 1)
	bad = strings.Replace(bad, `"citedRelationships":["`+keptRel+`"]`, `"citedRelationships":["act-up:CHALLENGED:nowhere"]`, 1)
	if bad == string(raw) || !strings.Contains(bad, "ACT UP (renamed)") || !strings.Contains(bad, "act-up:CHALLENGED:nowhere") {
		t.Fatal("the test could not break the file")
	}
	badPath := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(badPath, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = loader.Load(ctx, dst, []string{badPath}, loader.Options{})
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(strings.Join(graph.ErrorProblems(err), "\n"), `"evidence-moves"`) ||
		!strings.Contains(strings.Join(graph.ErrorProblems(err), "\n"), "act-up:CHALLENGED:nowhere") {
		t.Fatalf("bad story: %v, problems %v", err, graph.ErrorProblems(err))
	}
	if n, err := dst.Node(ctx, "act-up"); err != nil || n.Name != "ACT UP (AIDS Coalition to Unleash Power)" {
		t.Errorf("after the refused load, act-up is %+v (%v)", n, err)
	}
	if g, w := storyJSON(allStories(t, dst)[story.ID]), storyJSON(want[story.ID]); g != w {
		t.Errorf("after the refused load the story changed:\n got %s\nwant %s", g, w)
	}
}

func allStories(t *testing.T, s graph.Store) map[string]*graph.Story {
	t.Helper()
	out := map[string]*graph.Story{}
	q := graph.StoryQuery{Limit: graph.MaxPageSize}
	for {
		page, err := s.Stories(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range page.Stories {
			out[st.ID] = st
		}
		if !page.HasMore {
			return out
		}
		q.After = page.Stories[len(page.Stories)-1].ID
	}
}

// storyJSON is a story as stored plus what a read computes (stale marks
// and changes), for comparison.
func storyJSON(s *graph.Story) string {
	if s == nil {
		return "<nil>"
	}
	type step struct {
		Stale   bool
		Changes []graph.StoryChange
	}
	steps := make([]step, len(s.Steps))
	for i, st := range s.Steps {
		steps[i] = step{st.Stale, st.Changes}
	}
	b, _ := json.Marshal(struct {
		Story *graph.Story
		Stale bool
		Steps []step
	}{s, s.Stale, steps})
	return string(b)
}
