package mapimport_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/loader/mapimport"
)

var cite = graph.Source{ID: "kumu-map-2025", Title: "Health movements map (Kumu)", URL: "https://kumu.io/example/health-movements"}

// curatedStore is a memstore holding the curated dataset.
func curatedStore(t *testing.T) (*memstore.Store, *graph.Dataset) {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	if err := s.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return s, d
}

func exportAll(t *testing.T, s graph.Store, f export.Format) []byte {
	t.Helper()
	doc, err := export.Prepare(context.Background(), s, f, export.Selection{}, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.Encode(&buf, f, doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withCitation is what an imported record should be: the original, citing
// the map's source as well.
func withCitation(ids []string) []string {
	return append(slices.Clone(ids), cite.ID)
}

// TestRoundTrip exports the whole curated graph in every map format that
// can hold it, imports the file into an empty store and compares every
// node, relationship and source with the original. The only difference is
// the citation of the map's source, which an import adds to every fact.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, orig := curatedStore(t)
	for _, c := range []struct {
		format export.Format
		name   string
	}{
		{export.Kumu, "map.json"},
		{export.KumuXLSX, "map.xlsx"},
		{export.GephiCSV, "map.zip"},
		{export.Cytoscape, "map.cyjs"},
	} {
		t.Run(string(c.format), func(t *testing.T) {
			file := mapimport.File{Name: c.name, Data: exportAll(t, src, c.format)}
			// Kumu and Gephi files carry the node metrics (graph/analysis);
			// the import must ignore them, which the comparison below proves.
			if c.format == export.Kumu && !bytes.Contains(file.Data, []byte(`"Page Rank":`)) {
				t.Fatal("the Kumu export carries no metrics: this round trip would not test that they are ignored")
			}
			d, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Citation: cite})
			if err != nil {
				t.Fatalf("convert: %v\n%s", err, strings.Join(graph.ErrorProblems(err), "\n"))
			}
			dst := memstore.New()
			defer dst.Close()
			if err := dst.Import(ctx, d, "test"); err != nil {
				t.Fatalf("import: %v\n%s", err, strings.Join(graph.ErrorProblems(err), "\n"))
			}
			compareStores(t, orig, dst)
			// Importing the same map again changes nothing.
			before, _ := dst.Stats(ctx)
			d2, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Citation: cite})
			if err != nil {
				t.Fatal(err)
			}
			if err := dst.Import(ctx, d2, "test"); err != nil {
				t.Fatal(err)
			}
			after, _ := dst.Stats(ctx)
			if before.Nodes != after.Nodes || before.Relationships != after.Relationships || before.Sources != after.Sources {
				t.Errorf("re-import: %+v then %+v", before, after)
			}
		})
	}
}

func compareStores(t *testing.T, want *graph.Dataset, got graph.Store) {
	t.Helper()
	ctx := context.Background()
	stats, err := got.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// An unfiltered whole-graph export carries every source, cited or not
	// (graph/export.Prepare), so the map brings them all back.
	wantSources := want.Sources
	if stats.Nodes != len(want.Nodes) || stats.Relationships != len(want.Relationships) || stats.Sources != len(wantSources)+1 {
		t.Errorf("imported %d nodes, %d relationships, %d sources; want %d, %d, %d+1",
			stats.Nodes, stats.Relationships, stats.Sources, len(want.Nodes), len(want.Relationships), len(wantSources))
	}
	for _, n := range want.Nodes {
		g, err := got.Node(ctx, n.ID)
		if err != nil {
			t.Errorf("node %s: %v", n.ID, err)
			continue
		}
		w := *n
		w.SourceIDs = withCitation(n.SourceIDs)
		if !reflect.DeepEqual(norm(&w), norm(g)) {
			t.Errorf("node %s:\n got %s\nwant %s", n.ID, js(g), js(&w))
		}
	}
	for _, r := range want.Relationships {
		id := r.ID
		if id == "" {
			id = graph.RelationshipID(r.From, r.Type, r.To, r.Year)
		}
		g, err := got.Relationship(ctx, id)
		if err != nil {
			t.Errorf("relationship %s: %v", id, err)
			continue
		}
		w := *r
		w.ID = id
		w.SourceIDs = withCitation(r.SourceIDs)
		if js(&w) != js(g) {
			t.Errorf("relationship %s:\n got %s\nwant %s", id, js(g), js(&w))
		}
	}
	ids := make([]string, 0, len(wantSources))
	for _, s := range wantSources {
		ids = append(ids, s.ID)
	}
	ss, err := got.SourcesByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(ss, func(a, b *graph.Source) int { return cmp.Compare(a.ID, b.ID) })
	ws := slices.Clone(wantSources)
	slices.SortFunc(ws, func(a, b *graph.Source) int { return cmp.Compare(a.ID, b.ID) })
	if js(ss) != js(ws) {
		t.Errorf("sources differ:\n got %s\nwant %s", js(ss), js(ws))
	}
}

