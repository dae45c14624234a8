package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func yr(y int) *int { return &y }

// fixture is a small subgraph with awkward values: quotes, markup
// characters, unicode, newlines, control characters and missing years. Its
// slices are deliberately out of id order.
func fixture() *Document {
	sub := &graph.Subgraph{
		Nodes: []*graph.Node{
			{ID: "nhs-england", Kind: graph.KindInstitution, Name: "NHS England", Country: "UK", Category: "health-system",
				FoundedYear: yr(2013), Summary: "Runs the <NHS> & commissions care.", SourceIDs: []string{"src-b"}},
			{ID: "act-up", Kind: graph.KindMovement, Name: `ACT UP "AIDS Coalition to Unleash Power"`,
				Aliases: []string{"ACT UP", `AIDS Coalition; "to" Unleash Power`, "Ünïcødé ✊"},
				Region:  "New York & beyond", StartYear: yr(1987),
				Summary:   "Line one\nline two\twith tab, back\\slash and 'single' quotes </node> ]]>",
				SourceIDs: []string{"src-a", "src-b"}},
			{ID: "tension-voice", Kind: graph.KindTension, Name: "Voice vs. capture", Question: "Who speaks — and for whom?",
				SourceIDs: []string{"src-a"}},
			{ID: "zoe-o-neill", Kind: graph.KindPerson, Name: "Zoë O'Neill", Role: "organiser\r\nand\u0007bell", SourceIDs: []string{"src-a"}},
		},
		Relationships: []*graph.Relationship{
			{ID: "zoe-o-neill:LED:act-up", Type: graph.RelLed, From: "zoe-o-neill", To: "act-up", SourceIDs: []string{"src-a"}},
			{ID: "act-up:CHALLENGED:nhs-england:1990", Type: graph.RelChallenged, From: "act-up", To: "nhs-england", Year: yr(1990),
				Summary: `Die-ins & "zaps" <at> offices`, TensionIDs: []string{"tension-voice"}, SourceIDs: []string{"src-a", "src-b"}},
			{ID: "act-up:CHALLENGED:nhs-england", Type: graph.RelChallenged, From: "act-up", To: "nhs-england", SourceIDs: []string{"src-b"},
				Status: graph.StatusDisputed, Disputes: []*graph.Dispute{{About: "act-up:CHALLENGED:nhs-england", AboutKind: graph.AboutRelationship,
					Claim: `Whether the "zaps" <reached> NHS England`, Positions: []*graph.Position{
						{Says: "They did, & twice", SourceIDs: []string{"src-b"}}, {Says: "Ünïcødé: no\nsuch record", SourceIDs: []string{"src-a"}}},
					Note: "Line one\nline two"}}},
		},
	}
	sub.Nodes[1].Disputes = []*graph.Dispute{{About: "act-up", AboutKind: graph.AboutNode, Claim: "Founding year",
		Positions: []*graph.Position{{Says: "1987", SourceIDs: []string{"src-a"}}, {Says: "1986; 'planning' <meetings>", SourceIDs: []string{"src-b"}}}}}
	sources := []*graph.Source{
		{ID: "src-b", Title: "Report <2> & \"more\"", URL: "https://example.org/b?x=1&y=2", Year: yr(2019), Kind: graph.SourceMirror},
		{ID: "src-a", Title: "Oral history — ACT UP", URL: "https://example.org/a", Publisher: "Archive, Inc.", Kind: graph.SourcePrimary},
	}
	sel := Selection{Seeds: []string{"act-up"}, Depth: 2, Types: []graph.RelType{graph.RelChallenged, graph.RelLed}, AsOf: yr(2020)}
	stats := &graph.Stats{DatasetName: "fixture", DatasetVersion: "1.0.0"}
	return NewDocument(JSON, sub, sources, sel, stats, time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
}

func fixtureIn(f Format) *Document {
	d := fixture()
	d.Manifest.Format = f
	if err := d.AddMetrics(context.Background()); err != nil {
		panic(err)
	}
	if f.CarriesStories() {
		d.Stories = fixtureStories()
		d.Manifest.Counts.Stories = len(d.Stories)
	}
	return d
}

// fixtureStories is a story over the fixture with awkward text and a
// recorded state, as a store hands it to an export.
func fixtureStories() []*graph.Story {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	return []*graph.Story{{
		ID: "act-up-zaps", Title: `ACT UP's "zaps" & <die-ins>`, Summary: "Ünïcødé\nsummary", Author: "Zoë",
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 2,
		Steps: []*graph.StoryStep{{
			Title: "Zaps", Caption: "ACT UP **challenged** NHS England in 1990 </script>.",
			View:       graph.StoryView{Seeds: []string{"act-up"}, Depth: 1, AsOf: yr(1990), HighlightRelationships: []string{"act-up:CHALLENGED:nhs-england:1990"}},
			CitedNodes: []string{"act-up"}, CitedRelationships: []string{"act-up:CHALLENGED:nhs-england:1990"},
			Recorded: []graph.CitedState{{ID: "act-up", Target: graph.CitedNode, Hash: "v1:00"},
				{ID: "act-up:CHALLENGED:nhs-england:1990", Target: graph.CitedRelationship, Hash: "v1:11", Disputed: true}},
		}},
	}}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff):\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(same lines)"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func encode(t *testing.T, f Format, d *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, f, d); err != nil {
		t.Fatalf("encode %s: %v", f, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, f := range []Format{JSON, GraphML, GEXF, Cypher} {
		t.Run(string(f), func(t *testing.T) {
			got := encode(t, f, fixtureIn(f))
			golden(t, "fixture"+f.Extension(), got)
			// Deterministic: the same document encodes to the same bytes.
			if again := encode(t, f, fixtureIn(f)); !bytes.Equal(got, again) {
				t.Error("two encodings of the same document differ")
			}
		})
	}
	t.Run("CSV", func(t *testing.T) {
		got := encode(t, CSV, fixtureIn(CSV))
		zr, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "fixture-csv/"+f.Name, b)
		}
		if want := "manifest.json README.md nodes.csv relationships.csv sources.csv"; strings.Join(names, " ") != want {
			t.Errorf("zip holds %v, want %s", names, want)
		}
		if again := encode(t, CSV, fixtureIn(CSV)); !bytes.Equal(got, again) {
			t.Error("two encodings of the same document differ")
		}
	})
}

