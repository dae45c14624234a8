package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

func testImportAtomic(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	before := Dump(t, s)
	st0 := try(s.Stats(ctx)).must(t)

	d := Fixture()
	d.Name, d.Version = "broken", "2"
	d.Nodes[4].Name = "Changed name that must not land"
	d.Nodes = append(d.Nodes,
		&graph.Node{ID: "new-node", Kind: graph.KindPerson, Name: "New Person", SourceIDs: []string{"src-who"}},
		&graph.Node{ID: "Bad Slug", Kind: graph.KindPerson, Name: "Bad", SourceIDs: []string{"src-who"}},
		&graph.Node{ID: "no-sources", Kind: graph.KindEvent, Name: "No sources"},
	)
	d.Relationships = append(d.Relationships,
		&graph.Relationship{From: "new-node", Type: graph.RelLed, To: "act-up", SourceIDs: []string{"src-who"}},
		&graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "nowhere", SourceIDs: []string{"src-who"}},
		&graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "who", SourceIDs: []string{"src-missing"}},
		&graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "nice", TensionIDs: []string{"fda"}, SourceIDs: []string{"src-who"}},
	)
	err := s.Import(ctx, d, Actor)
	WantCode(t, err, graph.EINVALID)
	if n := len(graph.ErrorProblems(err)); n < 5 {
		t.Errorf("import reported %d problems, want every one (at least 5): %v", n, graph.ErrorProblems(err))
	}
	SameDump(t, Dump(t, s), before)
	st1 := try(s.Stats(ctx)).must(t)
	if st1.AuditEntriesCount != st0.AuditEntriesCount || st1.DatasetName != st0.DatasetName {
		t.Errorf("failed import changed stats: %+v -> %+v", st0, st1)
	}
	// Duplicate ids are also invalid.
	dup := Fixture()
	dup.Nodes = append(dup.Nodes, Fixture().Nodes[0])
	WantCode(t, s.Import(ctx, dup, Actor), graph.EINVALID)
	SameDump(t, Dump(t, s), before)
	WantCode(t, s.Import(ctx, nil, Actor), graph.EINVALID)
}

func testImportTwice(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	once := Dump(t, s)
	MustImport(t, s, Fixture())
	SameDump(t, Dump(t, s), once)
	want := Fixture()
	if err := want.Validate(nil); err != nil {
		t.Fatal(err)
	}
	if n, r := len(once.Nodes), len(once.Relationships); n != len(want.Nodes) || r != len(want.Relationships) {
		t.Fatalf("dump has %d nodes and %d relationships, want %d and %d", n, r, len(want.Nodes), len(want.Relationships))
	}
}

func testImportOntoExisting(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	more := &graph.Dataset{
		Name: "more", Version: "2",
		Sources: []*graph.Source{src("src-more", "More", 2020)},
		Nodes: []*graph.Node{{ID: "peter-staley", Kind: graph.KindPerson, Name: "Peter Staley", Role: "activist",
			SourceIDs: []string{"src-act-up-oral-history", "src-more"}}},
		Relationships: []*graph.Relationship{
			{From: "peter-staley", Type: graph.RelInvolved, To: "act-up", Year: ip(1988), SourceIDs: []string{"src-more"}},
			{From: "act-up", Type: graph.RelChallenged, To: "who", Year: ip(1990), TensionIDs: []string{"tension-co-option"}, SourceIDs: []string{"src-who"}},
		},
	}
	MustImport(t, s, more)
	rs, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"peter-staley"}})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "new relationships", RelIDs(rs), []string{"peter-staley:INVOLVED:act-up:1988"})
	st := try(s.Stats(ctx)).must(t)
	equal(t, "stats after second import", [5]any{st.DatasetName, st.DatasetVersion, st.Nodes, st.Relationships, st.Sources},
		[5]any{"more", "2", 26, 37, 10})
}

