package memstore_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

// rawFile reads every bucket of a closed store file: bucket -> key -> value.
func rawFile(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]map[string]string{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			m := map[string]string{}
			out[string(name)] = m
			return b.ForEach(func(k, v []byte) error { m[string(k)] = string(v); return nil })
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFormat2Upgrade opens a copy of the committed format 2 file: the
// migration to format 3 rewrites the format mark and nothing else (every
// record is already a format 3 record), and the file reads back as before,
// also after the upgrade.
func TestFormat2Upgrade(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, memstore.FileName)
	copyFile(t, filepath.Join(fixtureDir, memstore.FileName), path)
	before := rawFile(t, path)
	if f := before["meta"]["format"]; f != "hmkg-memstore/2" {
		t.Fatalf("fixture format %q", f)
	}
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	first := readBack(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after := rawFile(t, path)
	if f := after["meta"]["format"]; f != "hmkg-memstore/3" {
		t.Errorf("format after open %q, want hmkg-memstore/3", f)
	}
	for _, b := range []string{"sources", "nodes", "rels", "audit"} {
		if !maps.Equal(before[b], after[b]) {
			t.Errorf("bucket %s changed by the upgrade", b)
		}
	}
	s, err = memstore.Open(dir, quiet)
	if err != nil {
		t.Fatalf("reopen after upgrade: %v", err)
	}
	defer s.Close()
	second := readBack(t, s)
	b, err := os.ReadFile(fixtureGolden)
	if err != nil {
		t.Fatal(err)
	}
	var want fixtureReadBack
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	storetest.SameDump(t, first.Dataset, want.Dataset)
	storetest.SameDump(t, second.Dataset, want.Dataset)
}

// TestDisputesSurviveReopen writes source kinds, statuses and disputes and
// reads them back from the file.
func TestDisputesSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustImport(t, s, storetest.DisputedFixture())
	want := storetest.Dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = memstore.Open(dir, quiet); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := storetest.Dump(t, s)
	storetest.SameDump(t, got, want)
	nd, rd := 0, 0
	for _, n := range got.Nodes {
		nd += len(n.Disputes)
	}
	for _, r := range got.Relationships {
		rd += len(r.Disputes)
		if r.Status != "" {
			rd += 10
		}
	}
	if nd != 1 || rd != 21 {
		t.Errorf("after reopen: %d node disputes, relationship disputes+10*statuses = %d; want 1 and 21", nd, rd)
	}
}
