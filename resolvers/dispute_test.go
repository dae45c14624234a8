package resolvers_test

import (
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

const heumannLED = "judith-heumann:LED:section-504-sit-in:1977"

// TestDisputesAPI: source kinds, relationship status, disputes on nodes
// and relationships, the disputes listing and includeDisputed, through
// GraphQL on the curated data, on every store.
func TestDisputesAPI(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, _ graph.Store) {
		var src struct {
			Source struct{ Kind *string }
		}
		c.OK(`{ source(id: "tac-chronology") { kind } }`, nil, &src)
		if src.Source.Kind == nil || *src.Source.Kind != "MIRROR" {
			t.Errorf("tac-chronology kind = %v, want MIRROR", src.Source.Kind)
		}

		type position struct {
			Says    string
			Sources []struct{ ID, Kind string }
		}
		type dispute struct {
			About, AboutKind, Claim string
			Note                    *string
			Positions               []position
			Node                    *struct{ ID string }
			Relationship            *struct{ ID string }
		}
		var rel struct {
			Relationship struct {
				Status   string
				Disputes []dispute
			}
			Other struct{ Status string }
		}
		c.OK(`query($id: ID!) {
			relationship(id: $id) { status disputes { about aboutKind claim note relationship { id } node { id }
				positions { says sources { id kind } } } }
			other: relationship(id: "32-charities-demand-routine-nhs-prep-by-april-2019:DESCRIBES:accountability:2018") { status }
		}`, map[string]any{"id": heumannLED}, &rel)
		r := rel.Relationship
		if r.Status != "DISPUTED" || len(r.Disputes) != 1 {
			t.Fatalf("504 LED: %+v", r)
		}
		d := r.Disputes[0]
		if d.About != heumannLED || d.AboutKind != "RELATIONSHIP" || d.Relationship == nil || d.Relationship.ID != heumannLED ||
			d.Node != nil || len(d.Positions) != 4 || len(d.Positions[2].Sources) != 2 || d.Positions[2].Sources[0].Kind == "" {
			t.Errorf("504 LED dispute: %+v", d)
		}
		if rel.Other.Status != "ASSERTED" {
			t.Errorf("an undisputed relationship has status %q", rel.Other.Status)
		}

		var node struct {
			Node struct{ Disputes []dispute }
		}
		c.OK(`{ node(id: "durban-global-march-for-treatment") { disputes { about aboutKind claim node { id } positions { says } } } }`, nil, &node)
		if len(node.Node.Disputes) < 2 || node.Node.Disputes[0].AboutKind != "NODE" || node.Node.Disputes[0].Node == nil ||
			node.Node.Disputes[0].Node.ID != "durban-global-march-for-treatment" {
			t.Errorf("Durban disputes: %+v", node.Node.Disputes)
		}

		var list struct {
			All struct {
				TotalCount int
				Nodes      []dispute
				PageInfo   struct{ HasNextPage bool }
			}
			Rels    struct{ TotalCount int }
			Claim   struct{ TotalCount int }
			ByAbout struct{ TotalCount int }
		}
		c.OK(`{
			all: disputes(first: 10) { totalCount nodes { about aboutKind } pageInfo { hasNextPage } }
			rels: disputes(aboutKind: RELATIONSHIP) { totalCount }
			claim: disputes(claimContains: "504 SIT-IN") { totalCount }
			byAbout: disputes(about: ["durban-global-march-for-treatment"]) { totalCount }
		}`, nil, &list)
		if list.All.TotalCount != 74 || len(list.All.Nodes) != 10 || !list.All.PageInfo.HasNextPage ||
			list.Rels.TotalCount != 3 || list.Claim.TotalCount != 1 || list.ByAbout.TotalCount != len(node.Node.Disputes) {
			t.Errorf("disputes listing: %+v", list)
		}
		if res := c.Post(`{ disputes(first: 501) { totalCount } }`, nil); res.Code() != "BAD_USER_INPUT" {
			t.Errorf("first: 501 gave %s", res.Code())
		}

		type sub struct {
			Relationships []struct{ ID, Status string }
		}
		var nb struct{ With, Without sub }
		c.OK(`{
			with: neighbourhood(id: "section-504-sit-in") { relationships { id status } }
			without: neighbourhood(id: "section-504-sit-in", includeDisputed: false) { relationships { id status } }
		}`, nil, &nb)
		has := func(s sub) bool {
			for _, r := range s.Relationships {
				if r.ID == heumannLED {
					return r.Status == "DISPUTED"
				}
			}
			return false
		}
		// Left out, the relationship no longer joins Heumann to the sit-in, so
		// her other links into the neighbourhood go too.
		if !has(nb.With) || has(nb.Without) || len(nb.Without.Relationships) >= len(nb.With.Relationships) {
			t.Errorf("neighbourhood: with %d (disputed marked: %v), without %d", len(nb.With.Relationships), has(nb.With), len(nb.Without.Relationships))
		}

		var ps struct {
			With, Without []struct{ Relationships []struct{ ID string } }
		}
		c.OK(`{
			with: paths(from: "judith-heumann", to: "section-504-sit-in", maxLength: 1) { relationships { id } }
			without: paths(from: "judith-heumann", to: "section-504-sit-in", maxLength: 1, includeDisputed: false) { relationships { id } }
		}`, nil, &ps)
		if len(ps.With) != 1 || ps.With[0].Relationships[0].ID != heumannLED || len(ps.Without) != 0 {
			t.Errorf("paths: with %+v, without %+v", ps.With, ps.Without)
		}

		var ex struct {
			With, Without struct {
				Content           string
				DownloadURL       string
				RelationshipCount int
			}
		}
		c.OK(`{
			with: exportSubgraph(seeds: ["section-504-sit-in"], format: JSON) { content downloadUrl relationshipCount }
			without: exportSubgraph(seeds: ["section-504-sit-in"], format: JSON, includeDisputed: false) { content downloadUrl relationshipCount }
		}`, nil, &ex)
		if !strings.Contains(ex.With.Content, `"status":"DISPUTED"`) || !strings.Contains(ex.With.Content, "Kitty Cone") ||
			strings.Contains(ex.Without.Content, heumannLED) || ex.Without.RelationshipCount != len(nb.Without.Relationships) ||
			!strings.Contains(ex.Without.DownloadURL, "includeDisputed=false") || strings.Contains(ex.With.DownloadURL, "includeDisputed") {
			t.Errorf("export: with %d rels (%s), without %d rels (%s)", ex.With.RelationshipCount, ex.With.DownloadURL,
				ex.Without.RelationshipCount, ex.Without.DownloadURL)
		}
	})
}