func TestJSONRoundTrip(t *testing.T) {
	var doc struct {
		Directed   bool             `json:"directed"`
		Multigraph bool             `json:"multigraph"`
		Graph      Manifest         `json:"graph"`
		Nodes      []map[string]any `json:"nodes"`
		Edges      []map[string]any `json:"edges"`
		Stories    []*graph.Story   `json:"stories"`
	}
	if err := json.Unmarshal(encode(t, JSON, fixtureIn(JSON)), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	d := fixture()
	if !doc.Directed || !doc.Multigraph || len(doc.Nodes) != 4 || len(doc.Edges) != 3 {
		t.Fatalf("directed=%v multigraph=%v nodes=%d edges=%d", doc.Directed, doc.Multigraph, len(doc.Nodes), len(doc.Edges))
	}
	if doc.Nodes[0]["id"] != "act-up" || doc.Nodes[0]["summary"] != d.Subgraph.Nodes[1].Summary || doc.Nodes[0]["endYear"] != nil {
		t.Errorf("first node = %v", doc.Nodes[0])
	}
	if al := doc.Nodes[0]["aliases"].([]any); len(al) != 3 || al[1] != `AIDS Coalition; "to" Unleash Power` {
		t.Errorf("aliases = %v", al)
	}
	if doc.Nodes[3]["role"] != "organiser\r\nand\u0007bell" {
		t.Errorf("role = %q", doc.Nodes[3]["role"])
	}
	if doc.Edges[0]["key"] != "act-up:CHALLENGED:nhs-england" || doc.Edges[1]["year"] != float64(1990) {
		t.Errorf("edges = %v", doc.Edges)
	}
	if want := fixtureStories(); len(doc.Stories) != 1 || !reflect.DeepEqual(doc.Stories, want) {
		t.Errorf("stories = %+v, want %+v", doc.Stories, want)
	}
	if doc.Graph.Counts != (Counts{4, 3, 2, 1}) || doc.Graph.Sources[0].ID != "src-a" || doc.Graph.DatasetName != "fixture" ||
		!doc.Graph.GeneratedAt.Equal(d.Manifest.GeneratedAt) || doc.Graph.Selection.Seeds[0] != "act-up" {
		t.Errorf("manifest = %+v", doc.Graph)
	}
}

func TestCypherStatements(t *testing.T) {
	script := string(encode(t, Cypher, fixtureIn(Cypher)))
	stmts := CypherStatements(script)
	// 2 constraints, 2 sources, 4 nodes, 3 relationships.
	if len(stmts) != 11 {
		t.Fatalf("%d statements, want 11:\n%s", len(stmts), script)
	}
	for _, s := range stmts {
		if strings.ContainsAny(s, "\n\r") || strings.HasSuffix(s, ";") {
			t.Errorf("statement not on one line: %q", s)
		}
	}
	if !strings.Contains(script, `name: 'Zoë O\'Neill'`) || !strings.Contains(script, `role: 'organiser\r\nand\u0007bell'`) ||
		!strings.Contains(script, `back\\slash`) {
		t.Errorf("escaping is wrong:\n%s", script)
	}
}

func TestCSVRejectsDelimiterInList(t *testing.T) {
	d := fixture()
	d.Subgraph.Nodes[0].Aliases = []string{"a|b"}
	err := EncodeCSV(io.Discard, d)
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), `"a|b"`) {
		t.Fatalf("err = %v, want EINVALID naming the value", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"json": JSON, "GraphML": GraphML, "gexf": GEXF, "CSV": CSV, "cypher": Cypher} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	_, err := ParseFormat("dot")
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "json, graphml, gexf, csv, cypher") {
		t.Errorf("ParseFormat(dot) err = %v", err)
	}
	if got := Filename(GEXF, Selection{Seeds: []string{"act-up", "x"}, Depth: 2, AsOf: yr(1990)}); got != "hmkg-act-up-and-1-d2-asof1990.gexf" {
		t.Errorf("Filename = %q", got)
	}
	if got := Filename(CSV, Selection{}); got != "hmkg-all.zip" {
		t.Errorf("Filename = %q", got)
	}
}

// failAfter fails every write after n bytes.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, io.ErrShortWrite
	}
	w.n -= len(p)
	return len(p), nil
}

func TestEncodersReportWriteErrors(t *testing.T) {
	for _, f := range Formats {
		if err := Encode(&failAfter{n: 100}, f, fixtureIn(f)); err == nil {
			t.Errorf("%s: no error from a failing writer", f)
		}
	}
}
