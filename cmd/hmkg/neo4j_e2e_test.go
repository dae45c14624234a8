package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph/neo4jstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
)

// challengedQuery is README's curl example (a shell block, so
// readmeExamples does not see it).
const challengedQuery = `{ node(id: "aids-movement") { name ... on Movement { challenged { id name sources { title url } } } } }`

// TestNeo4jServeMatchesEmbedded runs `hmkg serve --store neo4j` on an empty
// Neo4j (which it seeds with the curated data) beside the embedded store and
// checks that README's example queries get the same answers from both.
func TestNeo4jServeMatchesEmbedded(t *testing.T) {
	cfg, ok := neo4jtest.Config(t)
	if !ok {
		t.Skip("NEO4J_URI not set")
	}
	neo4jtest.Lock(t, cfg.URI)
	neo4jtest.Wipe(t, cfg)
	neo := startServer(t, t.TempDir(), "HMKG_STORE=neo4j", "NEO4J_URI="+cfg.URI, "NEO4J_USERNAME="+cfg.Username,
		"NEO4J_PASSWORD="+cfg.Password, "NEO4J_DATABASE="+cfg.Database)
	emb := startServer(t, t.TempDir())
	for i, q := range append(readmeExamples(t), challengedQuery) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			a, b := emb.gql(t, q, nil, ""), neo.gql(t, q, nil, "")
			if len(a.Errors) > 0 || len(b.Errors) > 0 {
				t.Fatalf("errors: embedded %+v, neo4j %+v", a.Errors, b.Errors)
			}
			if !reflect.DeepEqual(a.Data, b.Data) {
				ja, _ := json.MarshalIndent(a.Data, "", " ")
				jb, _ := json.MarshalIndent(b.Data, "", " ")
				t.Errorf("answers differ:\nembedded: %s\nneo4j:    %s", ja, jb)
			}
		})
	}
}

// TestLoadIntoNeo4j runs `hmkg load --store neo4j` twice (idempotent) and
// once with a broken file (atomic: nothing changes).
func TestLoadIntoNeo4j(t *testing.T) {
	cfg, ok := neo4jtest.Config(t)
	if !ok {
		t.Skip("NEO4J_URI not set")
	}
	neo4jtest.Lock(t, cfg.URI)
	neo4jtest.Wipe(t, cfg)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"name":"mini","version":"1","sources":[{"id":"src-a","title":"A","url":"https://example.org/a"}],
		"nodes":[{"id":"group-a","kind":"ORGANISATION","name":"Group A","sources":["src-a"]},
		         {"id":"group-b","kind":"ORGANISATION","name":"Group B","sources":["src-a"]}],
		"relationships":[{"type":"PARTNERED_WITH","from":"group-a","to":"group-b","year":1999,"sources":["src-a"]}]}`), 0o644)
	os.WriteFile(bad, []byte(`{"sources":[],"nodes":[{"id":"group-c","kind":"ORGANISATION","name":"C","sources":["src-a"]}],
		"relationships":[{"type":"PARTNERED_WITH","from":"group-c","to":"ghost","sources":["src-a"]}]}`), 0o644)
	load := func(files ...string) (string, error) {
		cmd := exec.Command(binary, append([]string{"load", "--store", "neo4j"}, files...)...)
		cmd.Env = append(os.Environ(), "NEO4J_URI="+cfg.URI, "NEO4J_USERNAME="+cfg.Username,
			"NEO4J_PASSWORD="+cfg.Password, "NEO4J_DATABASE="+cfg.Database)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for range 2 {
		if out, err := load(good); err != nil {
			t.Fatalf("load: %v\n%s", err, out)
		}
	}
	if out, err := load(bad); err == nil || !strings.Contains(out, `unknown node "ghost"`) {
		t.Fatalf("broken load: %v\n%s", err, out)
	}
	s, err := neo4jstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != 2 || st.Relationships != 1 || st.Sources != 1 {
		t.Errorf("after two good loads and a bad one: %d nodes, %d relationships, %d sources; want 2, 1, 1",
			st.Nodes, st.Relationships, st.Sources)
	}
}
