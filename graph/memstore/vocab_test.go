package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

// TestVocabularyFitsBitSets: queries filter kinds and relationship types
// through bit sets of their codes (kindSet: 64 bits, typeSet: 32 bits). A
// code beyond them would make a filter on it match everything.
func TestVocabularyFitsBitSets(t *testing.T) {
	for _, k := range graph.KindCodes() {
		if k.Code >= 64 {
			t.Errorf("kind %s has code %d: widen kindSet in search.go beyond 64 bits", k.Kind, k.Code)
		}
	}
	for _, rt := range graph.RelTypeCodes() {
		if rt.Code >= 32 {
			t.Errorf("relationship type %s has code %d: widen typeSet in read.go beyond 32 bits", rt.Type, rt.Code)
		}
	}
}

// unusedCodes returns the lowest kind and type codes above every code in
// use, which a test can give to a kind and a type it adds.
func unusedCodes() (kind, typ graph.Code) {
	for _, k := range graph.KindCodes() {
		kind = max(kind, k.Code+1)
	}
	for _, rt := range graph.RelTypeCodes() {
		typ = max(typ, rt.Code+1)
	}
	return kind, typ
}

func readGolden(t *testing.T) *fixtureReadBack {
	t.Helper()
	b, err := os.ReadFile(fixtureGolden)
	if err != nil {
		t.Fatal(err)
	}
	var want fixtureReadBack
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	return &want
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEighthKindAndSixteenthType adds a kind (with code 7, today's first
// unused one) at the front of the kind list and a relationship type (code
// 15 today) in the middle of the type list, as a newcomer might, and checks that the embedded store copes: a
// file written before reads back unchanged, the new kind and type are
// written, queried, counted and read back after a reopen, and an hmkg
// without them refuses that file with a clear error instead of a panic or
// a wrong graph.
func TestEighthKindAndSixteenthType(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	copyFile(t, filepath.Join(fixtureDir, memstore.FileName), filepath.Join(dir, memstore.FileName))
	want := readGolden(t)
	const campaign, opposed = graph.Kind("TEST_CAMPAIGN"), graph.RelType("TEST_OPPOSED")
	kindCode, typeCode := unusedCodes()

	t.Run("extended vocabulary", func(t *testing.T) {
		kinds := slices.Insert(graph.KindCodes(), 0, graph.KindCode{Kind: campaign, Code: kindCode})
		types := slices.Insert(graph.RelTypeCodes(), 3, graph.RelTypeCode{Type: opposed, Code: typeCode})
		if err := graph.SetVocabularyForTest(t, kinds, types); err != nil {
			t.Fatal(err)
		}
		s, err := memstore.Open(dir, quiet)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { s.Close() }()

		// The old file reads back as it did, the new entries at zero.
		got := readBack(t, s)
		storetest.SameDump(t, got.Dataset, want.Dataset)
		if g, w := mustJSON(t, got.Changes), mustJSON(t, want.Changes); g != w {
			t.Errorf("audit log\n%s\nwant\n%s", g, w)
		}
		sameStats(t, got.Stats, want.Stats)
		if n, ok := got.Stats.KindCounts[campaign]; !ok || n != 0 {
			t.Errorf("count of %s: %d %v, want 0", campaign, n, ok)
		}
		if n, ok := got.Stats.RelTypeCounts[opposed]; !ok || n != 0 {
			t.Errorf("count of %s: %d %v, want 0", opposed, n, ok)
		}

		// The new kind and type go through every path keyed by them.
		y := 2010
		storetest.MustImport(t, s, &graph.Dataset{
			Name: want.Dataset.Name, Version: want.Dataset.Version,
			Nodes: []*graph.Node{{ID: "stop-the-cuts", Kind: campaign, Name: "Stop the Cuts", Summary: "A campaign.",
				StartYear: &y, SourceIDs: []string{"src-nhs"}}},
			Relationships: []*graph.Relationship{{From: "stop-the-cuts", Type: opposed, To: "nhs-england", Year: &y,
				TensionIDs: []string{"tension-accountability"}, SourceIDs: []string{"src-nhs"}}},
		})
		if err := s.UpsertNode(ctx, &graph.Node{ID: "cuts-march", Kind: campaign, Name: "Cuts March",
			SourceIDs: []string{"src-nhs"}}, "t"); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertRelationship(ctx, &graph.Relationship{From: "cuts-march", Type: opposed, To: "nice",
			SourceIDs: []string{"src-nhs"}}, "t"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteNode(ctx, "cuts-march", "t"); err != nil {
			t.Fatal(err)
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.KindCounts[campaign] != 1 || st.RelTypeCounts[opposed] != 1 || st.KindCounts[graph.KindMovement] != want.Stats.KindCounts[graph.KindMovement] {
			t.Errorf("counts after writes: %v %v", st.KindCounts, st.RelTypeCounts)
		}
		page, err := s.Nodes(ctx, graph.NodeQuery{Filter: &graph.NodeFilter{Kinds: []graph.Kind{campaign}}, Limit: 10})
		if err != nil || len(page.Nodes) != 1 || page.Nodes[0].Kind != campaign {
			t.Errorf("nodes of kind %s: %v %v", campaign, page, err)
		}
		page, err = s.Nodes(ctx, graph.NodeQuery{OrderBy: []*graph.NodeOrder{{Field: graph.OrderByKind}}, Limit: graph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		var byKind []graph.Kind
		for _, n := range page.Nodes {
			byKind = append(byKind, n.Kind)
		}
		if !slices.IsSorted(byKind) || !slices.Contains(byKind, campaign) || len(byKind) != page.Total {
			t.Errorf("nodes by kind: %v", byKind)
		}
		hits, err := s.Search(ctx, graph.SearchQuery{Text: "cuts", Kinds: []graph.Kind{campaign}, Limit: 10})
		if err != nil || len(hits) != 1 || hits[0].Node.ID != "stop-the-cuts" {
			t.Errorf("search of kind %s: %v %v", campaign, hits, err)
		}
		sub, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"nhs-england"}, Depth: 1,
			Types: []graph.RelType{opposed}, Kinds: []graph.Kind{campaign}, Limit: 10})
		if err != nil || len(sub.Nodes) != 2 || len(sub.Relationships) != 1 || sub.Relationships[0].Type != opposed {
			t.Errorf("neighbourhood over %s: %+v %v", opposed, sub, err)
		}
		paths, err := s.ShortestPaths(ctx, graph.PathQuery{From: "stop-the-cuts", To: "nhs-england", MaxLength: 2,
			Types: []graph.RelType{opposed}, K: 1})
		if err != nil || len(paths) != 1 || paths[0].Length() != 1 {
			t.Errorf("path over %s: %v %v", opposed, paths, err)
		}
		relID := "stop-the-cuts:TEST_OPPOSED:nhs-england:2010"
		rels, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"nhs-england"}, Types: []graph.RelType{opposed}})
		if err != nil || len(rels) != 1 || rels[0].ID != relID {
			t.Errorf("relationships of type %s: %v %v", opposed, rels, err)
		}
		if r, err := s.Relationship(ctx, relID); err != nil || r.Type != opposed {
			t.Errorf("relationship by derived id: %v %v", r, err)
		}

		// All of it survives a reopen.
		before := readBack(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s, err = memstore.Open(dir, quiet); err != nil {
			t.Fatal(err)
		}
		after := readBack(t, s)
		storetest.SameDump(t, after.Dataset, before.Dataset)
		if g, w := mustJSON(t, after), mustJSON(t, before); g != w {
			t.Errorf("after reopen\n%s\nwant\n%s", g, w)
		}
	})

	// Today's vocabulary does not know the new codes: the file now needs a
	// newer hmkg, and Open says so.
	_, err := memstore.Open(dir, quiet)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(`decode node "stop-the-cuts": unknown kind code %d`, kindCode)) ||
		!strings.Contains(err.Error(), "written by a newer hmkg") {
		t.Fatalf("open of a file with an unknown kind code: %v", err)
	}
}

