package loader_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/loader"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const sourcesFile = `{"sources":[{"id":"src-a","title":"A","url":"https://example.org/a","year":2001}],"nodes":[],"relationships":[]}`

const nodesFile = `{"name":"split","version":"2","sources":[],
 "nodes":[{"id":"movement-a","kind":"MOVEMENT","name":"Movement A","startYear":1980,"sources":["src-a"]},
          {"id":"tension-a","kind":"TENSION","name":"Tension A","question":"Who decides?","sources":["src-a"]}],
 "relationships":[]}`

const relsFile = `{"sources":[],"nodes":[{"id":"group-a","kind":"ORGANISATION","name":"Group A","sources":["src-a"]}],
 "relationships":[{"type":"PART_OF","from":"group-a","to":"movement-a","year":1985,"tensions":["tension-a"],"sources":["src-a"]}]}`

// dump is everything a store holds, for before/after comparisons.
func dump(t *testing.T, s graph.Store) (*graph.NodePage, []*graph.Source, *graph.Stats) {
	t.Helper()
	ctx := context.Background()
	page, err := s.Nodes(ctx, graph.NodeQuery{Limit: graph.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.LastChangeAt, st.AuditEntriesCount = nil, 0
	return page, srcs, st
}

func TestLoadAcrossFiles(t *testing.T) {
	s := memstore.New()
	files := []string{write(t, "sources.json", sourcesFile), write(t, "nodes.json", nodesFile), write(t, "rels.json", relsFile)}
	res, err := loader.Load(context.Background(), s, files, loader.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if res.Nodes != 3 || res.Relationships != 1 || res.Sources != 1 {
		t.Fatalf("merged %d sources, %d nodes, %d relationships", res.Sources, res.Nodes, res.Relationships)
	}
	rels, err := s.Relationships(context.Background(), graph.RelQuery{NodeIDs: []string{"group-a"}, Direction: graph.DirectionOut})
	if err != nil || len(rels) != 1 || rels[0].ID != "group-a:PART_OF:movement-a:1985" {
		t.Fatalf("relationships of group-a = %v, %v", rels, err)
	}
	p1, s1, st1 := dump(t, s)
	if _, err := loader.Load(context.Background(), s, files, loader.Options{}); err != nil {
		t.Fatalf("second load: %v", err)
	}
	p2, s2, st2 := dump(t, s)
	if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(st1, st2) {
		t.Error("loading the same files twice changed the graph")
	}
}

func TestLoadReportsEveryProblemWithFileAndRecord(t *testing.T) {
	s := memstore.New()
	good := []string{write(t, "sources.json", sourcesFile), write(t, "nodes.json", nodesFile)}
	if _, err := loader.Load(context.Background(), s, good, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	before1, before2, before3 := dump(t, s)
	broken := write(t, "broken.json", `{"sources":[{"id":"src-a","title":"dup","url":"ftp://x"}],
	 "nodes":[{"id":"movement-a","kind":"MOVEMENT","name":"Dup","sources":["src-a"]},
	          {"id":"x","kind":"EVENT","name":"E","year":99,"sources":["src-a"]},
	          {"id":"t2","kind":"TENSION","name":"No question","sources":["src-a"]}],
	 "relationships":[{"type":"PART_OF","from":"x","to":"x","sources":["src-a"]},
	                  {"type":"INSPIRED","from":"x","to":"movement-a","tensions":["movement-a"],"sources":["missing"]}]}`)
	_, err := loader.Load(context.Background(), s, append(good, broken), loader.Options{})
	if graph.ErrorCode(err) != graph.EINVALID {
		t.Fatalf("load broken: %v", err)
	}
	problems := strings.Join(graph.ErrorProblems(err), "\n")
	for _, want := range []string{
		`broken.json:1:13: sources[0] "src-a": duplicate source id`,
		`broken.json:1:13: sources[0] "src-a": url "ftp://x" is not an absolute http(s) URL`,
		`broken.json:2:12: nodes[0] "movement-a": duplicate node id`,
		`broken.json:3:12: nodes[1] "x": year 99 is not plausible`,
		`broken.json:4:12: nodes[2] "t2": a tension needs its question`,
		`broken.json:5:20: relationships[0] "x:PART_OF:x": relationship from "x" to itself`,
		`broken.json:6:20: relationships[1] "x:INSPIRED:movement-a": tension "movement-a" is not a known tension node`,
		`broken.json:6:20: relationships[1] "x:INSPIRED:movement-a": unknown source "missing"`,
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems do not include %q; got:\n%s", want, problems)
		}
	}
	after1, after2, after3 := dump(t, s)
	if !reflect.DeepEqual(before1, after1) || !reflect.DeepEqual(before2, after2) || !reflect.DeepEqual(before3, after3) {
		t.Error("a failed load changed the store")
	}
}