// TestDisputeMutations: upserts write kinds, statuses and disputes, keep
// recorded ones when the input leaves them out, and refuse a one-sided
// dispute.
func TestDisputeMutations(t *testing.T) {
	c := newClient(t, memstoreWithCurated(t))
	post := func(q string, vars map[string]any) *gqlResponse {
		t.Helper()
		return c.Post(q, vars, auth()...)
	}
	// Editing the summary alone keeps the status and the dispute.
	res := post(`mutation { upsertRelationship(input: {type: LED, from: "judith-heumann", to: "section-504-sit-in", year: 1977,
		summary: "Edited.", sourceIds: ["dis-jwa-heumann"]}) { status disputes { claim } } }`, nil)
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"status":"DISPUTED"`) || !strings.Contains(string(res.Data), "Who led") {
		t.Errorf("edit kept status and disputes? %s %+v", res.Data, res.Errors)
	}
	// Setting them replaces them.
	res = post(`mutation { upsertRelationship(input: {type: LED, from: "judith-heumann", to: "section-504-sit-in", year: 1977,
		sourceIds: ["dis-jwa-heumann"], status: ASSERTED, disputes: []}) { status disputes { claim } } }`, nil)
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"status":"ASSERTED","disputes":[]`) {
		t.Errorf("clear: %s %+v", res.Data, res.Errors)
	}
	res = post(`mutation { upsertNode(input: {id: "tac", kind: ORGANISATION, name: "TAC", sourceIds: ["tac-pr-2001"],
		disputes: [{claim: "One side", positions: [{says: "a", sourceIds: ["tac-pr-2001"]}]}]}) { id } }`, nil)
	if res.Code() != "BAD_USER_INPUT" || len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, "at least 2") {
		t.Errorf("one-sided dispute: %s %+v", res.Data, res.Errors)
	}
	res = post(`mutation { upsertSource(input: {id: "src-new", title: "New", url: "https://example.org/new", kind: ARCHIVE}) { kind } }`, nil)
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"kind":"ARCHIVE"`) {
		t.Errorf("source kind: %s %+v", res.Data, res.Errors)
	}
}
