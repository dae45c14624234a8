package loader_test

import (
	"context"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/loader"
)

const disputedBase = `{"name": "d",
 "sources": [{"id": "s1", "title": "One", "url": "https://example.org/1", "kind": "primary"},
  {"id": "s2", "title": "Two", "url": "https://example.org/2", "kind": "MIRROR"},
  {"id": "s3", "title": "Three", "url": "https://example.org/3"}],
 "nodes": [{"id": "a", "kind": "ORGANISATION", "name": "A", "sources": ["s1"]},
  {"id": "b", "kind": "INSTITUTION", "name": "B", "sources": ["s1"]}],
 "relationships": [{"from": "a", "type": "CHALLENGED", "to": "b", "year": 1990, "status": "DISPUTED", "sources": ["s1"]}],
`

// TestDisputesLoad: a disputes section is attached to the records it is
// about, and source kinds are read.
func TestDisputesLoad(t *testing.T) {
	f := write(t, "ok.json", disputedBase+` "disputes": [
  {"about": "a:CHALLENGED:b:1990", "aboutKind": "relationship", "claim": "Whether A challenged B",
   "positions": [{"says": "It did", "sourceIds": ["s1"]}, {"says": "It did not", "sourceIds": ["s2", "s3"]}], "note": "n"},
  {"about": "a", "claim": "When A began",
   "positions": [{"says": "1990", "sourceIds": ["s1"]}, {"says": "1991", "sourceIds": ["s3"]}]}]}`)
	s := memstore.New()
	defer s.Close()
	ctx := context.Background()
	if _, err := loader.Load(ctx, s, []string{f}, loader.Options{}); err != nil {
		t.Fatalf("load: %v %v", err, graph.ErrorProblems(err))
	}
	r, err := s.Relationship(ctx, "a:CHALLENGED:b:1990")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != graph.StatusDisputed || len(r.Disputes) != 1 || r.Disputes[0].Positions[1].SourceIDs[1] != "s3" {
		t.Errorf("relationship: status %q, disputes %+v", r.Status, r.Disputes)
	}
	n, err := s.Node(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Disputes) != 1 || n.Disputes[0].Claim != "When A began" {
		t.Errorf("node disputes %+v", n.Disputes)
	}
	srcs, err := s.SourcesByID(ctx, []string{"s1", "s2", "s3"})
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].Kind != graph.SourcePrimary || srcs[1].Kind != graph.SourceMirror || srcs[2].Kind != "" {
		t.Errorf("kinds %q %q %q", srcs[0].Kind, srcs[1].Kind, srcs[2].Kind)
	}
}

// TestDisputesProblems: every problem of the disputes section is listed,
// each at its record.
func TestDisputesProblems(t *testing.T) {
	f := write(t, "bad.json", disputedBase+` "disputes": [
  {"about": "nowhere", "claim": "x", "positions": [{"says": "p", "sourceIds": ["s1"]}, {"says": "q", "sourceIds": ["s1"]}]},
  {"about": "a", "claim": "one-sided", "positions": [{"says": "p", "sourceIds": ["s1"]}]},
  {"about": "b", "claim": "uncited", "positions": [{"says": "p", "sourceIds": ["s1"]}, {"says": "q", "sourceIds": ["s9"]}]},
  {"about": "b", "aboutKind": "relationship", "claim": "wrong kind", "positions": [{"says": "p", "sourceIds": ["s1"]}, {"says": "q", "sourceIds": ["s1"]}]}]}`)
	got := problemsOf(t, f)
	wantProblems(t, got,
		`bad.json:9:3: disputes[0]: about "nowhere" names no node or relationship of this dataset`,
		`dispute "one-sided" has 1 position(s), want at least 2`,
		`dispute "uncited" cites unknown source "s9"`,
		`disputes[3]: about "b" names no relationship of this dataset`,
	)
	schema := write(t, "schema.json", disputedBase+` "disputes": [{"about": "a", "claim": "c", "origin": "notes", "positions": []}]}`)
	wantProblems(t, problemsOf(t, schema), `schema.json:8:44: disputes[0]: unknown field "origin"`)
	bad := write(t, "badrel.json", `{"sources": [{"id": "s1", "title": "One", "url": "https://example.org/1", "kind": "blog"}],
 "nodes": [{"id": "a", "kind": "ORGANISATION", "name": "A", "sources": ["s1"]},
  {"id": "b", "kind": "INSTITUTION", "name": "B", "sources": ["s1"]}],
 "relationships": [{"from": "a", "type": "CHALLENGED", "to": "b", "status": "DISPUTED", "sources": ["s1"]},
  {"from": "b", "type": "CHALLENGED", "to": "a", "status": "MAYBE", "sources": ["s1"]}]}`)
	wantProblems(t, problemsOf(t, bad),
		`unknown source kind "BLOG"`,
		`status DISPUTED needs at least one dispute`,
		`unknown status "MAYBE"`,
	)
}
