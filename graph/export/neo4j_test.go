package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/internal/neo4jlock"
)

// runner runs one Cypher statement in its own auto-commit transaction,
// as cypher-shell does, and returns its records; failures fail t.
type runner func(q string, params map[string]any) []*neo4j.Record

// neo4jDB connects to the Neo4j in NEO4J_URI (scripts/neo4j start).
// Without NEO4J_URI the test is skipped, except in CI where that is a
// failure. Call the result with each (sub)test's t.
func neo4jDB(t *testing.T) func(t *testing.T) runner {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("NEO4J_URI is not set: CI must load the exports into Neo4j (make test starts it)")
		}
		t.Skip("NEO4J_URI not set: run eval \"$(scripts/neo4j start)\"")
	}
	neo4jlock.Lock(t, uri)
	ctx := context.Background()
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(os.Getenv("NEO4J_USERNAME"), os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := drv.VerifyConnectivity(ctx); err != nil {
		t.Fatalf("neo4j at %s: %v", uri, err)
	}
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: os.Getenv("NEO4J_DATABASE")})
	t.Cleanup(func() {
		sess.Close(ctx)
		drv.Close(ctx)
	})
	return func(t *testing.T) runner {
		return func(q string, params map[string]any) []*neo4j.Record {
			t.Helper()
			res, err := sess.Run(ctx, q, params)
			if err != nil {
				t.Fatalf("%.300s: %v", q, err)
			}
			recs, err := res.Collect(ctx)
			if err != nil {
				t.Fatalf("%.300s: %v", q, err)
			}
			return recs
		}
	}
}

// wipe empties the database and drops the constraints the script creates.
func wipe(run runner) {
	run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", nil)
	run("DROP CONSTRAINT hmkg_node_id IF EXISTS", nil)
	run("DROP CONSTRAINT hmkg_source_id IF EXISTS", nil)
}

// normal round-trips v through JSON so that Neo4j's int64 and []any and
// the domain's *int and []string compare equal.
func normal(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeDisputes turns the disputes property, which exports write as the
// JSON text of the domain's disputes, back into that JSON value.
func decodeDisputes(t *testing.T, props map[string]any) map[string]any {
	t.Helper()
	if s, ok := props["disputes"].(string); ok {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatalf("disputes property is not JSON: %v: %q", err, s)
		}
		props["disputes"] = v
	}
	return props
}

// compareDB checks that the database holds exactly doc: every node with
// its labels and properties, every relationship with its type, endpoints
// and properties, and every source.
func compareDB(t *testing.T, run runner, doc *export.Document) {
	t.Helper()
	rec := run(`MATCH (n) WITH count(n) AS all
		OPTIONAL MATCH (m:Node) WITH all, count(m) AS nodes
		OPTIONAL MATCH (s:Source) WITH all, nodes, count(s) AS sources
		OPTIONAL MATCH ()-[r]->() RETURN all, nodes, sources, count(r) AS rels`, nil)[0]
	got := fmt.Sprint(rec.Values)
	want := fmt.Sprint([]any{int64(len(doc.Subgraph.Nodes) + len(doc.Sources)), int64(len(doc.Subgraph.Nodes)), int64(len(doc.Sources)), int64(len(doc.Subgraph.Relationships))})
	if got != want {
		t.Fatalf("database holds [all nodes, :Node, :Source, relationships] = %s, want %s", got, want)
	}
	nodes := map[string]any{}
	for _, r := range run("MATCH (n:Node) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props", nil) {
		id, _ := r.Get("id")
		labels, _ := r.Get("labels")
		props, _ := r.Get("props")
		nodes[id.(string)] = normal(t, map[string]any{"labels": labels, "props": decodeDisputes(t, props.(map[string]any))})
	}
	for _, n := range doc.Subgraph.Nodes {
		want := normal(t, map[string]any{"labels": []string{export.NodeLabel, n.Kind.Label()}, "props": n})
		if g := nodes[n.ID]; !sameUnordered(g, want) {
			t.Errorf("node %s:\n got %v\nwant %v", n.ID, g, want)
		}
	}
	rels := map[string]any{}
	for _, r := range run("MATCH (a)-[r]->(b) RETURN r.id AS id, a.id AS from, b.id AS to, type(r) AS type, properties(r) AS props", nil) {
		m := r.AsMap()
		props := m["props"].(map[string]any)
		props["from"], props["to"], props["type"] = m["from"], m["to"], m["type"]
		rels[m["id"].(string)] = normal(t, decodeDisputes(t, props))
	}
	for _, r := range doc.Subgraph.Relationships {
		want := normal(t, r).(map[string]any)
		want["status"] = string(r.State()) // exports write every status, ASSERTED too
		if g := rels[r.ID]; !reflect.DeepEqual(g, any(want)) {
			t.Errorf("relationship %s:\n got %v\nwant %v", r.ID, g, want)
		}
	}
	srcs := map[string]any{}
	for _, r := range run("MATCH (s:Source) RETURN s.id AS id, properties(s) AS props", nil) {
		m := r.AsMap()
		srcs[m["id"].(string)] = normal(t, m["props"])
	}
	for _, s := range doc.Sources {
		if g, want := srcs[s.ID], normal(t, s); !reflect.DeepEqual(g, want) {
			t.Errorf("source %s:\n got %v\nwant %v", s.ID, g, want)
		}
	}
}

