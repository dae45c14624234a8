package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the hmkg binary built once for the tests that run it as a
// real child process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hmkg-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "hmkg")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build hmkg: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const e2eKey = "e2e-key-0123456789abcdef"

// server is a running `hmkg serve` child process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	logs *syncBuffer
}

// startServer runs hmkg serve on 127.0.0.1:0 with the given data dir and
// waits for its "listening" log line.
func startServer(t *testing.T, dataDir string, extraEnv ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "HMKG_ADDR=127.0.0.1:0", "HMKG_DATA_DIR="+dataDir, "HMKG_LOG_FORMAT=json",
		"HMKG_STORE=embedded", "HMKG_API_KEYS=e2e:"+e2eKey)
	cmd.Env = append(cmd.Env, extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1), logs: &syncBuffer{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Bytes()
			s.logs.Write(append(line, '\n'))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case a := <-addr:
		s.url = "http://" + a
	case err := <-s.done:
		t.Fatalf("hmkg serve exited before listening: %v\n%s", err, s.logs)
	case <-time.After(3 * time.Minute):
		// A bound on a hang, not a measure: seeding an empty Neo4j on a
		// busy machine takes a while.
		t.Fatalf("hmkg serve did not start listening\n%s", s.logs)
	}
	return s
}

type result struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string
		Extensions map[string]any
	} `json:"errors"`
}

func (s *server) gql(t *testing.T, query string, vars map[string]any, key string) result {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	var r result
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return r
}

func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeEndToEnd(t *testing.T) {
	s := startServer(t, t.TempDir())
	for _, p := range []string{"/healthz", "/readyz", "/graphiql"} {
		if code, body := s.get(t, p); code != http.StatusOK {
			t.Errorf("GET %s: %d %s", p, code, body)
		}
	}
	r := s.gql(t, `{ stats { datasetName nodeCount relationshipCount } node(id: "act-up") { name sources { url } } }`, nil, "")
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	st := r.Data["stats"].(map[string]any)
	if st["datasetName"] != "health-movements" || st["nodeCount"].(float64) < 300 || st["relationshipCount"].(float64) < 500 {
		t.Errorf("a fresh data dir did not start with the curated graph: %v", st)
	}
	if srcs := r.Data["node"].(map[string]any)["sources"].([]any); len(srcs) == 0 {
		t.Error("act-up has no sources")
	}

	// Graceful shutdown on SIGTERM.
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, s.logs)
		}
		if !strings.Contains(s.logs.String(), `"msg":"stopped"`) {
			t.Errorf("no clean stop in the logs:\n%s", s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop within 30s of SIGTERM")
	}
}

// TestAcknowledgedMutationsSurviveKill9 kills the real server process with
// SIGKILL right after its mutations were acknowledged, restarts it on the
// same data directory and checks that every acknowledged write is there.
func TestAcknowledgedMutationsSurviveKill9(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	var acked []string
	for i := range 20 {
		id := fmt.Sprintf("durable-group-%d", i)
		r := s.gql(t, `mutation($in: NodeInput!) { upsertNode(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"id": id, "kind": "ORGANISATION", "name": fmt.Sprintf("Durable Group %d", i), "sourceIds": []string{"nesta-blog-2016"},
		}}, e2eKey)
		if len(r.Errors) > 0 {
			t.Fatalf("upsert %s: %+v", id, r.Errors)
		}
		acked = append(acked, id)
		if i > 0 {
			r = s.gql(t, `mutation($in: RelationshipInput!) { upsertRelationship(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"type": "PARTNERED_WITH", "from": id, "to": acked[i-1], "sourceIds": []string{"nesta-blog-2016"},
			}}, e2eKey)
			if len(r.Errors) > 0 {
				t.Fatalf("upsert relationship: %+v", r.Errors)
			}
		}
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done

	s2 := startServer(t, dir)
	for i, id := range acked {
		r := s2.gql(t, `query($id: ID!) { node(id: $id) { id degree } }`, map[string]any{"id": id}, "")
		if len(r.Errors) > 0 || r.Data["node"] == nil {
			t.Fatalf("acknowledged node %s lost after kill -9: %+v", id, r.Errors)
		}
		want := 2.0
		if i == 0 || i == len(acked)-1 {
			want = 1
		}
		if got := r.Data["node"].(map[string]any)["degree"].(float64); got != want {
			t.Errorf("%s has degree %v after restart, want %v", id, got, want)
		}
	}
	r := s2.gql(t, `{ changes(first: 100) { targetId } stats { nodeCount } }`, nil, "")
	if n := len(r.Data["changes"].([]any)); n < 2*len(acked)-1 {
		t.Errorf("audit log has %d entries after restart, want %d", n, 2*len(acked)-1)
	}
}

func TestLoadReportsEveryProblemAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	env := []string{"HMKG_DATA_DIR=" + dir, "HMKG_STORE=embedded"}
	good := filepath.Join(t.TempDir(), "good.json")
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(good, []byte(`{"name":"mini","version":"1","sources":[{"id":"src-a","title":"A","url":"https://example.org/a"}],
		"nodes":[{"id":"group-a","kind":"ORGANISATION","name":"Group A","sources":["src-a"]},
		         {"id":"group-b","kind":"ORGANISATION","name":"Group B","sources":["src-a"]}],
		"relationships":[{"type":"PARTNERED_WITH","from":"group-a","to":"group-b","year":1999,"sources":["src-a"]}]}`), 0o644)
	os.WriteFile(bad, []byte(`{"sources":[],"nodes":[{"id":"Bad Id","kind":"PLANET","name":"","sources":["nowhere"]},
		{"id":"group-c","kind":"EVENT","name":"C","year":3050,"sources":["src-a"]}],
		"relationships":[{"type":"LIKES","from":"group-a","to":"ghost","sources":[]}]}`), 0o644)

	runCmd := func(args ...string) (string, error) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := runCmd("load", good); err != nil {
		t.Fatalf("load good file: %v\n%s", err, out)
	}
	out, err := runCmd("load", good, bad)
	if err == nil {
		t.Fatalf("loading a broken file succeeded:\n%s", out)
	}
	for _, want := range []string{"bad.json:1:24: nodes[0]", "not a slug", `unknown kind "PLANET"`, "name is required",
		`unknown source "nowhere"`, "bad.json:2:3: nodes[1]", "3050", `unknown relationship type "LIKES"`, `unknown node "ghost"`,
		"at least one source", "nothing was imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("load output does not mention %q:\n%s", want, out)
		}
	}
	// Load twice more: same graph (idempotent), and the failed load wrote nothing.
	if out, err := runCmd("load", good); err != nil {
		t.Fatalf("reload: %v\n%s", err, out)
	}
	s := startServer(t, dir, "HMKG_SEED=false")
	r := s.gql(t, `{ stats { nodeCount relationshipCount sourceCount } }`, nil, "")
	st := r.Data["stats"].(map[string]any)
	if st["nodeCount"].(float64) != 2 || st["relationshipCount"].(float64) != 1 || st["sourceCount"].(float64) != 1 {
		t.Errorf("after good, bad, good loads: %v; want 2 nodes, 1 relationship, 1 source", st)
	}
}

func TestGenOutputLoads(t *testing.T) {
	f := filepath.Join(t.TempDir(), "synthetic.json")
	cmd := exec.Command(binary, "gen", "--nodes", "2000", "--avg-degree", "4", "--seed", "3", "-o", f)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	load := exec.Command(binary, "load", "--data-dir", t.TempDir(), f)
	out, err := load.CombinedOutput()
	if err != nil {
		t.Fatalf("load generated graph: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "2000 nodes, 4000 relationships") {
		t.Errorf("load output: %s", out)
	}
}