// norm is n as JSON with empty lists dropped, for comparison.
func norm(n *graph.Node) string {
	c := *n
	if len(c.Aliases) == 0 {
		c.Aliases = nil
	}
	return js(&c)
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// workbook builds an XLSX file from sheets of rows (the first row the header).
func workbook(t *testing.T, sheets ...sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type sheet struct {
	name string
	rows [][]any
}

func mapping(t *testing.T, s string) *mapimport.Mapping {
	t.Helper()
	m, err := mapimport.ReadMapping(strings.NewReader(s), "mapping.json")
	if err != nil {
		t.Fatalf("mapping: %v %v", err, graph.ErrorProblems(err))
	}
	return m
}

const onodoMapping = `{
  "kinds": {"Activist group": "MOVEMENT", "NGO": "ORGANISATION", "Ministry": "INSTITUTION", "Activist": "PERSON"},
  "relationships": {"Allies": "PARTNERED_WITH", "Funds": {"type": "FUNDED_BY", "reverse": true}, "Lobbies": "TARGETED"}
}`

func onodoWorkbook(t *testing.T) []byte {
	return workbook(t,
		sheet{"Nodes", [][]any{
			{"Name", "Type", "Description", "Visible"},
			{"Treatment Action Campaign", "Activist group", "South African HIV treatment movement", true},
			{"Zackie Achmat", "Activist", "", true},
			{"Oxfam", "NGO", "International NGO", true},
			{"Ministry of Health (SA)", "Ministry", "", true},
		}},
		sheet{"Relations", [][]any{
			{"Source", "Target", "Type", "Directed", "At", "From", "To"},
			{"Treatment Action Campaign", "Oxfam", "Allies", false, "", "2001-03-05", "2004"},
			{"Oxfam", "Treatment Action Campaign", "Funds", true, 2002, "", ""},
			{"Treatment Action Campaign", "Ministry of Health (SA)", "Lobbies", true, "1999-12-10", "", ""},
			{"Zackie Achmat", "Treatment Action Campaign", "LED", true, "", "", ""},
		}},
	)
}

// TestOnodoWorkbook imports an Onodo-style workbook made here with a
// mapping file: types mapped, a reversed relationship, years from At and
// From, ids derived from names, every fact citing the map's source.
func TestOnodoWorkbook(t *testing.T) {
	file := mapimport.File{Name: "onodo.xlsx", Data: onodoWorkbook(t)}
	if f := mapimport.Detect([]mapimport.File{file}); f != mapimport.Onodo {
		t.Errorf("Detect = %q, want onodo", f)
	}
	d, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Mapping: mapping(t, onodoMapping), Citation: cite})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(graph.ErrorProblems(err), "\n"))
	}
	var got []string
	for _, n := range d.Nodes {
		got = append(got, fmt.Sprintf("%s %s %q %v", n.ID, n.Kind, n.Summary, n.SourceIDs))
	}
	for _, r := range d.Relationships {
		got = append(got, fmt.Sprintf("%s %v", r.ID, r.SourceIDs))
	}
	want := []string{
		`treatment-action-campaign MOVEMENT "South African HIV treatment movement" [kumu-map-2025]`,
		`zackie-achmat PERSON "" [kumu-map-2025]`,
		`oxfam ORGANISATION "International NGO" [kumu-map-2025]`,
		`ministry-of-health-sa INSTITUTION "" [kumu-map-2025]`,
		`treatment-action-campaign:PARTNERED_WITH:oxfam:2001 [kumu-map-2025]`,
		`treatment-action-campaign:FUNDED_BY:oxfam:2002 [kumu-map-2025]`,
		`treatment-action-campaign:TARGETED:ministry-of-health-sa:1999 [kumu-map-2025]`,
		`zackie-achmat:LED:treatment-action-campaign [kumu-map-2025]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Into a store, twice: the second import updates, it does not duplicate.
	s := memstore.New()
	defer s.Close()
	for i := 0; i < 2; i++ {
		d, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Mapping: mapping(t, onodoMapping), Citation: cite})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Import(context.Background(), d, "test"); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := s.Stats(context.Background())
	if st.Nodes != 4 || st.Relationships != 4 || st.Sources != 1 {
		t.Errorf("after two imports: %d nodes, %d relationships, %d sources", st.Nodes, st.Relationships, st.Sources)
	}
}

// TestPolinodeWorkbook imports a Polinode-style workbook (Nodes, Edges)
// whose types sit in columns the mapping names, with id prefix and the
// label as id.
func TestPolinodeWorkbook(t *testing.T) {
	file := mapimport.File{Name: "polinode.xlsx", Data: workbook(t,
		sheet{"Nodes", [][]any{
			{"Name", "Sector", "Founded"},
			{"ACT UP", "Movement", 1987},
			{"Gay Men's Health Crisis", "Charity", 1982},
			{"FDA", "Regulator", ""},
		}},
		sheet{"Edges", [][]any{
			{"Source", "Target", "Relationship", "Year"},
			{"ACT UP", "FDA", "protested", 1988},
			{"act up", "Gay Men's Health Crisis", "partnered with", ""},
		}},
	)}
	if f := mapimport.Detect([]mapimport.File{file}); f != mapimport.Polinode {
		t.Errorf("Detect = %q, want polinode", f)
	}
	m := mapping(t, `{"kinds": {"Charity": "ORGANISATION", "Regulator": "INSTITUTION"},
		"relationships": {"protested": "CHALLENGED"}, "idPrefix": "pn-", "idFrom": "label",
		"columns": {"nodeType": "Sector", "relationshipType": "Relationship"}}`)
	d, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Format: mapimport.Polinode, Mapping: m, Citation: cite})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(graph.ErrorProblems(err), "\n"))
	}
	var ids []string
	for _, n := range d.Nodes {
		ids = append(ids, string(n.ID)+"/"+string(n.Kind))
	}
	for _, r := range d.Relationships {
		ids = append(ids, r.ID)
	}
	if got, want := strings.Join(ids, " "), "pn-act-up/MOVEMENT pn-gay-mens-health-crisis/ORGANISATION pn-fda/INSTITUTION "+
		"pn-act-up:CHALLENGED:pn-fda:1988 pn-act-up:PARTNERED_WITH:pn-gay-mens-health-crisis"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestProblemsAllAtOnce: unknown types, dangling endpoints, bad years,
// colliding ids and an invalid citation are all reported in one error,
// each with its sheet and row.
func TestProblemsAllAtOnce(t *testing.T) {
	file := mapimport.File{Name: "map.xlsx", Data: workbook(t,
		sheet{"Nodes", [][]any{
			{"Name", "Type", "Description"},
			{"TAC", "Activist group", ""},
			{"Oxfam", "Charity", ""},
			{"T.A.C.", "NGO", ""},
			{"", "", ""},
			{"Voice", "Tension", ""},
		}},
		sheet{"Relations", [][]any{
			{"Source", "Target", "Type", "Directed", "At"},
			{"TAC", "Oxfam", "Allies", true, ""},
			{"TAC", "Nobody", "Funds", true, ""},
			{"TAC", "Oxfam", "Lobbies", true, "someday"},
			{"TAC", "Oxfam", "Enemies", true, ""},
			{"", "Oxfam", "Allies", true, ""},
		}},
	)}
	m := mapping(t, onodoMapping)
	_, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Format: mapimport.Onodo, Mapping: m,
		Citation: graph.Source{ID: "Bad Id", Title: "x", URL: "ftp://x"}})
	if graph.ErrorCode(err) != graph.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	got := graph.ErrorProblems(err)
	all := strings.Join(got, "\n")
	for _, w := range []string{
		`the map's source (--source-id, --source-title, --source-url): source id "Bad Id" is not a slug (lower-case words joined by hyphens)`,
		`the map's source (--source-id, --source-title, --source-url): url "ftp://x" is not an absolute http(s) URL`,
		`map.xlsx: Nodes row 3: unknown type "Charity" (map it to a kind in the mapping file's "kinds")`,
		`map.xlsx: Relations row 3: unknown to element "Nobody" (no element has that id or label)`,
		`map.xlsx: Relations row 4: year: "someday" is not a year`,
		`map.xlsx: Relations row 5: unknown type "Enemies" (map it to a relationship type in the mapping file's "relationships")`,
		`map.xlsx: Relations row 6: no from element`,
		`map.xlsx: Nodes row 6 "voice": a tension needs its question`,
	} {
		if !strings.Contains(all, w) {
			t.Errorf("missing problem %q", w)
		}
	}
	if strings.Contains(all, "Relations row 2") {
		t.Errorf("row 2 is fine (Allies is mapped):\n%s", all)
	}
	if len(got) != 8 {
		t.Errorf("%d problems:\n%s", len(got), all)
	}
}