func testUpsert(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	before := Dump(t, s)
	bad := map[string]error{
		"node unknown source": s.UpsertNode(ctx, &graph.Node{ID: "x", Kind: graph.KindPerson, Name: "X", SourceIDs: []string{"src-nope"}}, Actor),
		"node no sources":     s.UpsertNode(ctx, &graph.Node{ID: "x", Kind: graph.KindPerson, Name: "X"}, Actor),
		"node bad slug":       s.UpsertNode(ctx, &graph.Node{ID: "X Y", Kind: graph.KindPerson, Name: "X", SourceIDs: []string{"src-who"}}, Actor),
		"node bad kind":       s.UpsertNode(ctx, &graph.Node{ID: "x", Kind: "PLANET", Name: "X", SourceIDs: []string{"src-who"}}, Actor),
		"node bad publisher":  s.UpsertNode(ctx, &graph.Node{ID: "x", Kind: graph.KindReport, Name: "X", Publisher: "nobody", SourceIDs: []string{"src-who"}}, Actor),
		"rel unknown endpoint": s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "nobody",
			SourceIDs: []string{"src-who"}}, Actor),
		"rel unknown tension": s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "who",
			TensionIDs: []string{"tension-nope"}, SourceIDs: []string{"src-who"}}, Actor),
		"rel tension not a tension": s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "who",
			TensionIDs: []string{"who"}, SourceIDs: []string{"src-who"}}, Actor),
		"rel unknown source": s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "who",
			SourceIDs: []string{"src-nope"}}, Actor),
		"rel no sources":   s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: graph.RelChallenged, To: "who"}, Actor),
		"rel unknown type": s.UpsertRelationship(ctx, &graph.Relationship{From: "act-up", Type: "LIKES", To: "who", SourceIDs: []string{"src-who"}}, Actor),
		"rel self":         s.UpsertRelationship(ctx, &graph.Relationship{From: "who", Type: graph.RelChallenged, To: "who", SourceIDs: []string{"src-who"}}, Actor),
		"source bad url":   s.UpsertSource(ctx, &graph.Source{ID: "src-x", Title: "X", URL: "not a url"}, Actor),
		"source no title":  s.UpsertSource(ctx, &graph.Source{ID: "src-x", URL: "https://example.org/x"}, Actor),
	}
	for name, err := range bad {
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: %v, want %s", name, err, graph.EINVALID)
		}
	}
	SameDump(t, Dump(t, s), before)

	// Accepted upserts.
	if err := s.UpsertSource(ctx, src("src-new", "New source", 2021), Actor); err != nil {
		t.Fatal(err)
	}
	n := &graph.Node{ID: "new-group", Kind: graph.KindOrganisation, Name: "Zebrafinch Collective", Summary: "A made-up group.",
		Aliases: []string{"ZC"}, Region: "Wales", Category: "grassroots", FoundedYear: ip(2001), SourceIDs: []string{"src-new"}}
	if err := s.UpsertNode(ctx, n, Actor); err != nil {
		t.Fatal(err)
	}
	got, err := s.Node(ctx, "new-group")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "upserted node", got, n)
	hits, err := s.Search(ctx, graph.SearchQuery{Text: "zebrafinch"})
	if err != nil || len(hits) != 1 || hits[0].Node.ID != "new-group" {
		t.Errorf("search for upserted node: %v, %v", hitIDs(hits), err)
	}
	r := &graph.Relationship{From: "new-group", Type: graph.RelChallenged, To: "nhs-england", Year: ip(2020),
		TensionIDs: []string{"tension-accountability"}, SourceIDs: []string{"src-new", "src-nhs"}}
	if err := s.UpsertRelationship(ctx, r, Actor); err != nil {
		t.Fatal(err)
	}
	if r.ID != "new-group:CHALLENGED:nhs-england:2020" {
		t.Errorf("relationship id filled in as %q", r.ID)
	}
	gotR, err := s.Relationship(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "upserted relationship", gotR, r)

	// Replacing a node keeps its relationships and updates search.
	n2 := *n
	n2.Name, n2.Aliases = "Kestrel Collective", nil
	if err := s.UpsertNode(ctx, &n2, Actor); err != nil {
		t.Fatal(err)
	}
	rs := try(s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"new-group"}})).must(t)
	equal(t, "relationships kept on replace", RelIDs(rs), []string{r.ID})
	if hits := try(s.Search(ctx, graph.SearchQuery{Text: "zebrafinch"})).must(t); len(hits) != 0 {
		t.Errorf("old name still found: %v", hitIDs(hits))
	}
	if hits := try(s.Search(ctx, graph.SearchQuery{Text: "kestrel collective"})).must(t); len(hits) == 0 || hits[0].Node.ID != "new-group" {
		t.Errorf("new name not found first: %v", hitIDs(hits))
	}
	// Replacing a relationship with the same id changes its fields.
	r2 := *r
	r2.Summary, r2.TensionIDs = "Changed.", nil
	if err := s.UpsertRelationship(ctx, &r2, Actor); err != nil {
		t.Fatal(err)
	}
	gotR = try(s.Relationship(ctx, r.ID)).must(t)
	equal(t, "replaced relationship", gotR, &r2)
	st := try(s.Stats(ctx)).must(t)
	equal(t, "counts after upserts", [3]int{st.Nodes, st.Relationships, st.Sources}, [3]int{26, 36, 10})
}

