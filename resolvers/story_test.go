package resolvers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

const storyFields = `id title author version stale createdAt updatedAt
 steps { index title caption captionHtml citedNodeIds citedRelationshipIds stale
   citedNodes { id name } citedRelationships { id summary }
   view { seeds depth kinds types asOf highlightNodes highlightRelationships positions { nodeId x y } }
   changes { id target what was now } }`

type storyOut struct {
	ID, Title, Author    string
	Version              int
	Stale                bool
	CreatedAt, UpdatedAt string
	Steps                []struct {
		Index                              int
		Title, Caption, CaptionHTML        string
		CitedNodeIds, CitedRelationshipIds []string
		Stale                              bool
		CitedNodes                         []struct{ ID, Name string }
		CitedRelationships                 []struct{ ID, Summary string }
		Changes                            []struct{ ID, Target, What, Was, Now string }
		View                               struct {
			Seeds []string
			Depth int
			AsOf  *int
		}
	}
}

// TestStoriesOverGraphQL: the curated stories are listed publicly and page
// by cursor; a story is created only with a key, captions come back
// sanitised, changing a cited relationship marks only the step citing it
// stale with what changed, acceptStoryStep clears it, and every change is
// in the audit log.
func TestStoriesOverGraphQL(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		var list struct {
			Stories struct {
				TotalCount int
				Nodes      []struct {
					ID    string
					Stale bool
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		c.OK(`{ stories(first: 3) { totalCount nodes { id stale } pageInfo { hasNextPage endCursor } } }`, nil, &list)
		if list.Stories.TotalCount != 8 || len(list.Stories.Nodes) != 3 || !list.Stories.PageInfo.HasNextPage {
			t.Fatalf("first page of curated stories: %+v", list.Stories)
		}
		first := list.Stories.Nodes[2].ID
		c.OK(`query($after: String) { stories(first: 10, after: $after) { totalCount nodes { id stale } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"after": list.Stories.PageInfo.EndCursor}, &list)
		if len(list.Stories.Nodes) != 5 || list.Stories.PageInfo.HasNextPage || list.Stories.Nodes[0].ID <= first {
			t.Fatalf("second page: %+v", list.Stories)
		}
		for _, n := range list.Stories.Nodes {
			if n.Stale {
				t.Errorf("curated story %s is stale", n.ID)
			}
		}
		if res := c.Post(`{ stories(after: "bm9wZQ==") { totalCount } }`, nil); res.Code() != "BAD_USER_INPUT" {
			t.Errorf("forged cursor: code %q", res.Code())
		}

		in := map[string]any{"in": map[string]any{
			"id": "test-story", "title": "ACT UP and the FDA",
			"steps": []any{
				map[string]any{"title": "Founding", "caption": "ACT UP **began** in 1987 <script>alert(1)</script> [x](javascript:alert(1))",
					"view": map[string]any{"seeds": []string{"act-up"}}, "citedNodeIds": []string{"act-up"},
					"citedRelationshipIds": []string{"act-up:PART_OF:aids-movement:1987"}},
				map[string]any{"title": "The FDA", "caption": "It closed FDA offices for a day in 1988.",
					"view":                 map[string]any{"seeds": []string{"act-up", "fda"}, "depth": 2, "asOf": 1990, "positions": []any{map[string]any{"nodeId": "act-up", "x": 1.5, "y": 2}}},
					"citedRelationshipIds": []string{"act-up:CHALLENGED:fda:1988"}},
			},
		}}
		upsert := `mutation($in: StoryInput!) { upsertStory(input: $in) { ` + storyFields + ` } }`
		if res := c.Post(upsert, in); res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("upsertStory without a key: code %q", res.Code())
		}
		var created struct{ UpsertStory storyOut }
		res := c.Post(upsert, in, auth()...)
		if len(res.Errors) > 0 {
			t.Fatalf("upsertStory: %+v", res.Errors)
		}
		decode(t, res, &created)
		st := created.UpsertStory
		if st.Author != "tester" || st.Version != 1 || st.Stale || len(st.Steps) != 2 || st.Steps[1].Index != 1 ||
			st.Steps[1].View.Depth != 2 || st.Steps[0].View.Depth != 1 || st.Steps[1].View.AsOf == nil {
			t.Fatalf("created story: %+v", st)
		}
		html := st.Steps[0].CaptionHTML
		if !strings.Contains(html, "<strong>began</strong>") || strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
			t.Errorf("captionHtml not sanitised as documented: %q", html)
		}
		if len(st.Steps[0].CitedNodes) != 1 || st.Steps[0].CitedNodes[0].Name == "" || len(st.Steps[1].CitedRelationships) != 1 {
			t.Errorf("cited records not resolved: %+v", st.Steps)
		}

		bad := map[string]any{"in": map[string]any{"id": "bad-story", "title": "Bad", "steps": []any{
			map[string]any{"caption": "Cites nothing real.", "view": map[string]any{"seeds": []string{"act-up"}}, "citedNodeIds": []string{"no-such-node"}}}}}
		if res := c.Post(upsert, bad, auth()...); res.Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "no-such-node") {
			t.Errorf("story citing a missing node: %+v", res.Errors)
		}

		// Change the cited relationship of step 1 only.
		ctx := context.Background()
		rel, err := s.Relationship(ctx, "act-up:CHALLENGED:fda:1988")
		if err != nil {
			t.Fatal(err)
		}
		rel.Summary += " (edited by the test)"
		if err := s.UpsertRelationship(ctx, rel, "tester"); err != nil {
			t.Fatal(err)
		}
		var read struct{ Story storyOut }
		c.OK(`{ story(id: "test-story") { `+storyFields+` } }`, nil, &read)
		if !read.Story.Stale || read.Story.Steps[0].Stale || !read.Story.Steps[1].Stale {
			t.Fatalf("after changing the cited relationship: story %v, steps %v %v", read.Story.Stale, read.Story.Steps[0].Stale, read.Story.Steps[1].Stale)
		}
		if ch := read.Story.Steps[1].Changes; len(ch) != 1 || ch[0].ID != rel.ID || ch[0].What != "CHANGED" || ch[0].Target != "RELATIONSHIP" || ch[0].Now == "" {
			t.Errorf("changes: %+v", ch)
		}

		accept := `mutation { acceptStoryStep(storyId: "test-story", step: 1) { version stale steps { stale } } }`
		if res := c.Post(accept, nil); res.Code() != "UNAUTHENTICATED" {
			t.Errorf("acceptStoryStep without a key: code %q", res.Code())
		}
		var accepted struct{ AcceptStoryStep storyOut }
		res = c.Post(accept, nil, auth()...)
		if len(res.Errors) > 0 {
			t.Fatalf("acceptStoryStep: %+v", res.Errors)
		}
		decode(t, res, &accepted)
		if accepted.AcceptStoryStep.Stale || accepted.AcceptStoryStep.Version != 2 {
			t.Errorf("after accepting: %+v", accepted.AcceptStoryStep)
		}

		var changes struct {
			Changes []struct{ Actor, Action, TargetID string }
		}
		c.OK(`{ changes(first: 3) { actor action targetId } }`, nil, &changes)
		if len(changes.Changes) < 3 || changes.Changes[0].Action != graph.ActionAcceptStoryStep || changes.Changes[2].Action != graph.ActionUpsertStory ||
			changes.Changes[0].TargetID != "test-story" || changes.Changes[0].Actor != "tester" {
			t.Errorf("audit log: %+v", changes.Changes)
		}

		if res := c.Post(`mutation { deleteStory(id: "test-story") }`, nil, auth()...); len(res.Errors) > 0 {
			t.Fatalf("deleteStory: %+v", res.Errors)
		}
		if res := c.Post(`{ story(id: "test-story") { id } }`, nil); res.Code() != "NOT_FOUND" {
			t.Errorf("deleted story: code %q", res.Code())
		}
	})
}

func decode(t *testing.T, res *gqlResponse, out any) {
	t.Helper()
	if err := json.Unmarshal(res.Data, out); err != nil {
		t.Fatalf("decode data: %v\n%s", err, res.Data)
	}
}
