package data

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/internal/caption"
)

// TestCuratedStories: the shipped stories are one per Nesta tension and
// one per named movement; every citation, seed and highlight resolves in
// the curated dataset; every step cites what it speaks of and renders;
// and once the dataset is loaded no story is stale.
func TestCuratedStories(t *testing.T) {
	d := load(t)
	if len(d.Stories) == 0 {
		t.Fatal("Curated carries no stories")
	}
	var want []string
	for _, n := range d.Nodes {
		if n.Kind == graph.KindTension {
			want = append(want, "tension-"+n.ID)
		}
	}
	if len(want) != 5 {
		t.Errorf("%d tensions in the dataset, the stories expect Nesta's five", len(want))
	}
	want = append(want, "movement-aids", "movement-breast-cancer", "movement-disability-rights")
	var ids []string
	for _, s := range d.Stories {
		ids = append(ids, s.ID)
	}
	for _, w := range want {
		if !slices.Contains(ids, w) {
			t.Errorf("no curated story %q (have %v)", w, ids)
		}
	}
	// Each movement story is seeded on its movement; each tension story
	// opens on its tension.
	seeds := map[string]string{"movement-aids": "aids-movement", "movement-breast-cancer": "breast-cancer-movement",
		"movement-disability-rights": "disability-rights-movement"}
	for _, s := range d.Stories {
		seed := seeds[s.ID]
		if t0, ok := strings.CutPrefix(s.ID, "tension-"); ok {
			seed = t0
		}
		if seed != "" && !slices.Contains(s.Steps[0].View.Seeds, seed) && !slices.Contains(s.Steps[0].CitedNodes, seed) {
			t.Errorf("story %s does not open on %s", s.ID, seed)
		}
		for i, st := range s.Steps {
			if st.Title == "" || len(st.Caption) < 60 {
				t.Errorf("story %s step %d: a title and a real caption are expected", s.ID, i)
			}
			if len(st.CitedRelationships) == 0 {
				t.Errorf("story %s step %d cites no relationship: every caption rests on a sourced fact", s.ID, i)
			}
			if html, err := caption.HTML(st.Caption); err != nil || !strings.HasPrefix(html, "<p>") {
				t.Errorf("story %s step %d renders as %q (%v)", s.ID, i, html, err)
			}
		}
	}
	// Validation checks every citation against the dataset itself.
	if err := d.Validate(nil); err != nil {
		for _, p := range graph.ErrorProblems(err) {
			t.Error(p)
		}
		t.Fatal(err)
	}
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	if err := s.Import(ctx, d, "test"); err != nil {
		t.Fatalf("import: %v %v", err, graph.ErrorProblems(err))
	}
	page, err := s.Stories(ctx, graph.StoryQuery{Limit: graph.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != len(d.Stories) {
		t.Errorf("store holds %d stories, want %d", page.Total, len(d.Stories))
	}
	for _, st := range page.Stories {
		if st.Stale {
			for _, step := range st.Steps {
				t.Errorf("curated story %s step %d is stale: %+v", st.ID, step.Index, step.Changes)
			}
		}
	}
}
