// Package synth generates synthetic knowledge graphs with the curated
// data's schema, for benchmarks and scale tests. The same arguments always
// give the same graph.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Shares of each kind among generated nodes; tensions are fixed at five.
var kindShares = []struct {
	kind  graph.Kind
	share float64
}{
	{graph.KindMovement, 0.04},
	{graph.KindOrganisation, 0.26},
	{graph.KindInstitution, 0.15},
	{graph.KindReport, 0.10},
	{graph.KindPerson, 0.25},
	{graph.KindEvent, 0.20},
}

var words = strings.Fields(`access action advocacy alliance autonomy care carers choice citizen
	clinic coalition collective community consent council cure direct disability equality evidence
	forum freedom fund health hearing hospice housing independent justice living maternity medicine
	mental movement mutual network nurse open patient peer people planning policy power practice
	prevention public recovery reform research rights safety screening service social solidarity
	support survivor treatment trust union voice wellbeing women workers youth`)

var regions = []string{"United Kingdom", "United States", "South Africa", "India", "Brazil", "Kenya", "Canada", "Australia", "France", "Germany"}

// Generate returns a dataset with about nodes nodes and nodes*avgDegree/2
// relationships (so the mean degree is avgDegree), every record sourced.
// Endpoints are drawn with a skew so that some nodes become hubs, as in the
// curated graph.
func Generate(nodes, avgDegree int, seed int64) *graph.Dataset {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	d := &graph.Dataset{
		Name:    "synthetic",
		Version: fmt.Sprintf("n%d-d%d-s%d", nodes, avgDegree, seed),
	}
	nSources := max(1, nodes/100)
	d.Sources = make([]*graph.Source, nSources)
	for i := range d.Sources {
		y := 1970 + rng.IntN(55)
		d.Sources[i] = &graph.Source{
			ID: fmt.Sprintf("src-%d", i), Title: "Synthetic source " + phrase(rng, 4),
			URL: fmt.Sprintf("https://example.org/sources/%d", i), Publisher: "Synthetic Press", Year: &y,
		}
	}
	source := func() []string { return []string{d.Sources[rng.IntN(nSources)].ID} }
	d.Nodes = make([]*graph.Node, 0, nodes)
	for i := 0; i < 5 && i < nodes; i++ {
		d.Nodes = append(d.Nodes, &graph.Node{
			ID: fmt.Sprintf("tension-%d", i), Kind: graph.KindTension, Name: "Tension of " + phrase(rng, 2),
			Question: "How can " + phrase(rng, 3) + " work with " + phrase(rng, 2) + "?", SourceIDs: source(),
		})
	}
	for i := len(d.Nodes); i < nodes; i++ {
		d.Nodes = append(d.Nodes, node(rng, i, source()))
	}
	nRels := nodes * avgDegree / 2
	d.Relationships = make([]*graph.Relationship, 0, nRels)
	seen := make(map[string]bool, nRels)
	for len(d.Relationships) < nRels && nodes > 1 {
		from, to := d.Nodes[skewed(rng, nodes)], d.Nodes[rng.IntN(nodes)]
		if from == to {
			continue
		}
		t := graph.RelTypes[rng.IntN(len(graph.RelTypes))]
		var year *int
		if rng.IntN(10) < 7 {
			y := 1960 + rng.IntN(65)
			year = &y
		}
		id := graph.RelationshipID(from.ID, t, to.ID, year)
		if seen[id] {
			continue
		}
		seen[id] = true
		r := &graph.Relationship{ID: id, Type: t, From: from.ID, To: to.ID, Year: year,
			Summary: "Synthetic link about " + phrase(rng, 3), SourceIDs: source()}
		if rng.IntN(8) == 0 {
			r.TensionIDs = []string{fmt.Sprintf("tension-%d", rng.IntN(min(5, nodes)))}
		}
		d.Relationships = append(d.Relationships, r)
	}
	return d
}

func node(rng *rand.Rand, i int, sources []string) *graph.Node {
	x, k := rng.Float64(), graph.KindEvent
	for _, s := range kindShares {
		if x < s.share {
			k = s.kind
			break
		}
		x -= s.share
	}
	n := &graph.Node{
		ID: fmt.Sprintf("%s-%d", strings.ToLower(string(k)), i), Kind: k,
		Name:      titleCase(phrase(rng, 2+rng.IntN(3))),
		Summary:   "A synthetic " + strings.ToLower(k.Label()) + " concerned with " + phrase(rng, 6) + ".",
		SourceIDs: sources,
	}
	year := func() *int { y := 1950 + rng.IntN(75); return &y }
	switch k {
	case graph.KindMovement:
		n.StartYear, n.Region = year(), regions[rng.IntN(len(regions))]
		n.Aliases = []string{titleCase(phrase(rng, 2))}
	case graph.KindOrganisation:
		n.FoundedYear, n.Region, n.Category = year(), regions[rng.IntN(len(regions))], "grassroots"
	case graph.KindInstitution:
		n.Country, n.Category = regions[rng.IntN(len(regions))], "government"
	case graph.KindReport:
		n.Year, n.URL = year(), fmt.Sprintf("https://example.org/reports/%d", i)
	case graph.KindPerson:
		n.Role = "Campaigner for " + phrase(rng, 2)
	case graph.KindEvent:
		n.Year = year()
	}
	return n
}

// skewed draws an index in [0,n) favouring low indexes, which gives the
// long-tailed degree distribution of real networks.
func skewed(rng *rand.Rand, n int) int {
	f := rng.Float64()
	return int(f * f * float64(n))
}

func phrase(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}

func titleCase(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		ws[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(ws, " ")
}