// sameUnordered compares {labels, props} ignoring the order of labels.
func sameUnordered(got, want any) bool {
	g, ok1 := got.(map[string]any)
	w, ok2 := want.(map[string]any)
	if !ok1 || !ok2 {
		return false
	}
	sortAny := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		slices.Sort(out)
		return out
	}
	return reflect.DeepEqual(sortAny(g["labels"]), sortAny(w["labels"])) && reflect.DeepEqual(g["props"], w["props"])
}

// neo4jDocs are the exports loaded into Neo4j: a neighbourhood of the
// curated data and the awkward fixture, whose strings test the escaping.
func neo4jDocs(t *testing.T) map[string]*export.Document {
	t.Helper()
	ctx := context.Background()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	t.Cleanup(func() { store.Close() })
	if err := store.Import(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	curated, err := export.Prepare(ctx, store, export.Cypher, export.Selection{Seeds: []string{"act-up"}, Depth: 2}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	y := 1987
	awkward := export.NewDocument(export.Cypher, &graph.Subgraph{
		Nodes: []*graph.Node{
			{ID: "a", Kind: graph.KindMovement, Name: `ACT UP "zaps" <&> 'quoted' \ back\\slash`, Aliases: []string{`x; "y"`, "Ünïcødé ✊ 𝄞", `it's`},
				Summary: "line one\nline two\ttab\r\nbell\u0007 null-ish \\u0041 */ // -- ;", StartYear: &y, SourceIDs: []string{"s"}},
			{ID: "b", Kind: graph.KindTension, Name: "Zoë O'Neill — voice\u2028sep", Question: "¿Quién habla?", SourceIDs: []string{"s"}},
		},
		Relationships: []*graph.Relationship{
			{ID: "a:INSPIRED:b", Type: graph.RelInspired, From: "a", To: "b", Summary: `'); MATCH (n) DETACH DELETE n; //`, SourceIDs: []string{"s"}},
			{ID: "a:INSPIRED:b:1987", Type: graph.RelInspired, From: "a", To: "b", Year: &y, TensionIDs: []string{"b"}, SourceIDs: []string{"s"}},
		},
	}, []*graph.Source{{ID: "s", Title: "A <source> & 'more'", URL: "https://example.org/?a=1&b=2", Year: &y}}, export.Selection{}, nil, time.Now())
	return map[string]*export.Document{"curated": curated, "awkward": awkward}
}

// TestCypherScriptRecreatesSubgraph runs the Cypher export statement by
// statement, as cypher-shell would, on an empty database.
func TestCypherScriptRecreatesSubgraph(t *testing.T) {
	db := neo4jDB(t)
	for name, doc := range neo4jDocs(t) {
		t.Run(name, func(t *testing.T) {
			run := db(t)
			var buf bytes.Buffer
			if err := export.EncodeCypher(&buf, doc); err != nil {
				t.Fatal(err)
			}
			wipe(run)
			for _, stmt := range export.CypherStatements(buf.String()) {
				run(stmt, nil)
			}
			compareDB(t, run, doc)
		})
	}
}

// TestCSVBundleRecreatesSubgraph loads the CSV export into an empty
// database. The Neo4j used by the tests is a server built from Maven
// artifacts without the neo4j-admin tool, so the files are read here the
// way neo4j-admin reads them (header types, "|" arrays and labels, empty
// cells missing) and written with UNWIND batches.
func TestCSVBundleRecreatesSubgraph(t *testing.T) {
	db := neo4jDB(t)
	for name, doc := range neo4jDocs(t) {
		t.Run(name, func(t *testing.T) {
			run := db(t)
			// Go's csv.Reader, standing in for neo4j-admin here, drops the
			// \r of a \r\n inside a quoted cell; compare accordingly.
			for _, n := range doc.Subgraph.Nodes {
				n.Summary = strings.ReplaceAll(n.Summary, "\r\n", "\n")
			}
			var buf bytes.Buffer
			doc.Manifest.Format = export.CSV
			if err := export.EncodeCSV(&buf, doc); err != nil {
				t.Fatal(err)
			}
			files := unzip(t, buf.Bytes())
			wipe(run)
			run("CREATE CONSTRAINT hmkg_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE", nil)
			for _, name := range []string{"nodes.csv", "sources.csv"} {
				byLabels := map[string][]map[string]any{}
				for _, row := range readAdminCSV(t, files[name]) {
					labels := row.labels
					slices.Sort(labels)
					key := ":" + strings.Join(labels, ":")
					byLabels[key] = append(byLabels[key], row.props)
				}
				for labels, rows := range byLabels {
					run("UNWIND $rows AS row CREATE (n"+labels+") SET n = row", map[string]any{"rows": rows})
				}
			}
			byType := map[string][]map[string]any{}
			for _, row := range readAdminCSV(t, files["relationships.csv"]) {
				byType[row.typ] = append(byType[row.typ], map[string]any{"start": row.start, "end": row.end, "props": row.props})
			}
			for typ, rows := range byType {
				run("UNWIND $rows AS row MATCH (a:Node {id: row.start}), (b:Node {id: row.end}) CREATE (a)-[r:"+typ+"]->(b) SET r = row.props",
					map[string]any{"rows": rows})
			}
			compareDB(t, run, doc)
			var m export.Manifest
			if err := json.Unmarshal(files["manifest.json"], &m); err != nil || m.Counts.Nodes != len(doc.Subgraph.Nodes) {
				t.Errorf("manifest.json: %v %+v", err, m.Counts)
			}
		})
	}
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

type adminRow struct {
	labels     []string
	start, end string
	typ        string
	props      map[string]any
}

// readAdminCSV interprets a CSV file by neo4j-admin's header rules.
func readAdminCSV(t *testing.T, b []byte) []adminRow {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	var rows []adminRow
	for _, rec := range recs[1:] {
		row := adminRow{props: map[string]any{}}
		for i, h := range header {
			cell := rec[i]
			name, typ, _ := strings.Cut(h, ":")
			switch {
			case h == ":LABEL":
				row.labels = strings.Split(cell, export.CSVArrayDelimiter)
			case strings.HasPrefix(h, ":START_ID"):
				row.start = cell
			case strings.HasPrefix(h, ":END_ID"):
				row.end = cell
			case h == ":TYPE":
				row.typ = cell
			case cell == "":
				// neo4j-admin stores no property for an empty cell
			case strings.HasPrefix(typ, "ID"):
				row.props[name] = cell
			case typ == "int":
				n, err := strconv.Atoi(cell)
				if err != nil {
					t.Fatalf("%s = %q: %v", h, cell, err)
				}
				row.props[name] = n
			case typ == "string[]":
				row.props[name] = strings.Split(cell, export.CSVArrayDelimiter)
			case typ == "":
				row.props[name] = cell
			default:
				t.Fatalf("unexpected column type %q", h)
			}
		}
		rows = append(rows, row)
	}
	return rows
}
