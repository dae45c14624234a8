package resolvers_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/httpapi"
)

// TestPlannedReadsHoldWhatIsSelected: planned reads fetch only the
// properties the operation selects (on Neo4j), yet every field reads what
// the store holds, wherever the same node is met again with another
// selection, and the resolvers that read an unselected property (events
// sort by year) still see it.
func TestPlannedReadsHoldWhatIsSelected(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		ctx := context.Background()
		q := `{ node(id: "act-up") { id name
			relationships(first: 100) { nodes { id year summary from { id summary } to { id name ... on Movement { startYear } } } }
			... on Organisation { movements { id name events { id } } } } }`
		type ref struct{ ID string }
		var out struct {
			Node struct {
				ID, Name      string
				Relationships struct {
					Nodes []struct {
						ID, Summary string
						Year        *int
						From        struct{ ID, Summary string }
						To          struct {
							ID, Name  string
							StartYear *int
						}
					}
				}
				Movements []struct {
					ID, Name string
					Events   []ref
				}
			}
		}
		c.OK(q, nil, &out)
		n, err := s.Node(ctx, "act-up")
		if err != nil {
			t.Fatal(err)
		}
		if out.Node.Name != n.Name {
			t.Errorf("name %q, store has %q", out.Node.Name, n.Name)
		}
		rels := out.Node.Relationships.Nodes
		if len(rels) == 0 || len(out.Node.Movements) == 0 {
			t.Fatalf("act-up: %d relationships, %d movements", len(rels), len(out.Node.Movements))
		}
		for _, r := range rels {
			want, err := s.Relationship(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary != want.Summary || !sameInt(r.Year, want.Year) {
				t.Errorf("relationship %s: summary %q year %v, store has %q %v", r.ID, r.Summary, r.Year, want.Summary, want.Year)
			}
			from, _ := s.Node(ctx, r.From.ID)
			to, _ := s.Node(ctx, r.To.ID)
			if from == nil || to == nil {
				t.Fatalf("relationship %s: endpoints %s, %s not in the store", r.ID, r.From.ID, r.To.ID)
			}
			if r.From.Summary != from.Summary {
				t.Errorf("relationship %s: from %s summary %q, store has %q", r.ID, from.ID, r.From.Summary, from.Summary)
			}
			if r.To.Name != to.Name || (to.Kind == graph.KindMovement && !sameInt(r.To.StartYear, to.StartYear)) {
				t.Errorf("relationship %s: to %s name %q startYear %v, store has %q %v", r.ID, to.ID, r.To.Name, r.To.StartYear, to.Name, to.StartYear)
			}
		}
		sorted := 0
		for _, m := range out.Node.Movements {
			var prev *int
			for i, e := range m.Events {
				ev, err := s.Node(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if i > 0 && ev.Year != nil && (prev == nil || *prev > *ev.Year) {
					t.Errorf("movement %s: events not by year: %s (%d) after one of %s", m.ID, e.ID, *ev.Year, yearText(prev))
				}
				prev = ev.Year
				sorted++
			}
		}
		if sorted < 2 {
			t.Errorf("only %d events under act-up's movements: the ordering is not tested", sorted)
		}
	})
}

func sameInt(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func yearText(y *int) string {
	if y == nil {
		return "no year"
	}
	return strconv.Itoa(*y)
}

// relRecorder records how many relationships each Relationships call
// returned (PlanRelationships answers through it on the generic path).
type relRecorder struct {
	graph.Store
	returned []int
}

func (s *relRecorder) Unwrap() graph.Store { return s.Store }

func (s *relRecorder) Relationships(ctx context.Context, q graph.RelQuery) ([]*graph.Relationship, error) {
	rs, err := s.Store.Relationships(ctx, q)
	s.returned = append(s.returned, len(rs))
	return rs, err
}

// TestRelationshipPagesReadWhatTheyShow: a page of a hub's relationships
// that does not ask for totalCount reads only that page and one more from
// an in-memory store (graph.RelQuery.PerNode), yet pages, cursors,
// hasNextPage and totalCount answer exactly as over the whole list.
func TestRelationshipPagesReadWhatTheyShow(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		type page struct {
			Node struct {
				Relationships struct {
					TotalCount int
					Nodes      []struct{ ID string }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
		}
		var whole page
		c.OK(`{ node(id: "aids-movement") { relationships(first: 500) { totalCount nodes { id } } } }`, nil, &whole)
		all := whole.Node.Relationships.Nodes
		if len(all) < 20 || whole.Node.Relationships.TotalCount != len(all) {
			t.Fatalf("aids-movement has %d relationships, totalCount %d: too few to page", len(all), whole.Node.Relationships.TotalCount)
		}
		rec := &relRecorder{Store: s}
		pc := &client{TB: t, H: httpapi.New(httpapi.Config{Store: rec})}
		var got []string
		var after *string
		for i := 0; ; i++ {
			var p page
			pc.OK(`query($after: String) { node(id: "aids-movement") { relationships(first: 7, after: $after) {
				nodes { id } pageInfo { hasNextPage endCursor } } } }`, map[string]any{"after": after}, &p)
			for _, r := range p.Node.Relationships.Nodes {
				got = append(got, r.ID)
			}
			want := min(len(all), len(got)) < len(all)
			if p.Node.Relationships.PageInfo.HasNextPage != want {
				t.Fatalf("page %d: hasNextPage %v after %d of %d", i, !want, len(got), len(all))
			}
			if !want {
				break
			}
			after = p.Node.Relationships.PageInfo.EndCursor
		}
		if len(got) != len(all) {
			t.Fatalf("paging by 7 gave %d relationships, one page of 500 gave %d", len(got), len(all))
		}
		for i := range all {
			if got[i] != all[i].ID {
				t.Fatalf("relationship %d: paging gave %s, one page %s", i, got[i], all[i].ID)
			}
		}
		if _, ok := s.(graph.InProcess); ok {
			// The first page (offsets 0..6) needs 8 relationships.
			if len(rec.returned) == 0 || rec.returned[0] != 8 {
				t.Errorf("the first page of 7 read %v relationships from the store, want 8 (the page and one more)", rec.returned)
			}
		}
		// totalCount still counts every one.
		var counted page
		pc.OK(`{ node(id: "aids-movement") { relationships(first: 2) { totalCount nodes { id } } } }`, nil, &counted)
		if counted.Node.Relationships.TotalCount != len(all) {
			t.Errorf("totalCount with first: 2 is %d, want %d", counted.Node.Relationships.TotalCount, len(all))
		}
	})
}