func TestIDCollision(t *testing.T) {
	file := mapimport.File{Name: "map.json", Data: []byte(`{"elements":[
		{"label":"ACT UP","type":"Movement"},{"label":"Act-Up","type":"Movement"}],"connections":[]}`)}
	_, err := mapimport.Convert([]mapimport.File{file}, mapimport.Options{Citation: cite})
	ps := graph.ErrorProblems(err)
	if len(ps) != 1 || ps[0] != `map.json: elements[1]: id "act-up" is also the id of map.json: elements[0] (give them different IDs)` {
		t.Errorf("problems = %q", ps)
	}
}

func TestBadMapping(t *testing.T) {
	_, err := mapimport.ReadMapping(strings.NewReader(`{"kinds": {"NGO": "CHARITY", "Group": "movement"},
		"relationships": {"Allies": "FRIENDS", "Funds": {"type": "FUNDED_BY", "reverse": true}},
		"defaultKind": "THING", "idFrom": "name", "idPrefix": "Kumu_"}`), "m.json")
	got := graph.ErrorProblems(err)
	want := []string{
		`m.json: kinds: "NGO" maps to unknown kind "CHARITY" (use one of MOVEMENT, ORGANISATION, INSTITUTION, REPORT, PERSON, EVENT, TENSION)`,
		`m.json: relationships: "Allies" maps to unknown relationship type "FRIENDS" (use one of CHALLENGED, PARTNERED_WITH, FUNDED_BY, INFLUENCED_POLICY_OF, CO_OPTED_BY, PART_OF, PUBLISHED, DESCRIBES, INSPIRED, FOUNDED, ORGANISED, TARGETED, LED, INVOLVED, EXEMPLIFIES)`,
		`m.json: defaultKind: unknown kind "THING"`,
		`m.json: idFrom: "name" is not "id" or "label"`,
		`m.json: idPrefix: "Kumu_" does not make slug ids (use lower-case letters, digits and hyphens, e.g. "kumu-")`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := mapimport.ReadMapping(strings.NewReader(`{"kind": {}}`), "m.json"); graph.ErrorCode(err) != graph.EINVALID ||
		!strings.Contains(err.Error(), `unknown field "kind"`) {
		t.Errorf("misspelt key: %v", err)
	}
}

// TestGephiPair reads Gephi's two CSV files as Gephi itself writes them
// (Data Laboratory > Export table), mapping edge labels.
func TestGephiPair(t *testing.T) {
	nodes := "Id,Label,Type,timeset\nn1,ACT UP,Movement,\nn2,FDA,Institution,\n"
	edges := "Source,Target,Type,Id,Label,timeset,Weight\nn1,n2,Directed,0,protested,\"<[1988.0,2100.0]>\",1.0\n"
	files := []mapimport.File{{Name: "edges.csv", Data: []byte(edges)}, {Name: "nodes.csv", Data: []byte(nodes)}}
	d, err := mapimport.Convert(files, mapimport.Options{Format: mapimport.GephiCSV,
		Mapping: mapping(t, `{"relationships": {"protested": "CHALLENGED"}}`), Citation: cite})
	if err != nil {
		t.Fatalf("%v %v", err, graph.ErrorProblems(err))
	}
	if len(d.Nodes) != 2 || d.Nodes[0].ID != "n1" || len(d.Relationships) != 1 || d.Relationships[0].ID != "n1:CHALLENGED:n2:1988" {
		t.Errorf("nodes %s rels %s", js(d.Nodes), js(d.Relationships))
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"ACT UP (New York)": "act-up-new-york", "Zoë O'Neill": "zoe-oneill", "act-up": "act-up",
		"  --Médecins Sans Frontières--  ": "medecins-sans-frontieres", "中文": "", "NHS_England 2013": "nhs-england-2013",
	} {
		if got := mapimport.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       mapimport.Format
	}{
		{"a.json", `{"elements":[{"label":"A"}],"connections":[]}`, mapimport.Kumu},
		{"a.json", `{"elements":{"nodes":[],"edges":[]}}`, mapimport.Cytoscape},
		{"a.cyjs", `{"elements":[{"group":"nodes","data":{"id":"a"}}]}`, mapimport.Cytoscape},
		{"a.json", `{"name":"hmkg","sources":[],"nodes":[],"relationships":[]}`, ""},
		{"nodes.csv", "Id,Label\n", mapimport.GephiCSV},
	} {
		if got := mapimport.Detect([]mapimport.File{{Name: c.name, Data: []byte(c.data)}}); got != c.want {
			t.Errorf("Detect(%s %s) = %q, want %q", c.name, c.data, got, c.want)
		}
	}
}
