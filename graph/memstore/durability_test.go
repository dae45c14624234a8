package memstore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

const helperEnv = "HMKG_MEMSTORE_HELPER_DIR"

// TestHelperProcess is the child of TestKill9: it writes to the store in
// the directory named by the environment and prints "ack <id>" after each
// acknowledged write, until it is killed. Run directly it does nothing.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestKill9")
	}
	ctx := context.Background()
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	src := &graph.Source{ID: "src-durable", Title: "Durability", URL: "https://example.org/durable"}
	if err := s.UpsertSource(ctx, src, "child"); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("durable-%d", i)
		if err := s.UpsertNode(ctx, &graph.Node{ID: id, Kind: graph.KindEvent, Name: "Durable " + id,
			SourceIDs: []string{src.ID}}, "child"); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		if i > 0 {
			r := &graph.Relationship{From: id, Type: graph.RelInspired, To: fmt.Sprintf("durable-%d", i-1), SourceIDs: []string{src.ID}}
			if err := s.UpsertRelationship(ctx, r, "child"); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
		}
		fmt.Println("ack", id)
	}
}

// TestKill9 proves that an acknowledged write survives SIGKILL: a child
// process writes and acknowledges, the parent kills it mid-stream, reopens
// the store and finds every acknowledged record, with a consistent graph.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 40 {
		line := sc.Text()
		if id, ok := strings.CutPrefix(line, "ack "); ok {
			acked = append(acked, id)
		} else if strings.HasPrefix(line, "error") {
			t.Fatalf("child: %s", line)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < 40 {
		t.Fatalf("child acknowledged only %d writes before its output ended", len(acked))
	}

	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	for i, id := range acked {
		if _, err := s.Node(ctx, id); err != nil {
			t.Errorf("acknowledged node %s lost: %v", id, err)
		}
		if i > 0 {
			rid := graph.RelationshipID(id, graph.RelInspired, acked[i-1], nil)
			if _, err := s.Relationship(ctx, rid); err != nil {
				t.Errorf("acknowledged relationship %s lost: %v", rid, err)
			}
		}
	}
	// Consistency: every relationship's endpoints exist, counts agree, and
	// every stored write has its audit entry.
	d := storetest.Dump(t, s)
	st, _ := s.Stats(ctx)
	if st.Nodes != len(d.Nodes) || st.Relationships != len(d.Relationships) {
		t.Errorf("stats %d/%d disagree with dump %d/%d", st.Nodes, st.Relationships, len(d.Nodes), len(d.Relationships))
	}
	// The kill may fall between a node and its relationship, never elsewhere.
	if r, n := len(d.Relationships), len(d.Nodes); r != n-1 && r != n-2 {
		t.Errorf("%d nodes but %d relationships; the chain is broken", n, r)
	}
	for _, r := range d.Relationships {
		if _, err := s.Node(ctx, r.From); err != nil {
			t.Errorf("relationship %s: %v", r.ID, err)
		}
	}
	if want := 1 + len(d.Nodes) + len(d.Relationships); st.AuditEntriesCount != want {
		t.Errorf("%d audit entries, want %d (one per write)", st.AuditEntriesCount, want)
	}
}
