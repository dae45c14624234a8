package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hmkg/hmkg/graph"
)

func TestGoldenMapFormats(t *testing.T) {
	for _, f := range []Format{Kumu, Cytoscape} {
		t.Run(string(f), func(t *testing.T) {
			got := encode(t, f, fixtureIn(f))
			golden(t, "fixture"+f.Extension(), got)
			if again := encode(t, f, fixtureIn(f)); !bytes.Equal(got, again) {
				t.Error("two encodings of the same document differ")
			}
		})
	}
	t.Run("GEPHI_CSV", func(t *testing.T) {
		got := encode(t, GephiCSV, fixtureIn(GephiCSV))
		names := unzipGolden(t, got, "fixture-gephi/")
		if want := "manifest.json README.md nodes.csv edges.csv sources.csv"; strings.Join(names, " ") != want {
			t.Errorf("zip holds %v, want %s", names, want)
		}
		if again := encode(t, GephiCSV, fixtureIn(GephiCSV)); !bytes.Equal(got, again) {
			t.Error("two encodings of the same document differ")
		}
	})
	t.Run("KUMU_XLSX", func(t *testing.T) {
		got := encode(t, KumuXLSX, fixtureIn(KumuXLSX))
		x, err := excelize.OpenReader(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if sheets := strings.Join(x.GetSheetList(), " "); sheets != "Elements Connections Sources Manifest" {
			t.Errorf("sheets = %s", sheets)
		}
		for _, s := range x.GetSheetList() {
			rows, err := x.GetRows(s)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			cw := csv.NewWriter(&buf)
			_ = cw.WriteAll(rows)
			golden(t, "fixture-kumu-xlsx/"+s+".csv", buf.Bytes())
		}
		if again := encode(t, KumuXLSX, fixtureIn(KumuXLSX)); !bytes.Equal(got, again) {
			t.Error("two encodings of the same document differ")
		}
	})
}

func unzipGolden(t *testing.T, b []byte, dir string) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
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
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, dir+f.Name, body)
	}
	return names
}

