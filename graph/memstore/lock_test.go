package memstore_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
)

const holdEnv = "HMKG_MEMSTORE_TEST_HOLD"

// TestHelperHoldDataDir is not a test: run by TestOpenHeldByAnotherProcess
// as a second process, it opens the data directory named by holdEnv, says
// "held" and keeps it until its standard input closes.
func TestHelperHoldDataDir(t *testing.T) {
	dir := os.Getenv(holdEnv)
	if dir == "" {
		t.Skip("a helper process for TestOpenHeldByAnotherProcess")
	}
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("held")
	io.Copy(io.Discard, os.Stdin)
	s.Close()
}

func wantInUse(t *testing.T, err error, want ...string) {
	t.Helper()
	if code := graph.ErrorCode(err); code != graph.EUNAVAILABLE {
		t.Fatalf("open of a held data directory: %v, want %s", err, graph.EUNAVAILABLE)
	}
	msg := graph.ErrorMessage(err)
	t.Logf("message: %s", msg)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not contain %q", msg, w)
		}
	}
	if strings.Contains(msg, "timeout") {
		t.Errorf("message %q still says only timeout", msg)
	}
}

func holderPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, memstore.HolderFileName))
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ PID int }
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.PID
}

// TestOpenHeldByAnotherProcess holds a data directory in a second process
// and checks that opening it here names that process, and that once the
// holder is killed (leaving its record behind) the directory opens.
func TestOpenHeldByAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldDataDir$", "-test.count=1")
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "held\n" {
		t.Fatalf("helper process said %q, %v", line, err)
	}

	_, err = memstore.Open(dir, quiet, memstore.WithLockTimeout(50*time.Millisecond))
	wantInUse(t, err, "data directory "+dir+" is in use by another hmkg process",
		fmt.Sprintf("(pid %d, memstore.test, holding it since ", cmd.Process.Pid),
		"stop it or use another data directory (--data-dir or HMKG_DATA_DIR)")

	// kill -9: the lock goes with the process, its record stays behind.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got := holderPID(t, dir); got != cmd.Process.Pid {
		t.Fatalf("holder record names pid %d, want the killed %d", got, cmd.Process.Pid)
	}
	s, err := memstore.Open(dir, quiet, memstore.WithLockTimeout(time.Second))
	if err != nil {
		t.Fatalf("open after the holder was killed: %v", err)
	}
	defer s.Close()
	if got := holderPID(t, dir); got != os.Getpid() {
		t.Errorf("holder record names pid %d, want this process %d", got, os.Getpid())
	}
}

// TestOpenHeldInThisProcess opens a data directory twice in one process.
func TestOpenHeldInThisProcess(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	_, err = memstore.Open(dir, quiet, memstore.WithLockTimeout(50*time.Millisecond))
	wantInUse(t, err, "data directory "+dir+" is already open in this process",
		fmt.Sprintf("(pid %d, memstore.test, holding it since ", os.Getpid()), "close that store")

	// Without a record (deleted, or not written yet) the message still
	// names the problem.
	if err := os.Remove(filepath.Join(dir, memstore.HolderFileName)); err != nil {
		t.Fatal(err)
	}
	_, err = memstore.Open(dir, quiet, memstore.WithLockTimeout(50*time.Millisecond))
	wantInUse(t, err, "data directory "+dir+" is in use by another process", "still locked after 50ms; which process is unknown",
		"--data-dir")

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, memstore.HolderFileName)); !os.IsNotExist(err) {
		t.Errorf("holder record after close: %v, want none", err)
	}
	s, err = memstore.Open(dir, quiet, memstore.WithLockTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s.Close()
}
