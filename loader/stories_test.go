package loader_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/loader"
)

const storiesFile = `{"stories":[
 {"id":"group-a-story","title":"Group A","author":"Tester","steps":[
  {"view":{"seeds":["group-a"],"depth":1},"caption":"Group A is part of Movement A.",
   "citedNodes":["group-a","movement-a"],"citedRelationships":["group-a:PART_OF:movement-a:1985"]}]}]}`

const badStoriesFile = `{"stories":[
 {"id":"bad-story","title":"Bad","author":"Tester","steps":[
  {"view":{"seeds":["group-a"]},"caption":"Cites what is not there.",
   "citedNodes":["nowhere"],"citedRelationships":["group-a:LED:movement-a"]}]}]}`

// TestLoadStories: a stories section loads with the records it cites (in
// other files of the same load) and is stored fresh; a story citing what
// does not exist fails the load with problems located in its file.
func TestLoadStories(t *testing.T) {
	stores(t, func(t *testing.T, s graph.Store) {
		ctx := context.Background()
		files := []string{write(t, "sources.json", sourcesFile), write(t, "nodes.json", nodesFile),
			write(t, "rels.json", relsFile), write(t, "stories.json", storiesFile)}
		res, err := loader.Load(ctx, s, files, loader.Options{})
		if err != nil {
			t.Fatalf("load: %v (%v)", err, graph.ErrorProblems(err))
		}
		if res.Stories != 1 || !strings.Contains(res.String(), "1 stories") {
			t.Errorf("result %q counts %d stories", res.String(), res.Stories)
		}
		st, err := s.Story(ctx, "group-a-story")
		if err != nil {
			t.Fatal(err)
		}
		if st.Stale || st.Version != 1 || len(st.Steps[0].Recorded) != 3 {
			t.Errorf("loaded story: stale %v, version %d, recorded %+v", st.Stale, st.Version, st.Steps[0].Recorded)
		}

		_, err = loader.Load(ctx, s, []string{write(t, "bad.json", badStoriesFile)}, loader.Options{})
		ps := graph.ErrorProblems(err)
		if graph.ErrorCode(err) != graph.EINVALID || len(ps) < 2 {
			t.Fatalf("bad stories: %v, problems %v", err, ps)
		}
		for _, p := range ps {
			if !strings.Contains(p, "bad.json:2:") || !strings.Contains(p, "stories[0]") {
				t.Errorf("problem %q does not point into bad.json's stories", p)
			}
		}
		if _, err := s.Story(ctx, "bad-story"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("the refused story was stored: %v", err)
		}
	})
}