// TestKumuBlueprintShape checks the blueprint against the shape Kumu's
// documentation gives: elements with label (and id, type, description,
// tags), connections with from and to that name element ids, direction
// one of Kumu's three values, ids unique across elements and connections.
func TestKumuBlueprintShape(t *testing.T) {
	var bp map[string]json.RawMessage
	if err := json.Unmarshal(encode(t, Kumu, fixtureIn(Kumu)), &bp); err != nil {
		t.Fatal(err)
	}
	var elements []map[string]any
	var connections []map[string]any
	var man Manifest
	for k, dst := range map[string]any{"elements": &elements, "connections": &connections, "hmkg": &man} {
		if err := json.Unmarshal(bp[k], dst); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if len(bp) != 3 || len(elements) != 4 || len(connections) != 3 {
		t.Fatalf("keys %d elements %d connections %d", len(bp), len(elements), len(connections))
	}
	ids := map[string]bool{}
	for _, e := range elements {
		for _, k := range []string{"id", "label", "type", "description"} {
			if _, ok := e[k].(string); !ok {
				t.Errorf("element %v: %s is not a string", e["id"], k)
			}
		}
		if _, ok := e["tags"].([]any); !ok {
			t.Errorf("element %v: tags is not a list", e["id"])
		}
		ids[e["id"].(string)] = true
	}
	if ids["act-up"] != true || elements[0]["type"] != "Movement" || elements[0]["Start Year"] != float64(1987) ||
		elements[0]["Source URLs"].([]any)[0] != "https://example.org/a" || elements[1]["Tags"] != nil ||
		elements[1]["tags"].([]any)[0] != "health-system" {
		t.Errorf("elements = %v", elements[:2])
	}
	for _, c := range connections {
		if !ids[c["from"].(string)] || !ids[c["to"].(string)] {
			t.Errorf("connection %v names an unknown element", c["id"])
		}
		switch c["direction"] {
		case "directed", "undirected", "mutual":
		default:
			t.Errorf("connection %v: direction %v", c["id"], c["direction"])
		}
		if ids[c["id"].(string)] {
			t.Errorf("id %v used twice", c["id"])
		}
		ids[c["id"].(string)] = true
	}
	if connections[1]["type"] != "CHALLENGED" || connections[1]["Year"] != float64(1990) ||
		connections[1]["Tensions"].([]any)[0] != "tension-voice" {
		t.Errorf("connection = %v", connections[1])
	}
	if man.Format != Kumu || man.Counts.Nodes != 4 || len(man.Sources) != 2 {
		t.Errorf("manifest = %+v", man)
	}
}

func TestCytoscapeShape(t *testing.T) {
	var doc struct {
		Elements struct {
			Nodes []struct{ Data map[string]any } `json:"nodes"`
			Edges []struct{ Data map[string]any } `json:"edges"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(encode(t, Cytoscape, fixtureIn(Cytoscape)), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Elements.Nodes) != 4 || len(doc.Elements.Edges) != 3 {
		t.Fatalf("%d nodes %d edges", len(doc.Elements.Nodes), len(doc.Elements.Edges))
	}
	e := doc.Elements.Edges[1].Data
	if e["source"] != "act-up" || e["target"] != "nhs-england" || e["interaction"] != "CHALLENGED" || e["year"] != float64(1990) {
		t.Errorf("edge = %v", e)
	}
	if n := doc.Elements.Nodes[3].Data; n["id"] != "zoe-o-neill" || n["kind"] != "PERSON" || n["role"] != "organiser\r\nand\u0007bell" {
		t.Errorf("node = %v", n)
	}
}

func TestMapFormatsRejectDelimiterInList(t *testing.T) {
	for _, f := range []Format{KumuXLSX, GephiCSV} {
		d := fixture()
		d.Subgraph.Nodes[0].Aliases = []string{"a|b"}
		err := Encode(io.Discard, f, d)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), `"a|b"`) || strings.Contains(err.Error(), ": csv:") {
			t.Errorf("%s: err = %v, want EINVALID naming the value", f, err)
		}
	}
}

func TestParseMapFormats(t *testing.T) {
	for in, want := range map[string]Format{"kumu": Kumu, "kumu-xlsx": KumuXLSX, "KUMU_XLSX": KumuXLSX, "gephi-csv": GephiCSV, "cytoscape": Cytoscape} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if !KumuXLSX.Binary() || !GephiCSV.Binary() || Kumu.Binary() || Cytoscape.Binary() {
		t.Error("Binary is wrong")
	}
	if got := Filename(Cytoscape, Selection{}); got != "hmkg-all.cyjs" {
		t.Errorf("Filename = %q", got)
	}
}

func TestGephiInterval(t *testing.T) {
	for _, c := range []struct {
		start, end *int
		want       string
	}{{nil, nil, ""}, {yr(1987), nil, "<[1987,2100]>"}, {yr(1987), yr(1994), "<[1987,1994]>"}, {nil, yr(1994), "<[1000,1994]>"}} {
		if got := gephiInterval(c.start, c.end); got != c.want {
			t.Errorf("gephiInterval = %q, want %q", got, c.want)
		}
	}
}

func TestKumuXLSXRefusesMoreRowsThanAWorksheetHolds(t *testing.T) {
	sub := &graph.Subgraph{Nodes: make([]*graph.Node, 1<<20)}
	for i := range sub.Nodes {
		sub.Nodes[i] = &graph.Node{ID: fmt.Sprintf("n-%d", i), Kind: graph.KindEvent, Name: "n", SourceIDs: []string{"s"}}
	}
	var buf bytes.Buffer
	err := EncodeKumuXLSX(&buf, &Document{Subgraph: sub})
	if graph.ErrorCode(err) != graph.EINVALID || buf.Len() != 0 {
		t.Fatalf("1,048,576 nodes: err %v, %d bytes written; want EINVALID and nothing written", err, buf.Len())
	}
}
