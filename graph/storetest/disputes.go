package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

// Ids of the records the disputes test marks.
const (
	disputedRel  = "act-up:CHALLENGED:fda:1992"
	retractedRel = "act-up:INFLUENCED_POLICY_OF:fda"
	disputedNode = "treatment-action-campaign"
)

// DisputedFixture is Fixture with source kinds, a dispute about a node
// (given in the dataset's disputes section, as a file would), a DISPUTED
// relationship with its dispute and a RETRACTED one.
func DisputedFixture() *graph.Dataset {
	d := Fixture()
	for i, s := range d.Sources {
		// Lower case as people write it; validation makes it upper case.
		s.Kind = []graph.SourceKind{"primary", "SECONDARY", "MIRROR", "ARCHIVE"}[i%4]
	}
	d.Sources[len(d.Sources)-1].Kind = "" // kinds are optional
	d.Disputes = []*graph.Dispute{{
		About: disputedNode, AboutKind: "node", Claim: "When TAC was founded",
		Positions: []*graph.Position{
			{Says: "1998", SourceIDs: []string{"src-tac-history"}},
			{Says: "1999", SourceIDs: []string{"src-who", "src-nesta-report"}},
		},
		Note: "Launch date against registration date.",
	}}
	for _, r := range d.Relationships {
		switch graph.RelationshipID(r.From, r.Type, r.To, r.Year) {
		case disputedRel:
			r.Status = graph.StatusDisputed
			r.Disputes = []*graph.Dispute{{Claim: "Whether ACT UP challenged the FDA in 1992", Positions: []*graph.Position{
				{Says: "It did", SourceIDs: []string{"src-act-up-oral-history"}},
				{Says: "It had moved on to the NIH", SourceIDs: []string{"src-nesta-report"}},
			}}}
		case retractedRel:
			r.Status = "retracted"
		}
	}
	return d
}

