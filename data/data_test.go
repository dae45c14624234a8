package data

import (
	"errors"
	"testing"

	"github.com/hmkg/hmkg/graph"
)

func load(t *testing.T) *graph.Dataset {
	t.Helper()
	d, err := Curated()
	if err != nil {
		t.Fatalf("Curated: %v", err)
	}
	return d
}

func TestCuratedValidates(t *testing.T) {
	d := load(t)
	if err := d.Validate(nil); err != nil {
		var ge *graph.Error
		if errors.As(err, &ge) {
			for _, p := range ge.Problems {
				t.Error(p)
			}
		}
		t.Fatalf("Validate: %v", err)
	}
	if d.Name != "health-movements" || d.Version == "" || d.Description == "" {
		t.Errorf("name/version/description = %q/%q/%d chars", d.Name, d.Version, len(d.Description))
	}
}

func TestCuratedSize(t *testing.T) {
	d := load(t)
	if len(d.Nodes) < 750 {
		t.Errorf("nodes = %d, want at least 750", len(d.Nodes))
	}
	if len(d.Relationships) < 1300 {
		t.Errorf("relationships = %d, want at least 1300", len(d.Relationships))
	}
	kinds := map[graph.Kind]int{}
	for _, n := range d.Nodes {
		kinds[n.Kind]++
	}
	for _, k := range graph.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no node of kind %s", k)
		}
	}
	if kinds[graph.KindTension] != 5 {
		t.Errorf("tensions = %d, want 5", kinds[graph.KindTension])
	}
}

func TestCuratedEverythingSourcedAndSummarised(t *testing.T) {
	d := load(t)
	for _, n := range d.Nodes {
		if len(n.SourceIDs) == 0 {
			t.Errorf("node %s has no source", n.ID)
		}
		if n.Summary == "" {
			t.Errorf("node %s has no summary", n.ID)
		}
	}
	for _, r := range d.Relationships {
		if len(r.SourceIDs) == 0 {
			t.Errorf("relationship %s has no source", r.ID)
		}
		if r.Summary == "" {
			t.Errorf("relationship %s has no summary", r.ID)
		}
		if want := graph.RelationshipID(r.From, r.Type, r.To, r.Year); r.ID != want {
			t.Errorf("relationship id %s, want %s", r.ID, want)
		}
	}
}

func TestCuratedNamedIDs(t *testing.T) {
	d := load(t)
	kinds := map[string]graph.Kind{}
	for _, n := range d.Nodes {
		kinds[n.ID] = n.Kind
	}
	want := map[string]graph.Kind{
		"act-up":                     graph.KindOrganisation,
		"nhs-england":                graph.KindInstitution,
		"fda":                        graph.KindInstitution,
		"nesta":                      graph.KindInstitution,
		"aids-movement":              graph.KindMovement,
		"breast-cancer-movement":     graph.KindMovement,
		"disability-rights-movement": graph.KindMovement,
		"formal-vs-restless":         graph.KindTension,
		"accountability":             graph.KindTension,
		"co-option":                  graph.KindTension,
		"limits-of-movements":        graph.KindTension,
		"scale-vs-agility":           graph.KindTension,
	}
	for id, k := range want {
		if kinds[id] != k {
			t.Errorf("node %s: kind %q, want %q", id, kinds[id], k)
		}
	}
}

func TestCuratedRichlyConnected(t *testing.T) {
	d := load(t)
	degree := map[string]int{}
	episodes := map[string]map[string]bool{}
	for _, r := range d.Relationships {
		degree[r.From]++
		degree[r.To]++
		for _, ten := range r.TensionIDs {
			if episodes[ten] == nil {
				episodes[ten] = map[string]bool{}
			}
			episodes[ten][r.ID] = true
		}
	}
	for _, m := range []string{"aids-movement", "breast-cancer-movement", "disability-rights-movement"} {
		// The facts record most of a movement's activity on its member
		// organisations and episodes (PART_OF the movement), so richness is
		// measured over the movement together with its members.
		members := map[string]bool{m: true}
		for _, r := range d.Relationships {
			if r.Type == graph.RelPartOf && r.To == m {
				members[r.From] = true
			}
		}
		community := 0
		for _, r := range d.Relationships {
			if members[r.From] || members[r.To] {
				community++
			}
		}
		if degree[m] < 10 {
			t.Errorf("movement %s has %d direct relationships, want at least 10", m, degree[m])
		}
		if len(members) < 6 {
			t.Errorf("movement %s has %d members, want at least 5", m, len(members)-1)
		}
		if community < 25 {
			t.Errorf("movement %s and its members have %d relationships, want at least 25", m, community)
		}
	}
	for _, ten := range []string{"formal-vs-restless", "accountability", "co-option", "limits-of-movements", "scale-vs-agility"} {
		// Episodes are relationships tagged with the tension plus
		// relationships that point at the tension node itself.
		n := len(episodes[ten]) + degree[ten]
		if n < 5 {
			t.Errorf("tension %s is linked to %d episodes, want at least 5", ten, n)
		}
		if len(episodes[ten]) < 3 {
			t.Errorf("tension %s tags %d relationships, want at least 3", ten, len(episodes[ten]))
		}
	}
}

func TestCuratedFreshCopy(t *testing.T) {
	a := load(t)
	a.Nodes[0].Name = "changed"
	b := load(t)
	if b.Nodes[0].Name == "changed" {
		t.Fatal("Curated returned shared state")
	}
}
