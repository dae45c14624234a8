package loader_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
	"github.com/hmkg/hmkg/loader"
)

// stores runs f on an embedded store and, when NEO4J_URI is set, on an
// empty Neo4j store.
func stores(t *testing.T, f func(t *testing.T, s graph.Store)) {
	t.Run("embedded", func(t *testing.T) {
		s := memstore.New()
		t.Cleanup(func() { s.Close() })
		f(t, s)
	})
	t.Run("neo4j", func(t *testing.T) {
		s := neo4jtest.Open(t)
		if s == nil {
			t.Skip("NEO4J_URI not set")
		}
		f(t, s)
	})
}

const kumuMap = `{"elements":[{"id":"clinic-defence","label":"Clinic Defence","type":"MOVEMENT"}],
 "connections":[{"from":"clinic-defence","to":"movement-a","type":"INSPIRED","year":1995}]}`

var mapOpts = loader.MapOptions{SourceID: "kumu-map", SourceTitle: "A Kumu map", SourceURL: "https://kumu.io/x/map"}

// TestDatasetNameIsKept: loading a file keeps the store's dataset name
// and version; only a store without a name takes the file's declared one;
// --dataset-name renames; a map load keeps the name too.
func TestDatasetNameIsKept(t *testing.T) {
	stores(t, func(t *testing.T, s graph.Store) {
		ctx := context.Background()
		name := func() (string, string) {
			t.Helper()
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return st.DatasetName, st.DatasetVersion
		}
		load := func(opts loader.Options, files ...string) {
			t.Helper()
			if _, err := loader.Load(ctx, s, files, opts); err != nil {
				t.Fatalf("load %v: %v", files, err)
			}
		}
		unnamed := write(t, "sources.json", sourcesFile)
		named := write(t, "nodes.json", nodesFile) // declares "split", version "2"
		other := write(t, "other.json", `{"name":"other","version":"9","sources":[{"id":"src-b","title":"B","url":"https://example.org/b"}]}`)
		steps := []struct {
			opts       loader.Options
			files      []string
			name, vers string
		}{
			{loader.Options{}, []string{unnamed}, "sources", ""},                                   // an unnamed store and file: the file's base name
			{loader.Options{}, []string{named}, "sources", ""},                                     // a named store keeps its name
			{loader.Options{DatasetName: "health"}, []string{named}, "health", "2"},                // renamed on request; the file's version
			{loader.Options{}, []string{other}, "health", "2"},                                     // kept again
			{loader.Options{Map: mapOpts}, []string{write(t, "map.json", kumuMap)}, "health", "2"}, // a map load keeps it too
		}
		for i, st := range steps {
			load(st.opts, st.files...)
			if n, v := name(); n != st.name || v != st.vers {
				t.Errorf("step %d: dataset %q version %q, want %q %q", i, n, v, st.name, st.vers)
			}
		}
	})
	t.Run("declared name into an unnamed store", func(t *testing.T) {
		s := memstore.New()
		defer s.Close()
		ctx := context.Background()
		// The first file names an unnamed store's dataset.
		files := []string{write(t, "nodes.json", nodesFile), write(t, "sources.json", sourcesFile)}
		if _, err := loader.Load(ctx, s, files, loader.Options{}); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.Stats(ctx); st.DatasetName != "split" || st.DatasetVersion != "2" {
			t.Errorf("dataset %q %q, want the declared split 2", st.DatasetName, st.DatasetVersion)
		}
	})
}

// TestRelationshipIDsAreValidated: an id given in a dataset must be a slug
// or the from:TYPE:to[:year] form; derived ids need no check of their own.
func TestRelationshipIDsAreValidated(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	bad := write(t, "rels.json", `{"sources":[{"id":"src-a","title":"A","url":"https://example.org/a"}],
 "nodes":[{"id":"a","kind":"EVENT","name":"A","sources":["src-a"]},{"id":"b","kind":"EVENT","name":"B","sources":["src-a"]}],
 "relationships":[
  {"id":"a:INSPIRED:b","type":"INSPIRED","from":"a","to":"b","sources":["src-a"]},
  {"id":"my-own-id","type":"PART_OF","from":"a","to":"b","sources":["src-a"]},
  {"id":"../etc/passwd","type":"LED","from":"a","to":"b","sources":["src-a"]},
  {"id":"Has Spaces","type":"TARGETED","from":"a","to":"b","sources":["src-a"]},
  {"id":"`+strings.Repeat("x", 400)+`","type":"FOUNDED","from":"a","to":"b","sources":["src-a"]}]}`)
	_, err := loader.Load(context.Background(), s, []string{bad}, loader.Options{})
	ps := graph.ErrorProblems(err)
	wantProblems(t, ps,
		`rels.json:6:3: relationships[2] "../etc/passwd": relationship id "../etc/passwd" is not valid`,
		`rels.json:7:3: relationships[3] "Has Spaces": relationship id "Has Spaces" is not valid`,
		`rels.json:8:3: relationships[4]`)
	if len(ps) != 3 {
		t.Errorf("%d problems, want 3 (the well-formed ids pass):\n%s", len(ps), strings.Join(ps, "\n"))
	}
	for _, p := range ps {
		if len(p) > 400 {
			t.Errorf("a problem quotes the whole 400-byte id: %.100s…", p)
		}
	}
}

// closedNeo4j is a real Neo4j store pointed at a port nobody listens on:
// every call fails as it does when Neo4j is down.
func closedNeo4j(t *testing.T) *neo4jstore.Store {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := neo4jstore.New(neo4jstore.Config{URI: "bolt://" + addr, Username: "neo4j", Password: "x",
		ConnectTimeout: 500 * time.Millisecond, RetryTime: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStoreDownIsUnavailable loads a map and a dataset into a Neo4j that
// is not there: the load fails with the store's UNAVAILABLE error and its
// cause, not with validation problems (a map that names an existing node
// used to read "unknown node" when the lookup failed).
func TestStoreDownIsUnavailable(t *testing.T) {
	s := closedNeo4j(t)
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		files []string
		opts  loader.Options
	}{
		{"map", []string{write(t, "map.json", kumuMap)}, loader.Options{Map: mapOpts}},
		{"dataset", []string{write(t, "sources.json", sourcesFile), write(t, "nodes.json", nodesFile)}, loader.Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := loader.Load(ctx, s, c.files, c.opts)
			if code := graph.ErrorCode(err); code != graph.EUNAVAILABLE {
				t.Fatalf("load into a Neo4j that is down: code %q, want %q: %v", code, graph.EUNAVAILABLE, err)
			}
			if ps := graph.ErrorProblems(err); len(ps) > 0 || strings.Contains(err.Error(), "unknown") {
				t.Errorf("a store failure reads as validation problems: %v %q", err, ps)
			}
			if msg := strings.ToLower(err.Error()); !strings.Contains(msg, "unavailable") || !strings.Contains(msg, "connect") {
				t.Errorf("the error does not say what failed and why: %v", err)
			}
			t.Logf("%s load failed in %v: %v", c.name, time.Since(start).Round(time.Millisecond), err)
		})
	}
}