func testDelete(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	WantCode(t, s.DeleteNode(ctx, "missing", Actor), graph.ENOTFOUND)
	WantCode(t, s.DeleteRelationship(ctx, "missing", Actor), graph.ENOTFOUND)

	if err := s.DeleteRelationship(ctx, "act-up:CHALLENGED:fda:1992", Actor); err != nil {
		t.Fatal(err)
	}
	_, err := s.Relationship(ctx, "act-up:CHALLENGED:fda:1992")
	WantCode(t, err, graph.ENOTFOUND)
	WantCode(t, s.DeleteRelationship(ctx, "act-up:CHALLENGED:fda:1992", Actor), graph.ENOTFOUND)

	if err := s.DeleteNode(ctx, "act-up", Actor); err != nil {
		t.Fatal(err)
	}
	_, err = s.Node(ctx, "act-up")
	WantCode(t, err, graph.ENOTFOUND)
	_, err = s.Relationship(ctx, "act-up:PART_OF:aids-movement:1987")
	WantCode(t, err, graph.ENOTFOUND)
	rs := try(s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"fda"}})).must(t)
	equal(t, "fda after deleting act-up", RelIDs(rs), []string{"breast-cancer-movement:CHALLENGED:fda:1995", "seize-control-of-the-fda:TARGETED:fda:1988"})
	if hits := try(s.Search(ctx, graph.SearchQuery{Text: "act up"})).must(t); len(hits) > 0 && hits[0].Node.ID == "act-up" {
		t.Error("deleted node still searchable")
	}
	p := try(s.Nodes(ctx, graph.NodeQuery{Filter: &graph.NodeFilter{IDs: []string{"act-up"}}, Limit: 1})).must(t)
	if p.Total != 0 {
		t.Error("deleted node still listed")
	}
	st := try(s.Stats(ctx)).must(t)
	equal(t, "counts after deletes", [3]int{st.Nodes, st.Relationships, st.KindCounts[graph.KindOrganisation]}, [3]int{24, 35 - 1 - 7, 5})

	// A deleted tension leaves the relationships that cited it, without it;
	// a deleted publisher leaves its reports without publisher.
	if err := s.DeleteNode(ctx, "tension-co-option", Actor); err != nil {
		t.Fatal(err)
	}
	r, err := s.Relationship(ctx, "macmillan-cancer-support:CO_OPTED_BY:nhs-england:2016")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "tensions after deleting one", r.TensionIDs, []string{"tension-accountability"})
	if err := s.DeleteNode(ctx, "nesta", Actor); err != nil {
		t.Fatal(err)
	}
	rep := try(s.Node(ctx, "nesta-health-movements")).must(t)
	equal(t, "publisher after deleting it", rep.Publisher, "")
	if ex := try(s.Exemplifying(ctx, []string{"tension-co-option"})).must(t); len(ex) != 0 {
		t.Errorf("deleted tension still exemplified by %v", RelIDs(ex))
	}
}