// TestUnknownCodeInFile puts codes that no kind or type has into records
// and checks that Open fails naming the record and the code.
func TestUnknownCodeInFile(t *testing.T) {
	kindCode, typeCode := unusedCodes()
	for _, tc := range []struct {
		bucket, key string
		code        graph.Code
		want        string
	}{
		{"nodes", "act-up", 255, `decode node "act-up": unknown kind code 255`},
		{"nodes", "act-up", kindCode, fmt.Sprintf(`decode node "act-up": unknown kind code %d`, kindCode)},
		{"rels", "act-up:PART_OF:aids-movement:1987", 255, `decode relationship "act-up:PART_OF:aids-movement:1987": unknown relationship type code 255`},
		{"rels", "act-up:PART_OF:aids-movement:1987", typeCode, fmt.Sprintf(`unknown relationship type code %d`, typeCode)},
	} {
		t.Run(tc.want, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, memstore.FileName)
			copyFile(t, filepath.Join(fixtureDir, memstore.FileName), path)
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte(tc.bucket))
				v := slices.Clone(b.Get([]byte(tc.key)))
				if v == nil {
					return fmt.Errorf("the fixture has no %s %s", tc.bucket, tc.key)
				}
				v[0] = byte(tc.code)
				return b.Put([]byte(tc.key), v)
			})
			if err := errors.Join(err, db.Close()); err != nil {
				t.Fatal(err)
			}
			_, err = memstore.Open(dir, quiet)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
