//go:build unix

package export_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// lockNeo4j holds an exclusive lock on the Neo4j at uri until the test
// ends. Test packages run in parallel and each wipes the one database a
// Community server has; taking this lock (a file in the temp directory
// named after the URI) keeps them from wiping each other's data.
func lockNeo4j(t *testing.T, uri string) {
	t.Helper()
	name := "hmkg-neo4j-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(uri)) + ".lock"
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("lock neo4j: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("lock neo4j: %v", err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
