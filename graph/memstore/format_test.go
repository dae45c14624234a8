package memstore

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
)

var quietOpt = WithLogger(slog.New(slog.DiscardHandler))

// TestOpenRefusesOtherFormats checks that a file written by an older hmkg
// (JSON records, no format key) or by an unknown format is refused with a
// message that says so, and that nothing in it is changed.
func TestOpenRefusesOtherFormats(t *testing.T) {
	for _, tc := range []struct {
		name, format, want string
	}{
		{"json", "", "older format"},
		{"unknown", "hmkg-memstore/99", `format "hmkg-memstore/99" is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bolt.Tx) error {
				b, _ := tx.CreateBucket(bucketNodes)
				if err := b.Put([]byte("act-up"), []byte(`{"id":"act-up","kind":"MOVEMENT","name":"ACT UP"}`)); err != nil {
					return err
				}
				m, _ := tx.CreateBucket(bucketMeta)
				if tc.format != "" {
					return m.Put(metaFormat, []byte(tc.format))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			_, err = Open(dir, quietOpt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v, want an error containing %q", err, tc.want)
			}
			if code := graph.ErrorCode(err); code != graph.EINTERNAL {
				t.Errorf("code %q, want %q", code, graph.EINTERNAL)
			}
		})
	}
}

// TestCorruptRecord checks that a truncated record fails Open instead of
// loading a wrong graph.
func TestCorruptRecord(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, quietOpt)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.UpsertSource(ctx, &graph.Source{ID: "src-a", Title: "A", URL: "https://example.org/a"}, "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertNode(ctx, &graph.Node{ID: "n", Kind: graph.KindEvent, Name: "N", SourceIDs: []string{"src-a"}}, "t"); err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNodes)
		v := b.Get([]byte("n"))
		return b.Put([]byte("n"), append([]byte(nil), v[:len(v)-3]...))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir, quietOpt); err == nil || !strings.Contains(err.Error(), `node "n"`) {
		t.Fatalf("open of a corrupt file: %v, want a decode error naming the node", err)
	}
}

// TestCustomRelationshipIDs checks ids that graph.RelationshipID does not
// derive: found, replaced, deleted, and kept across a reopen.
func TestCustomRelationshipIDs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, quietOpt)
	if err != nil {
		t.Fatal(err)
	}
	y := 1990
	d := &graph.Dataset{
		Sources: []*graph.Source{{ID: "src-a", Title: "A", URL: "https://example.org/a"}},
		Nodes: []*graph.Node{
			{ID: "a", Kind: graph.KindEvent, Name: "A", SourceIDs: []string{"src-a"}},
			{ID: "b", Kind: graph.KindEvent, Name: "B", SourceIDs: []string{"src-a"}},
		},
		Relationships: []*graph.Relationship{
			{ID: "custom-1", From: "a", Type: graph.RelInspired, To: "b", SourceIDs: []string{"src-a"}},
			{From: "a", Type: graph.RelInspired, To: "b", Year: &y, SourceIDs: []string{"src-a"}},
			// Looks derived but names other endpoints.
			{ID: "b:INSPIRED:a", From: "a", Type: graph.RelInspired, To: "b", SourceIDs: []string{"src-a"}},
		},
	}
	if err := s.Import(ctx, d, "t"); err != nil {
		t.Fatal(err)
	}
	check := func(s *Store, want ...string) {
		t.Helper()
		rs, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"a"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.ID)
			if r2, err := s.Relationship(ctx, r.ID); err != nil || r2.From != "a" {
				t.Errorf("relationship %s: %v %v", r.ID, r2, err)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("relationships %v, want %v", got, want)
		}
	}
	check(s, "a:INSPIRED:b:1990", "b:INSPIRED:a", "custom-1")
	if _, err := s.Relationship(ctx, "a:INSPIRED:b"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("derived id of a custom relationship: %v, want ENOTFOUND", err)
	}
	if err := s.DeleteRelationship(ctx, "b:INSPIRED:a", "t"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, quietOpt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(s, "a:INSPIRED:b:1990", "custom-1")
}

// TestRelTable drives the id table through random inserts and deletes
// with a tiny hash space, so that probe runs collide and wrap, against a
// map.
func TestRelTable(t *testing.T) {
	var tab idTable
	tab.init(0)
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[int32]uint32{}
	for i := range 20000 {
		h := int32(rng.IntN(3000))
		if hash, ok := model[h]; ok && rng.IntN(2) == 0 {
			tab.remove(hash, h)
			delete(model, h)
		} else if !ok {
			hash := uint32(rng.IntN(64)) * 0x10001
			tab.insert(hash, h)
			model[h] = hash
		}
		if i%1000 == 0 || i == 19999 {
			if tab.n != len(model) {
				t.Fatalf("step %d: %d entries, want %d", i, tab.n, len(model))
			}
			for h, hash := range model {
				if got, ok := tab.find(hash, func(c int32) bool { return c == h }); !ok || got != h {
					t.Fatalf("step %d: handle %d not found", i, h)
				}
			}
			for h := range int32(3000) {
				if _, in := model[h]; !in && i == 19999 {
					for hash := uint32(0); hash < 64*0x10001; hash += 0x10001 {
						if _, ok := tab.find(hash, func(c int32) bool { return c == h }); ok {
							t.Fatalf("step %d: deleted handle %d still found", i, h)
						}
					}
				}
			}
		}
	}
}