func testChanges(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	steps := []struct {
		action, target string
		do             func() error
	}{
		{graph.ActionUpsertSource, "src-new", func() error { return s.UpsertSource(ctx, src("src-new", "New", 2020), "alice") }},
		{graph.ActionUpsertNode, "new-person", func() error {
			return s.UpsertNode(ctx, &graph.Node{ID: "new-person", Kind: graph.KindPerson, Name: "New", SourceIDs: []string{"src-new"}}, "bob")
		}},
		{graph.ActionUpsertRelationship, "new-person:LED:act-up", func() error {
			return s.UpsertRelationship(ctx, &graph.Relationship{From: "new-person", Type: graph.RelLed, To: "act-up", SourceIDs: []string{"src-new"}}, "alice")
		}},
		{graph.ActionDeleteRelationship, "new-person:LED:act-up", func() error { return s.DeleteRelationship(ctx, "new-person:LED:act-up", "carol") }},
		{graph.ActionDeleteNode, "new-person", func() error { return s.DeleteNode(ctx, "new-person", "bob") }},
	}
	actors := []string{"alice", "bob", "alice", "carol", "bob"}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		// Rejected mutations in between record nothing.
		WantCode(t, s.UpsertNode(ctx, &graph.Node{ID: "bad", Kind: graph.KindPerson, Name: "Bad"}, "mallory"), graph.EINVALID)
		WantCode(t, s.DeleteNode(ctx, "missing", "mallory"), graph.ENOTFOUND)
		WantCode(t, s.DeleteRelationship(ctx, "missing", "mallory"), graph.ENOTFOUND)
	}
	all, err := s.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(steps)+1 {
		t.Fatalf("%d changes, want %d", len(all), len(steps)+1)
	}
	for i, c := range all {
		if i > 0 && (c.ID >= all[i-1].ID || c.At.After(all[i-1].At)) {
			t.Errorf("changes not newest first at %d: %+v after %+v", i, c, all[i-1])
		}
	}
	imp := all[len(all)-1]
	equal(t, "import entry", [3]string{imp.Actor, imp.Action, imp.TargetID}, [3]string{Actor, graph.ActionImport, "storetest-fixture"})
	for i, st := range steps {
		c := all[len(steps)-1-i]
		equal(t, fmt.Sprintf("change %d", i), [3]string{c.Actor, c.Action, c.TargetID}, [3]string{actors[i], st.action, st.target})
		if c.At.IsZero() {
			t.Errorf("change %d has no time", i)
		}
	}
	if all[len(steps)-2].Detail == "" {
		t.Error("upsert entry without detail")
	}
	page1 := try(s.Changes(ctx, 0, 2)).must(t)
	page2 := try(s.Changes(ctx, page1[1].ID, 2)).must(t)
	page3 := try(s.Changes(ctx, page2[1].ID, 10)).must(t)
	var got []int64
	for _, c := range append(append(page1, page2...), page3...) {
		got = append(got, c.ID)
	}
	var want []int64
	for _, c := range all {
		want = append(want, c.ID)
	}
	equal(t, "paged changes", got, want)
	if def := try(s.Changes(ctx, 0, 0)).must(t); len(def) != len(all) {
		t.Errorf("limit 0 gave %d changes", len(def))
	}
	_, err = s.Changes(ctx, 0, graph.MaxPageSize+1)
	WantCode(t, err, graph.EINVALID)
	st := try(s.Stats(ctx)).must(t)
	if st.AuditEntriesCount != len(all) || st.LastChangeAt == nil || !st.LastChangeAt.Equal(all[0].At) {
		t.Errorf("stats audit %d %v, want %d %v", st.AuditEntriesCount, st.LastChangeAt, len(all), all[0].At)
	}
}

// testConcurrent runs readers and writers at once; run it with -race.
func testConcurrent(t *testing.T, s graph.Store) {
	MustImport(t, s, Fixture())
	const writers, readers, rounds = 3, 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				id := fmt.Sprintf("w%d-n%d", w, i)
				if err := s.UpsertNode(ctx, &graph.Node{ID: id, Kind: graph.KindPerson, Name: "Writer " + id,
					SourceIDs: []string{"src-who"}}, Actor); err != nil {
					errs <- err
					return
				}
				r := &graph.Relationship{From: id, Type: graph.RelInvolved, To: "act-up", SourceIDs: []string{"src-who"}}
				if err := s.UpsertRelationship(ctx, r, Actor); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 {
					if err := s.DeleteNode(ctx, id, Actor); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				if _, err := s.Nodes(ctx, graph.NodeQuery{Limit: 50, OrderBy: []*graph.NodeOrder{{Field: graph.OrderByDegree}}}); err != nil {
					errs <- err
				}
				if _, err := s.Search(ctx, graph.SearchQuery{Text: "writer act up"}); err != nil {
					errs <- err
				}
				if _, err := s.Neighbourhood(ctx, graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 2}); err != nil {
					errs <- err
				}
				if _, err := s.ShortestPaths(ctx, graph.PathQuery{From: "larry-kramer", To: "nhs-england", K: 3}); err != nil {
					errs <- err
				}
				if _, err := s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}}); err != nil {
					errs <- err
				}
				if _, err := s.Stats(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	deleted := writers * ((rounds + 2) / 3)
	st := try(s.Stats(ctx)).must(t)
	equal(t, "counts after concurrent writes", [2]int{st.Nodes, st.Relationships},
		[2]int{25 + writers*rounds - deleted, 35 + writers*rounds - deleted})
	rs := try(s.Relationships(ctx, graph.RelQuery{NodeIDs: []string{"act-up"}, Types: []graph.RelType{graph.RelInvolved}})).must(t)
	equal(t, "involved relationships", len(rs), writers*rounds-deleted)
}
