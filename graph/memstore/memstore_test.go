package memstore_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

var quiet = memstore.WithLogger(slog.New(slog.DiscardHandler))

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s := memstore.New(quiet)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestConformanceOnDisk(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s, err := memstore.Open(t.TempDir(), quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestReopen checks that a store read back from its file is the one that
// was written, mutations and audit log included.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustImport(t, s, storetest.Fixture())
	if err := s.DeleteNode(ctx, "tension-co-option", "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRelationship(ctx, "act-up:CHALLENGED:fda:1992", "t"); err != nil {
		t.Fatal(err)
	}
	y := 2001
	if err := s.UpsertNode(ctx, &graph.Node{ID: "kestrel", Kind: graph.KindEvent, Name: "Kestrel", Year: &y,
		SourceIDs: []string{"src-who"}}, "t"); err != nil {
		t.Fatal(err)
	}
	want := storetest.Dump(t, s)
	wantHits, _ := s.Search(ctx, graph.SearchQuery{Text: "health movement kestrel", Limit: 20})
	wantChanges, _ := s.Changes(ctx, 0, 100)
	wantStats, _ := s.Stats(ctx)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	WantUnavailable(t, s)

	s2, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	storetest.SameDump(t, storetest.Dump(t, s2), want)
	gotHits, _ := s2.Search(ctx, graph.SearchQuery{Text: "health movement kestrel", Limit: 20})
	if len(gotHits) != len(wantHits) {
		t.Fatalf("search after reopen: %d hits, want %d", len(gotHits), len(wantHits))
	}
	for i := range gotHits {
		if gotHits[i].Node.ID != wantHits[i].Node.ID || gotHits[i].Score != wantHits[i].Score {
			t.Errorf("hit %d: %s %v, want %s %v", i, gotHits[i].Node.ID, gotHits[i].Score, wantHits[i].Node.ID, wantHits[i].Score)
		}
	}
	gotChanges, _ := s2.Changes(ctx, 0, 100)
	if len(gotChanges) != len(wantChanges) {
		t.Fatalf("changes after reopen: %d, want %d", len(gotChanges), len(wantChanges))
	}
	for i := range gotChanges {
		if *gotChanges[i] != *wantChanges[i] {
			t.Errorf("change %d: %+v, want %+v", i, gotChanges[i], wantChanges[i])
		}
	}
	gotStats, _ := s2.Stats(ctx)
	if gotStats.DatasetName != wantStats.DatasetName || gotStats.AuditEntriesCount != wantStats.AuditEntriesCount {
		t.Errorf("stats after reopen %+v, want %+v", gotStats, wantStats)
	}
	// New audit ids continue after the old ones.
	if err := s2.DeleteNode(ctx, "kestrel", "t"); err != nil {
		t.Fatal(err)
	}
	c, _ := s2.Changes(ctx, 0, 1)
	if c[0].ID != wantChanges[0].ID+1 {
		t.Errorf("audit id after reopen = %d, want %d", c[0].ID, wantChanges[0].ID+1)
	}
}

// WantUnavailable checks that a closed store refuses service.
func WantUnavailable(t *testing.T, s *memstore.Store) {
	t.Helper()
	if code := graph.ErrorCode(s.Ping(context.Background())); code != graph.EUNAVAILABLE {
		t.Errorf("ping after close: %q, want %q", code, graph.EUNAVAILABLE)
	}
	err := s.UpsertSource(context.Background(), &graph.Source{ID: "src-late", Title: "Late", URL: "https://example.org"}, "t")
	if code := graph.ErrorCode(err); code != graph.EUNAVAILABLE {
		t.Errorf("write after close: %q, want %q", code, graph.EUNAVAILABLE)
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = memstore.Open(dir, memstore.WithLockTimeout(50e6))
	if code := graph.ErrorCode(err); code != graph.EUNAVAILABLE {
		t.Fatalf("second open of a held directory: %v, want %s", err, graph.EUNAVAILABLE)
	}
}
