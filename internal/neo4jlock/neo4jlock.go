// Package neo4jlock serialises tests that share one Neo4j database. Test
// packages run as parallel processes, and some tests wipe the database or
// restart the server, so each test that touches Neo4j holds an exclusive,
// cross-process lock (a flock on a file named after the URI) until it ends.
package neo4jlock

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Lock takes the lock for the database at uri and releases it when the
// test ends.
func Lock(tb testing.TB, uri string) {
	tb.Helper()
	name := "hmkg-neo4j-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(uri)) + ".lock"
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		tb.Fatalf("lock neo4j: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		tb.Fatalf("lock neo4j: %v", err)
	}
	tb.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
