package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

// The files under testdata/hmkg-memstore-2 were written by the hmkg of
// commit 28bbd3f (format hmkg-memstore/2, where a kind or relationship type
// was stored as its position in graph.Kinds or graph.RelTypes), before the
// vocabulary got explicit codes. TestFormatFixtureReadsBack checks that they
// still read back exactly as that hmkg read them, so that reordering or
// extending the vocabulary, or changing the codec, cannot silently change
// what existing data directories mean.
//
// Never regenerate them to make the test pass: they stand for files on
// users' disks. They are only rewritten (HMKG_WRITE_FORMAT_FIXTURE=1) when a
// new format version is introduced, and then under a new directory, keeping
// the old one and its test.
const (
	fixtureDir    = "testdata/hmkg-memstore-2"
	fixtureGolden = "testdata/hmkg-memstore-2.golden.json"
)

// fixtureReadBack is everything a store file yields through the Store
// interface.
type fixtureReadBack struct {
	Dataset *graph.Dataset  `json:"dataset"`
	Stats   *graph.Stats    `json:"stats"`
	Changes []*graph.Change `json:"changes"`
}

func readBack(t *testing.T, s graph.Store) *fixtureReadBack {
	t.Helper()
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.Changes(ctx, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	return &fixtureReadBack{Dataset: storetest.Dump(t, s), Stats: st, Changes: ch}
}

// fixtureDataset is the shared fixture plus what it lacks to use every
// kind and every relationship type of the vocabulary of commit 28bbd3f.
func fixtureDataset() *graph.Dataset {
	d := storetest.Fixture()
	y := 1994
	d.Nodes = append(d.Nodes,
		&graph.Node{ID: "gates-foundation", Kind: graph.KindInstitution, Name: "Gates Foundation", Category: "funder",
			Country: "United States", SourceIDs: []string{"src-who"}},
		&graph.Node{ID: "fixture-person", Kind: graph.KindPerson, Name: "Fixture Person", Role: "organiser",
			SourceIDs: []string{"src-who"}},
	)
	d.Relationships = append(d.Relationships,
		&graph.Relationship{From: "act-up", Type: graph.RelFundedBy, To: "gates-foundation", Year: &y,
			Summary: "A made-up grant.", SourceIDs: []string{"src-who"}},
		&graph.Relationship{ID: "custom-involved", From: "fixture-person", Type: graph.RelInvolved, To: "act-up",
			SourceIDs: []string{"src-who"}},
	)
	return d
}

// TestWriteFormatFixture writes the fixture; see the comment on fixtureDir.
func TestWriteFormatFixture(t *testing.T) {
	if os.Getenv("HMKG_WRITE_FORMAT_FIXTURE") == "" {
		t.Skip("set HMKG_WRITE_FORMAT_FIXTURE=1 to rewrite " + fixtureDir)
	}
	ctx := context.Background()
	tick := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := memstore.WithClock(func() time.Time { tick = tick.Add(time.Second); return tick })
	if err := os.RemoveAll(fixtureDir); err != nil {
		t.Fatal(err)
	}
	s, err := memstore.Open(fixtureDir, quiet, clock)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustImport(t, s, fixtureDataset())
	y := 2001
	for _, err := range []error{
		s.UpsertNode(ctx, &graph.Node{ID: "kestrel", Kind: graph.KindEvent, Name: "Kestrel", Year: &y,
			Aliases: []string{"K"}, Date: "2001-05", SourceIDs: []string{"src-who"}}, "editor"),
		s.DeleteRelationship(ctx, "act-up:CHALLENGED:fda:1992", "editor"),
		s.DeleteNode(ctx, "fixture-person", "editor"),
		s.UpsertRelationship(ctx, &graph.Relationship{From: "kestrel", Type: graph.RelInvolved, To: "act-up",
			SourceIDs: []string{"src-who"}}, "editor"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	compact(t, filepath.Join(fixtureDir, memstore.FileName))
	s, err = memstore.Open(fixtureDir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	got := readBack(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixtureGolden, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFormatFixtureReadsBack opens a copy of a file written by the hmkg of
// commit 28bbd3f and checks that it reads back exactly as it did then.
func TestFormatFixtureReadsBack(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(fixtureDir, memstore.FileName), filepath.Join(dir, memstore.FileName))
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatalf("open a file written by the hmkg-memstore/2 of commit 28bbd3f: %v", err)
	}
	defer s.Close()
	got := readBack(t, s)
	b, err := os.ReadFile(fixtureGolden)
	if err != nil {
		t.Fatal(err)
	}
	var want fixtureReadBack
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	storetest.SameDump(t, got.Dataset, want.Dataset)
	sameStats(t, got.Stats, want.Stats)
	gj, _ := json.MarshalIndent(got.Changes, "", "  ")
	wj, _ := json.MarshalIndent(want.Changes, "", "  ")
	if string(gj) != string(wj) {
		t.Errorf("audit log read back\n%s\nwant\n%s", gj, wj)
	}
	// Every kind and type of that vocabulary (7 kinds, 15 types) is in the
	// file, so that a change of any code shows up above.
	if n := nonZero(want.Stats.KindCounts); n != 7 {
		t.Errorf("the fixture has nodes of %d kinds, want all 7", n)
	}
	if n := nonZero(want.Stats.RelTypeCounts); n != 15 {
		t.Errorf("the fixture has relationships of %d types, want all 15", n)
	}
}

// sameStats fails unless got equals want, but for kinds and types that
// want does not have (added to the vocabulary since), which must count 0.
func sameStats(t *testing.T, got, want *graph.Stats) {
	t.Helper()
	g := *got
	g.KindCounts, g.RelTypeCounts = maps.Clone(got.KindCounts), maps.Clone(got.RelTypeCounts)
	for k, n := range g.KindCounts {
		if _, ok := want.KindCounts[k]; !ok && n == 0 {
			delete(g.KindCounts, k)
		}
	}
	for rt, n := range g.RelTypeCounts {
		if _, ok := want.RelTypeCounts[rt]; !ok && n == 0 {
			delete(g.RelTypeCounts, rt)
		}
	}
	gj, _ := json.MarshalIndent(&g, "", "  ")
	wj, _ := json.MarshalIndent(want, "", "  ")
	if string(gj) != string(wj) {
		t.Errorf("stats read back\n%s\nwant\n%s", gj, wj)
	}
}

// compact rewrites the bbolt file at path without its free pages, to keep
// the fixture small.
func compact(t *testing.T, path string) {
	t.Helper()
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := bolt.Open(path+".new", 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bolt.Compact(dst, src, 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(src.Close(), dst.Close(), os.Rename(path+".new", path)); err != nil {
		t.Fatal(err)
	}
}

func nonZero[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		if v > 0 {
			n++
		}
	}
	return n
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
