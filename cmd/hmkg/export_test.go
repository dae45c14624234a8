package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/data"
)

// loadedDataDir is an embedded store directory holding the curated data,
// loaded with `hmkg load`.
func loadedDataDir(t *testing.T) (dir string, getenv func(string) string) {
	t.Helper()
	dir = t.TempDir()
	file := filepath.Join(t.TempDir(), "curated.json")
	if err := os.WriteFile(file, data.CuratedJSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv = func(k string) string {
		return map[string]string{"HMKG_STORE": "embedded", "HMKG_DATA_DIR": dir, "HMKG_LOG_LEVEL": "warn"}[k]
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"load", file}, getenv, &stdout, &stderr); err != nil {
		t.Fatalf("load: %v\n%s", err, stderr.String())
	}
	return dir, getenv
}

func TestExportCommand(t *testing.T) {
	_, getenv := loadedDataDir(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out.gexf")
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"export", "--format", "GEXF", "--seed", "act-up", "--depth", "2", "--type", "CHALLENGED,PART_OF", "--kind", "movement", "--kind", "institution,organisation", "--as-of", "2000", "-o", out}, getenv, &stdout, &stderr)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`<gexf xmlns="http://gexf.net/1.3"`)) || !bytes.Contains(b, []byte(`<node id="act-up"`)) ||
		!bytes.Contains(b, []byte(`&quot;asOf&quot;:2000`)) || !bytes.Contains(b, []byte(`&quot;types&quot;:[&quot;CHALLENGED&quot;,&quot;PART_OF&quot;]`)) {
		t.Errorf("not the expected GEXF:\n%.2000s", b)
	}
	if !strings.Contains(stderr.String(), "exported ") || !strings.Contains(stderr.String(), "as GEXF to "+out) {
		t.Errorf("stderr = %q", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing with -o", stdout.String())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// The whole graph to standard output.
	stdout.Reset()
	stderr.Reset()
	if err := run(ctx, []string{"export", "--format", "json", "--all"}, getenv, &stdout, &stderr); err != nil {
		t.Fatalf("export --all: %v\n%s", err, stderr.String())
	}
	var doc struct {
		Nodes []json.RawMessage
		Edges []json.RawMessage
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	d, _ := data.Curated()
	if len(doc.Nodes) != len(d.Nodes) || len(doc.Edges) != len(d.Relationships) {
		t.Errorf("--all exported %d nodes, %d relationships; the dataset has %d, %d", len(doc.Nodes), len(doc.Edges), len(d.Nodes), len(d.Relationships))
	}
}

func TestExportCommandErrors(t *testing.T) {
	_, getenv := loadedDataDir(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "json"}, "give --seed"},
		{[]string{"--format", "json", "--seed", "act-up", "--all"}, "exclude each other"},
		{[]string{"--format", "dot", "--all"}, "json, graphml, gexf, csv, cypher"},
		{[]string{"--format", "json", "--seed", "act-up", "--depth", "7"}, "depth 7"},
		{[]string{"--format", "json", "--seed", "act-up", "--type", "LIKED"}, "LIKED"},
		{[]string{"--format", "json", "--seed", "no-such-node"}, "no-such-node"},
		{[]string{"--format", "json", "--all", "--max-nodes", "10"}, "export cap of 10"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"export", "-o", out}, tc.args...), getenv, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("%v: left %v behind", tc.args, entries[0].Name())
		}
	}
}

// TestServeMountsExport downloads an export from a running hmkg serve.
func TestServeMountsExport(t *testing.T) {
	s := startServer(t, t.TempDir())
	resp, err := http.Get(s.url + "/export?format=cypher&seed=act-up&depth=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != `attachment; filename="hmkg-act-up-d1.cypher"` ||
		!strings.Contains(body.String(), "CREATE (:Node:Organisation {id: 'act-up'") {
		t.Fatalf("GET /export: %d %v\n%.500s", resp.StatusCode, resp.Header, body.String())
	}
	if code, msg := s.get(t, "/export?format=cypher&seed=nobody"); code != http.StatusNotFound || !strings.Contains(msg, "NOT_FOUND") {
		t.Errorf("unknown seed: %d %s", code, msg)
	}
}
