package storetest

import (
	"slices"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

// Stories pins the story contract (graph/story.go) on every store:
//   - UpsertStory validates, requires every cited, seed and highlighted
//     record to exist, sets version 1 and timestamps on creation, grows the
//     version on every update and accepted step, and records the state of
//     each step's citations; nothing is written on a problem.
//   - Reads compare the recorded state with the current records: a changed
//     cited relationship marks only the steps citing it stale (CHANGED),
//     a deleted node DELETED; acceptStoryStep clears that step only.
//   - An update that leaves a step's content as it was keeps its recorded
//     state (and so its stale mark); a rewritten step records afresh.
//   - Stories page by id; Import carries stories; every mutation is audited.

const (
	relChallenged = "act-up:CHALLENGED:fda:1988"
	relFounded    = "larry-kramer:FOUNDED:act-up:1987"
	relPartner    = "macmillan-cancer-support:PARTNERED_WITH:nhs-england:2014"
)

// StoryFixture is a three-step story over Fixture.
func StoryFixture(id string) *graph.Story {
	return &graph.Story{
		ID: id, Title: "ACT UP and the FDA", Summary: "How a direct action group took on a regulator.", Author: "Test Author",
		Steps: []*graph.StoryStep{
			{Title: "Founding", View: graph.StoryView{Seeds: []string{"act-up"}, Depth: 1},
				Caption:    "**Larry Kramer** co-founded ACT UP in 1987.",
				CitedNodes: []string{"larry-kramer", "act-up"}, CitedRelationships: []string{relFounded}},
			{Title: "Challenge", View: graph.StoryView{Seeds: []string{"act-up", "fda"}, Depth: 1, AsOf: ip(1990),
				Types: []graph.RelType{graph.RelChallenged}, HighlightRelationships: []string{relChallenged},
				Positions: []graph.StoryPosition{{NodeID: "act-up", X: 1.5, Y: -2}}},
				Caption: "ACT UP challenged the FDA in 1988.", CitedRelationships: []string{relChallenged}},
			{View: graph.StoryView{Seeds: []string{"macmillan-cancer-support"}, Kinds: []graph.Kind{graph.KindInstitution}},
				Caption: "Macmillan partnered with NHS England.", CitedNodes: []string{"nhs-england"}, CitedRelationships: []string{relPartner}},
		},
	}
}

func staleSteps(s *graph.Story) []int {
	var out []int
	for i, st := range s.Steps {
		if st.Stale {
			out = append(out, i)
		}
	}
	return out
}

func testStories(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	_, err := s.Story(ctx, "nope")
	WantCode(t, err, graph.ENOTFOUND)
	if p := try(s.Stories(ctx, graph.StoryQuery{})).must(t); p.Total != 0 || len(p.Stories) != 0 {
		t.Fatalf("stories on a store without any: %+v", p)
	}

	in := StoryFixture("act-up-and-the-fda")
	got := try(s.UpsertStory(ctx, in, Actor)).must(t)
	if got.Version != 1 || got.CreatedAt.IsZero() || !got.UpdatedAt.Equal(got.CreatedAt) || got.Stale {
		t.Fatalf("new story: version %d, created %v, updated %v, stale %v", got.Version, got.CreatedAt, got.UpdatedAt, got.Stale)
	}
	if in.Version != 0 || in.Steps[0].Recorded != nil {
		t.Errorf("UpsertStory changed the caller's story")
	}
	read := try(s.Story(ctx, in.ID)).must(t)
	if read.Title != in.Title || read.Author != in.Author || len(read.Steps) != 3 || read.Stale {
		t.Fatalf("read back %+v", read)
	}
	if st := read.Steps[1]; st.View.AsOf == nil || *st.View.AsOf != 1990 || !slices.Equal(st.View.HighlightRelationships, []string{relChallenged}) ||
		len(st.View.Positions) != 1 || st.View.Positions[0].X != 1.5 || st.Index != 1 {
		t.Errorf("step 1 read back as %+v", st)
	}
	for i, st := range read.Steps {
		if len(st.Recorded) != len(st.CitedNodes)+len(st.CitedRelationships) {
			t.Errorf("step %d recorded %d states for %d citations", i, len(st.Recorded), len(st.CitedNodes)+len(st.CitedRelationships))
		}
	}

	// Change one cited relationship: only the step citing it is stale.
	rel := try(s.Relationship(ctx, relChallenged)).must(t)
	rel.Summary = "ACT UP challenged the FDA's drug approval process."
	if err := s.UpsertRelationship(ctx, rel, Actor); err != nil {
		t.Fatal(err)
	}
	read = try(s.Story(ctx, in.ID)).must(t)
	if !read.Stale || !slices.Equal(staleSteps(read), []int{1}) {
		t.Fatalf("after changing %s: stale %v, stale steps %v, want [1]", relChallenged, read.Stale, staleSteps(read))
	}
	if ch := read.Steps[1].Changes; len(ch) != 1 || ch[0].ID != relChallenged || ch[0].What != graph.StoryChanged ||
		ch[0].Target != graph.CitedRelationship || ch[0].Now == "" || ch[0].Now == ch[0].Was {
		t.Errorf("changes of step 1: %+v", ch)
	}
	// A list read agrees.
	page := try(s.Stories(ctx, graph.StoryQuery{})).must(t)
	if page.Total != 1 || len(page.Stories) != 1 || !slices.Equal(staleSteps(page.Stories[0]), []int{1}) {
		t.Errorf("stories page: total %d, stale steps %v", page.Total, staleSteps(page.Stories[0]))
	}

	// An update that leaves step 1 as it was keeps it stale.
	edit := StoryFixture(in.ID)
	edit.Title = "ACT UP against the FDA"
	got = try(s.UpsertStory(ctx, edit, Actor)).must(t)
	if got.Version != 2 || !got.CreatedAt.Equal(read.CreatedAt) || got.Title != edit.Title || !slices.Equal(staleSteps(got), []int{1}) {
		t.Errorf("after a title edit: version %d, stale steps %v", got.Version, staleSteps(got))
	}

	// Delete a cited node: the steps citing it report DELETED.
	if err := s.DeleteNode(ctx, "larry-kramer", Actor); err != nil {
		t.Fatal(err)
	}
	read = try(s.Story(ctx, in.ID)).must(t)
	if !slices.Equal(staleSteps(read), []int{0, 1}) {
		t.Fatalf("after deleting larry-kramer: stale steps %v, want [0 1]", staleSteps(read))
	}
	var whats []string
	for _, c := range read.Steps[0].Changes {
		whats = append(whats, c.ID+"="+c.What)
	}
	// Deleting the node deleted its relationship too.
	if want := []string{"larry-kramer=DELETED", relFounded + "=DELETED"}; !slices.Equal(whats, want) {
		t.Errorf("step 0 changes %v, want %v", whats, want)
	}
	// A step whose cited records are gone cannot be accepted, only updated.
	_, err = s.AcceptStoryStep(ctx, in.ID, 0, Actor)
	WantCode(t, err, graph.EINVALID)
	_, err = s.AcceptStoryStep(ctx, in.ID, 3, Actor)
	WantCode(t, err, graph.ENOTFOUND)
	_, err = s.AcceptStoryStep(ctx, "nope", 0, Actor)
	WantCode(t, err, graph.ENOTFOUND)

	// Accept step 1: it is fresh again, step 0 stays stale.
	got = try(s.AcceptStoryStep(ctx, in.ID, 1, Actor)).must(t)
	if got.Version != 3 || !slices.Equal(staleSteps(got), []int{0}) {
		t.Errorf("after accepting step 1: version %d, stale steps %v", got.Version, staleSteps(got))
	}
	// Rewrite step 0 to cite what exists: the story is fresh.
	edit = StoryFixture(in.ID)
	edit.Steps[0].Caption = "ACT UP was founded in New York in 1987."
	edit.Steps[0].CitedNodes, edit.Steps[0].CitedRelationships = []string{"act-up"}, nil
	got = try(s.UpsertStory(ctx, edit, Actor)).must(t)
	if got.Stale || got.Version != 4 {
		t.Errorf("after rewriting step 0: stale steps %v, version %d", staleSteps(got), got.Version)
	}
	if read = try(s.Story(ctx, in.ID)).must(t); read.Stale {
		t.Errorf("read after rewrite: stale steps %v", staleSteps(read))
	}

	// Invalid stories are refused and write nothing.
	before := try(s.Changes(ctx, 0, 1)).must(t)[0].ID
	for name, bad := range map[string]func(*graph.Story){
		"unknown cited node":         func(x *graph.Story) { x.Steps[0].CitedNodes = []string{"nowhere"} },
		"unknown cited relationship": func(x *graph.Story) { x.Steps[1].CitedRelationships = []string{"act-up:LED:fda"} },
		"unknown seed":               func(x *graph.Story) { x.Steps[2].View.Seeds = []string{"nowhere"} },
		"empty caption":              func(x *graph.Story) { x.Steps[0].Caption = " " },
		"no citation":                func(x *graph.Story) { x.Steps[2].CitedNodes, x.Steps[2].CitedRelationships = nil, nil },
		"bad id":                     func(x *graph.Story) { x.ID = "Not A Slug" },
		"no steps":                   func(x *graph.Story) { x.Steps = nil },
		"depth":                      func(x *graph.Story) { x.Steps[0].View.Depth = graph.MaxDepth + 1 },
		"kind":                       func(x *graph.Story) { x.Steps[0].View.Kinds = []graph.Kind{"PLANET"} },
		"asOf":                       func(x *graph.Story) { x.Steps[0].View.AsOf = ip(99) },
	} {
		x := graph.CloneStory(edit) // valid but for bad
		x.ID = "invalid-story"
		bad(x)
		_, err := s.UpsertStory(ctx, x, Actor)
		WantCode(t, err, graph.EINVALID)
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err = s.UpsertStory(ctx, StoryFixture("no-actor"), " ")
	WantCode(t, err, graph.EINVALID)
	_, err = s.UpsertStory(ctx, nil, Actor)
	WantCode(t, err, graph.EINVALID)
	if after := try(s.Changes(ctx, 0, 1)).must(t)[0].ID; after != before {
		t.Errorf("refused stories wrote audit entries (%d -> %d)", before, after)
	}
	if _, err := s.Story(ctx, "invalid-story"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("an invalid story was stored: %v", err)
	}

	// Paging by id.
	for _, id := range []string{"b-story", "c-story"} {
		x := graph.CloneStory(edit)
		x.ID = id
		try(s.UpsertStory(ctx, x, Actor)).must(t)
	}
	p1 := try(s.Stories(ctx, graph.StoryQuery{Limit: 2})).must(t)
	p2 := try(s.Stories(ctx, graph.StoryQuery{After: p1.Stories[1].ID, Limit: 2})).must(t)
	ids := func(p *graph.StoryPage) (out []string) {
		for _, x := range p.Stories {
			out = append(out, x.ID)
		}
		return out
	}
	if !slices.Equal(ids(p1), []string{"act-up-and-the-fda", "b-story"}) || !p1.HasMore || p1.Total != 3 ||
		!slices.Equal(ids(p2), []string{"c-story"}) || p2.HasMore {
		t.Errorf("pages %v (more %v, total %d) and %v (more %v)", ids(p1), p1.HasMore, p1.Total, ids(p2), p2.HasMore)
	}
	_, err = s.Stories(ctx, graph.StoryQuery{Limit: graph.MaxPageSize + 1})
	WantCode(t, err, graph.EINVALID)

	// Delete.
	if err := s.DeleteStory(ctx, "b-story", Actor); err != nil {
		t.Fatal(err)
	}
	WantCode(t, s.DeleteStory(ctx, "b-story", Actor), graph.ENOTFOUND)
	WantCode(t, s.DeleteStory(ctx, "c-story", ""), graph.EINVALID)

	// The audit log names every story mutation.
	var actions []string
	for _, c := range try(s.Changes(ctx, 0, 100)).must(t) {
		if c.TargetID == "act-up-and-the-fda" || c.TargetID == "b-story" {
			actions = append(actions, c.Action)
		}
	}
	want := []string{graph.ActionDeleteStory, graph.ActionUpsertStory, graph.ActionUpsertStory, graph.ActionAcceptStoryStep,
		graph.ActionUpsertStory, graph.ActionUpsertStory}
	if !slices.Equal(actions, want) {
		t.Errorf("audit actions %v, want %v", actions, want)
	}
}

func testStoriesImport(t *testing.T, s graph.Store) {
	d := Fixture()
	d.Stories = []*graph.Story{StoryFixture("imported")}
	MustImport(t, s, d)
	got := try(s.Story(ctx, "imported")).must(t)
	if got.Stale || got.Version != 1 || got.CreatedAt.IsZero() {
		t.Fatalf("imported story: stale steps %v, version %d, created %v", staleSteps(got), got.Version, got.CreatedAt)
	}
	// Importing again keeps the story and its recorded state; a changed
	// fact in a new import makes only the steps citing it stale.
	d2 := Fixture()
	for _, r := range d2.Relationships {
		if graph.RelationshipID(r.From, r.Type, r.To, r.Year) == relPartner {
			r.Summary = "Macmillan and NHS England agreed to work together."
		}
	}
	d2.Stories = []*graph.Story{got}
	MustImport(t, s, d2)
	if got = try(s.Story(ctx, "imported")).must(t); !slices.Equal(staleSteps(got), []int{2}) {
		t.Errorf("after re-import with a changed fact: stale steps %v, want [2]", staleSteps(got))
	}

	// A story citing what neither the dataset nor the store holds is refused
	// with everything else in the import.
	bad := Fixture()
	bad.Name = "bad-stories"
	x := StoryFixture("bad")
	x.Steps[0].CitedNodes = []string{"nowhere"}
	x.Steps[1].CitedRelationships = []string{"act-up:LED:nowhere"}
	bad.Stories = []*graph.Story{x}
	before := Dump(t, s)
	err := s.Import(ctx, bad, Actor)
	WantCode(t, err, graph.EINVALID)
	if n := len(graph.ErrorProblems(err)); n < 2 {
		t.Errorf("import reported %d problems, want both citations: %v", n, graph.ErrorProblems(err))
	}
	SameDump(t, Dump(t, s), before)
	if _, err := s.Story(ctx, "bad"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("the refused import stored its story: %v", err)
	}
}
