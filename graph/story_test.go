package graph

import (
	"strings"
	"testing"
	"time"
)

func TestFingerprint(t *testing.T) {
	y := 1988
	a := &Node{ID: "act-up", Kind: KindOrganisation, Name: "ACT UP", SourceIDs: []string{"s"}}
	b := *a
	b.Aliases = []string{} // empty and nil lists are the same record
	if Fingerprint(a) != Fingerprint(&b) {
		t.Error("empty and nil aliases fingerprint differently")
	}
	for name, change := range map[string]func(n *Node){
		"summary": func(n *Node) { n.Summary = "x" },
		"year":    func(n *Node) { n.Year = &y },
		"sources": func(n *Node) { n.SourceIDs = []string{"s", "t"} },
		"alias":   func(n *Node) { n.Aliases = []string{"AIDS Coalition"} },
	} {
		c := *a
		change(&c)
		if Fingerprint(&c) == Fingerprint(a) {
			t.Errorf("changing %s keeps the fingerprint", name)
		}
	}
	r := &Relationship{ID: "a:LED:b", Type: RelLed, From: "a", To: "b", SourceIDs: []string{"s"}}
	r2 := *r
	r2.TensionIDs = []string{"co-option"}
	if Fingerprint(r) == Fingerprint(&r2) || !strings.HasPrefix(Fingerprint(r), "v1:") {
		t.Errorf("relationship fingerprints: %s %s", Fingerprint(r), Fingerprint(&r2))
	}
}

// IsDisputed follows the dispute fields by their JSON names, so it works
// with whatever record type carries them.
func TestIsDisputed(t *testing.T) {
	type rec struct {
		ID       string `json:"id"`
		Status   string `json:"status,omitempty"`
		Disputes []any  `json:"disputes,omitempty"`
	}
	for _, tc := range []struct {
		r    any
		want bool
	}{
		{&Node{ID: "x", Summary: "a disputed claim"}, false},
		{&rec{ID: "x", Status: "ASSERTED"}, false},
		{&rec{ID: "x", Status: "DISPUTED"}, true},
		{&rec{ID: "x", Disputes: []any{map[string]string{"claim": "c"}}}, true},
		{&rec{ID: "x", Disputes: []any{}}, false},
	} {
		if got := IsDisputed(tc.r); got != tc.want {
			t.Errorf("IsDisputed(%+v) = %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestCheckStory(t *testing.T) {
	n := &Node{ID: "act-up", Kind: KindOrganisation, Name: "ACT UP", SourceIDs: []string{"s"}}
	r := &Relationship{ID: "act-up:CHALLENGED:fda", Type: RelChallenged, From: "act-up", To: "fda", SourceIDs: []string{"s"}}
	fda := &Node{ID: "fda", Kind: KindInstitution, Name: "FDA", SourceIDs: []string{"s"}}
	recs := Records{Nodes: map[string]*Node{"act-up": n, "fda": fda}, Relationships: map[string]*Relationship{r.ID: r}}
	s := &Story{ID: "s", Title: "T", Author: "A", Steps: []*StoryStep{
		{View: StoryView{Seeds: []string{"act-up"}}, Caption: "one", CitedNodes: []string{"act-up"}},
		{View: StoryView{Seeds: []string{"fda"}}, Caption: "two", CitedRelationships: []string{r.ID}},
	}}
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	if err := PrepareStory(s, nil, recs, now); err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || !s.CreatedAt.Equal(now.Truncate(time.Millisecond)) {
		t.Errorf("prepared: version %d created %v", s.Version, s.CreatedAt)
	}
	CheckStory(s, recs)
	if s.Stale {
		t.Fatal("fresh story is stale")
	}
	r2 := *r
	r2.Summary = "changed"
	recs.Relationships[r.ID] = &r2
	CheckStory(s, recs)
	if !s.Stale || s.Steps[0].Stale || !s.Steps[1].Stale || s.Steps[1].Changes[0].What != StoryChanged {
		t.Errorf("after a change: %+v %+v", s.Steps[0], s.Steps[1])
	}
	delete(recs.Relationships, r.ID)
	CheckStory(s, recs)
	if c := s.Steps[1].Changes; len(c) != 1 || c[0].What != StoryDeleted || c[0].Now != "" {
		t.Errorf("after a delete: %+v", c)
	}
	if err := AcceptStep(s, 1, recs, now); ErrorCode(err) != EINVALID {
		t.Errorf("accepting a step whose citation is gone: %v", err)
	}
	recs.Relationships[r.ID] = &r2
	if err := AcceptStep(s, 1, recs, now); err != nil {
		t.Fatal(err)
	}
	CheckStory(s, recs)
	if s.Stale || s.Version != 2 {
		t.Errorf("after accepting: stale %v version %d", s.Stale, s.Version)
	}
}

// A story read back from an export may name records deleted after its
// steps were written, but only those a step recorded; the rules for a
// story being written stay strict.
func TestCheckImportReferences(t *testing.T) {
	s := &Story{ID: "s", Title: "S", Author: "a", Steps: []*StoryStep{
		{Caption: "c", View: StoryView{Seeds: []string{"gone"}}, CitedNodes: []string{"gone"}, CitedRelationships: []string{"x:LED:gone"},
			Recorded: []CitedState{{ID: "gone", Target: CitedNode, Hash: "v1:0"}, {ID: "x:LED:gone", Target: CitedRelationship, Hash: "v1:1"}}},
		{Caption: "d", View: StoryView{Seeds: []string{"gone"}}, CitedNodes: []string{"here"}},
	}}
	recs := Records{Nodes: map[string]*Node{"here": {ID: "here"}}, Relationships: map[string]*Relationship{}}
	got := s.CheckImportReferences(recs)
	if len(got) != 1 || !strings.Contains(got[0], `steps[1]: seed "gone" does not exist`) {
		t.Errorf("import: %v, want only the seed of the step that recorded nothing about it", got)
	}
	if strict := s.CheckReferences(recs); len(strict) != 4 {
		t.Errorf("write: %v, want 4 problems", strict)
	}
}

// CuratedMark follows what an author writes, not what the store sets.
func TestCuratedMark(t *testing.T) {
	s := &Story{ID: "s", Title: "S", Author: "a", Steps: []*StoryStep{{Caption: "c", View: StoryView{Seeds: []string{"n"}}, CitedNodes: []string{"n"}}}}
	m := s.CuratedMark()
	c := CloneStory(s)
	c.Version, c.UpdatedAt, c.Curated = 7, time.Now(), "x"
	c.Steps[0].Recorded = []CitedState{{ID: "n", Target: CitedNode, Hash: "v1:2"}}
	if c.CuratedMark() != m || !strings.HasPrefix(m, "c1:") {
		t.Errorf("version, time, recorded state or the mark changed the mark: %s vs %s", c.CuratedMark(), m)
	}
	c.Steps[0].Caption = "changed"
	if c.CuratedMark() == m {
		t.Error("a changed caption keeps the mark")
	}
}
