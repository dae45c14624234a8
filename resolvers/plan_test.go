package resolvers_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/hmkg/hmkg/graph"
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
