package lens_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/lens"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/storetest"
)

func fixtureStore(t *testing.T, d *graph.Dataset) graph.Store {
	t.Helper()
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

func cellKey(c *lens.Cell) string {
	decade := "undated"
	if c.Decade != nil {
		decade = fmt.Sprint(*c.Decade)
	}
	ids := ""
	for _, e := range c.Episodes {
		ids += " " + e.ID
	}
	return fmt.Sprintf("%s|%s|%s|%d:%s", c.TensionID, c.MovementID, decade, c.Count(), ids)
}

// The fixture's five episodes land in the cells the attribution rule says:
// an endpoint is the movement or one of its PART_OF members.
func TestMatrix(t *testing.T) {
	s := fixtureStore(t, storetest.Fixture())
	cells, err := lens.Matrix(context.Background(), s, lens.Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"tension-accountability|breast-cancer-movement|2010|1: macmillan-cancer-support:CO_OPTED_BY:nhs-england:2016",
		"tension-accountability|disability-rights-movement|2010|1: disability-rights-movement:INFLUENCED_POLICY_OF:nhs-england:2015",
		"tension-co-option|aids-movement|undated|1: act-up:INFLUENCED_POLICY_OF:fda",
		"tension-co-option|breast-cancer-movement|2010|2: macmillan-cancer-support:CO_OPTED_BY:nhs-england:2016 macmillan-cancer-support:PARTNERED_WITH:nhs-england:2014",
		"tension-formal-vs-restless|aids-movement|1980|1: act-up:CHALLENGED:fda:1988",
	}
	if len(cells) != len(want) {
		for _, c := range cells {
			t.Log(cellKey(c))
		}
		t.Fatalf("%d cells, want %d", len(cells), len(want))
	}
	for i, c := range cells {
		if got := cellKey(c); got != want[i] {
			t.Errorf("cell %d:\n got %s\nwant %s", i, got, want[i])
		}
	}

	// asOf leaves later episodes out; a filter on one movement keeps its cells.
	asOf := 2014
	cells, err = lens.Matrix(context.Background(), s, lens.Query{MovementIDs: []string{"breast-cancer-movement"}, AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 || cellKey(cells[0]) != "tension-co-option|breast-cancer-movement|2010|1: macmillan-cancer-support:PARTNERED_WITH:nhs-england:2014" {
		t.Errorf("breast cancer movement as of 2014: %v", cells)
	}
}

func TestMatrixRejects(t *testing.T) {
	s := fixtureStore(t, storetest.Fixture())
	ctx := context.Background()
	bad := 99999
	for name, q := range map[string]lens.Query{
		"not a tension":  {TensionIDs: []string{"act-up"}},
		"not a movement": {MovementIDs: []string{"fda"}},
		"asOf":           {AsOf: &bad},
	} {
		if _, err := lens.Matrix(ctx, s, q); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: got %v, want EINVALID", name, err)
		}
	}
	if _, err := lens.Matrix(ctx, s, lens.Query{TensionIDs: []string{"no-such-tension"}}); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("unknown tension: got %v, want ENOTFOUND", err)
	}
}

func TestTopInstitutions(t *testing.T) {
	s := fixtureStore(t, storetest.Fixture())
	top, err := lens.TopInstitutions(context.Background(), s, "tension-co-option", nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range top {
		got = append(got, fmt.Sprintf("%s=%d", c.Institution.ID, len(c.Episodes)))
	}
	if fmt.Sprint(got) != "[nhs-england=2 fda=1]" {
		t.Errorf("top institutions for co-option: %v, want [nhs-england=2 fda=1]", got)
	}
}

func TestCompare(t *testing.T) {
	s := fixtureStore(t, storetest.Fixture())
	c, err := lens.Compare(context.Background(), s, "aids-movement", "breast-cancer-movement", nil)
	if err != nil {
		t.Fatal(err)
	}
	var inst []string
	for _, n := range c.SharedInstitutions {
		inst = append(inst, n.ID)
	}
	if fmt.Sprint(inst) != "[fda]" {
		t.Errorf("shared institutions %v, want [fda]", inst)
	}
	if fmt.Sprint(c.A.Members) != "[act-up treatment-action-campaign]" || fmt.Sprint(c.B.Members) != "[breast-cancer-action macmillan-cancer-support]" {
		t.Errorf("members %v / %v", c.A.Members, c.B.Members)
	}
	if c.B.Tensions["tension-co-option"] != 2 || c.A.Tensions["tension-formal-vs-restless"] != 1 {
		t.Errorf("tension profiles %v / %v", c.A.Tensions, c.B.Tensions)
	}
	for i := 1; i < len(c.A.Timeline); i++ {
		if *c.A.Timeline[i-1].Year > *c.A.Timeline[i].Year {
			t.Fatalf("timeline out of order at %d", i)
		}
	}
	if _, err := lens.Compare(context.Background(), s, "aids-movement", "aids-movement", nil); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("same movement twice: %v, want EINVALID", err)
	}
}

// On the curated graph every tension has episodes attributed to the AIDS
// movement or another; the matrix is the evidence a researcher reads.
func TestCuratedMatrix(t *testing.T) {
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	s := fixtureStore(t, d)
	cells, err := lens.Matrix(context.Background(), s, lens.Query{})
	if err != nil {
		t.Fatal(err)
	}
	perTension := map[string]int{}
	for _, c := range cells {
		perTension[c.TensionID] += c.Count()
		for _, e := range c.Episodes {
			if len(e.SourceIDs) == 0 {
				t.Errorf("episode %s has no source", e.ID)
			}
		}
	}
	if len(perTension) < 5 {
		t.Errorf("attributed episodes for %d tensions, want all five: %v", len(perTension), perTension)
	}
	t.Logf("attributed episodes per tension: %v", perTension)
}