func testDisputes(t *testing.T, s graph.Store) {
	ctx := context.Background()
	MustImport(t, s, DisputedFixture())

	t.Run("SourceKind", func(t *testing.T) {
		srcs, err := s.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]graph.SourceKind{}
		for _, x := range srcs {
			kinds[x.ID] = x.Kind
		}
		want := DisputedFixture().Sources
		for i, x := range want {
			w := []graph.SourceKind{graph.SourcePrimary, graph.SourceSecondary, graph.SourceMirror, graph.SourceArchive}[i%4]
			if i == len(want)-1 {
				w = ""
			}
			equal(t, "kind of "+x.ID, kinds[x.ID], w)
		}
	})

	t.Run("Records", func(t *testing.T) {
		n, err := s.Node(ctx, disputedNode)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Disputes) != 1 || n.Disputes[0].Claim != "When TAC was founded" || len(n.Disputes[0].Positions) != 2 ||
			!slices.Equal(n.Disputes[0].Positions[1].SourceIDs, []string{"src-who", "src-nesta-report"}) ||
			n.Disputes[0].Note != "Launch date against registration date." {
			t.Errorf("node disputes = %s", jsonOf(n.Disputes))
		}
		rs, err := s.RelationshipsByID(ctx, []string{disputedRel, retractedRel, "act-up:CHALLENGED:fda:1988"})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "status", []graph.RelationshipStatus{rs[0].Status, rs[1].Status, rs[2].Status},
			[]graph.RelationshipStatus{graph.StatusDisputed, graph.StatusRetracted, ""})
		if len(rs[0].Disputes) != 1 || rs[0].Disputes[0].Positions[1].Says != "It had moved on to the NIH" {
			t.Errorf("relationship disputes = %s", jsonOf(rs[0].Disputes))
		}
		if rs[1].Disputes != nil || rs[2].Disputes != nil {
			t.Errorf("undisputed relationships carry disputes: %s %s", jsonOf(rs[1].Disputes), jsonOf(rs[2].Disputes))
		}
	})

	t.Run("List", func(t *testing.T) {
		p, err := s.Disputes(ctx, graph.DisputeQuery{})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "total", p.Total, 2)
		var about []string
		for _, d := range p.Disputes {
			about = append(about, string(d.AboutKind)+" "+d.About)
		}
		equal(t, "order", about, []string{"NODE " + disputedNode, "RELATIONSHIP " + disputedRel})
		p, err = s.Disputes(ctx, graph.DisputeQuery{AboutKind: graph.AboutRelationship})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "relationship disputes", p.Total, 1)
		p, err = s.Disputes(ctx, graph.DisputeQuery{ClaimContains: "tac was", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "claim filter", p.Total, 1)
		p, err = s.Disputes(ctx, graph.DisputeQuery{Offset: 1, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 2 || len(p.Disputes) != 1 || p.Disputes[0].About != disputedRel {
			t.Errorf("second page: total %d, %s", p.Total, jsonOf(p.Disputes))
		}
		_, err = s.Disputes(ctx, graph.DisputeQuery{AboutKind: "SOURCE"})
		WantCode(t, err, graph.EINVALID)
		_, err = s.Disputes(ctx, graph.DisputeQuery{Limit: graph.MaxPageSize + 1})
		WantCode(t, err, graph.EINVALID)
	})

	t.Run("IncludeDisputed", func(t *testing.T) {
		q := graph.NeighbourhoodQuery{Seeds: []string{"act-up"}, Depth: 1}
		all, err := s.Neighbourhood(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		ids := RelIDs(all.Relationships)
		if !slices.Contains(ids, disputedRel) || !slices.Contains(ids, retractedRel) {
			t.Fatalf("default neighbourhood lacks the contested relationships: %v", ids)
		}
		q.ExcludeContested = true
		kept, err := s.Neighbourhood(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == disputedRel || id == retractedRel })
		equal(t, "asserted relationships", RelIDs(kept.Relationships), want)

		// A path that could only use contested relationships is gone.
		pq := graph.PathQuery{From: "act-up", To: "fda", MaxLength: 1, K: 5, Types: []graph.RelType{graph.RelInfluencedPolicyOf}}
		ps, err := s.ShortestPaths(ctx, pq)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "paths with contested", len(ps), 1)
		pq.ExcludeContested = true
		ps, err = s.ShortestPaths(ctx, pq)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "paths without contested", len(ps), 0)
		// Between the same two nodes an asserted parallel relationship is
		// reported instead of a contested one.
		pq = graph.PathQuery{From: "act-up", To: "fda", MaxLength: 1, K: 1, ExcludeContested: true}
		if ps, err = s.ShortestPaths(ctx, pq); err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Relationships[0].Contested() {
			t.Errorf("asserted path = %s", jsonOf(ps))
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		two := func(src string) []*graph.Position {
			return []*graph.Position{{Says: "a", SourceIDs: []string{"src-who"}}, {Says: "b", SourceIDs: []string{src}}}
		}
		base := func() *graph.Relationship {
			return &graph.Relationship{Type: graph.RelPartneredWith, From: "nesta", To: "nhs-england", SourceIDs: []string{"src-nhs"}}
		}
		r := base()
		r.Status = graph.StatusDisputed
		WantCode(t, s.UpsertRelationship(ctx, r, Actor), graph.EINVALID)
		r = base()
		r.Status = "DOUBTFUL"
		WantCode(t, s.UpsertRelationship(ctx, r, Actor), graph.EINVALID)
		r = base()
		r.Disputes = []*graph.Dispute{{Claim: "one side", Positions: two("src-who")[:1]}}
		WantCode(t, s.UpsertRelationship(ctx, r, Actor), graph.EINVALID)
		r = base()
		r.Disputes = []*graph.Dispute{{Claim: "unknown source", Positions: two("no-such-source")}}
		err := s.UpsertRelationship(ctx, r, Actor)
		WantCode(t, err, graph.EINVALID)
		if ps := graph.ErrorProblems(err); len(ps) != 1 {
			t.Errorf("problems = %v, want one naming the source", ps)
		}
		err = s.Import(ctx, &graph.Dataset{Name: "bad", Disputes: []*graph.Dispute{{About: "no-such-node", Claim: "x", Positions: two("src-who")}}}, Actor)
		WantCode(t, err, graph.EINVALID)
		src := &graph.Source{ID: "src-kind", Title: "T", URL: "https://example.org/k", Kind: "BLOG"}
		WantCode(t, s.UpsertSource(ctx, src, Actor), graph.EINVALID)
		if _, err := s.Relationship(ctx, graph.RelationshipID("nesta", graph.RelPartneredWith, "nhs-england", nil)); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("a rejected relationship was written: %v", err)
		}
	})

	t.Run("Clear", func(t *testing.T) {
		r, err := s.Relationship(ctx, disputedRel)
		if err != nil {
			t.Fatal(err)
		}
		r.Status, r.Disputes = graph.StatusAsserted, nil
		if err := s.UpsertRelationship(ctx, r, Actor); err != nil {
			t.Fatal(err)
		}
		if r, err = s.Relationship(ctx, disputedRel); err != nil {
			t.Fatal(err)
		}
		if r.Status != "" || r.Disputes != nil {
			t.Errorf("cleared relationship: status %q, disputes %s", r.Status, jsonOf(r.Disputes))
		}
		p, err := s.Disputes(ctx, graph.DisputeQuery{})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "disputes left", p.Total, 1)
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
