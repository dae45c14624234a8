package resolvers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/resolvers"
)

// exportServer is the whole HTTP API with /export mounted as cmd/hmkg does.
func exportServer(s graph.Store) http.Handler {
	return resolvers.NewHandler(resolvers.Config{Store: s, Mounts: map[string]http.Handler{
		"GET /export": (&resolvers.Resolver{Store: s}).ExportHandler(),
	}})
}

func get(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestExportSubgraphGraphQL(t *testing.T) {
	eachStore(t, func(t *testing.T, c *client, s graph.Store) {
		want, err := s.Neighbourhood(context.Background(), graph.NeighbourhoodQuery{
			Seeds: []string{"act-up"}, Depth: 2, Direction: graph.DirectionBoth, Limit: graph.MaxNeighbourhoodSize})
		if err != nil {
			t.Fatal(err)
		}
		const q = `query($f: ExportFormat!) { exportSubgraph(seeds: ["act-up"], depth: 2, format: $f) {
			format filename contentType nodeCount relationshipCount sourceCount content contentBase64 downloadUrl } }`
		type result struct {
			ExportSubgraph struct {
				Format, Filename, ContentType, DownloadURL string
				NodeCount, RelationshipCount, SourceCount  int
				Content, ContentBase64                     *string
			}
		}
		var out result
		c.ok(q, map[string]any{"f": "JSON"}, &out)
		e := out.ExportSubgraph
		if e.NodeCount != len(want.Nodes) || e.RelationshipCount != len(want.Relationships) || e.NodeCount < 3 {
			t.Errorf("counts %d/%d, neighbourhood has %d/%d", e.NodeCount, e.RelationshipCount, len(want.Nodes), len(want.Relationships))
		}
		if e.Filename != "hmkg-act-up-d2.json" || e.ContentType != "application/json" || e.Content == nil || e.ContentBase64 != nil ||
			e.DownloadURL != "/export?depth=2&format=json&seed=act-up" {
			t.Errorf("export = %+v", e)
		}
		var doc struct {
			Graph export.Manifest
			Nodes []map[string]any
			Edges []map[string]any
		}
		if err := json.Unmarshal([]byte(*e.Content), &doc); err != nil {
			t.Fatalf("content is not JSON: %v", err)
		}
		if len(doc.Nodes) != e.NodeCount || len(doc.Edges) != e.RelationshipCount || doc.Graph.Counts.Sources != e.SourceCount ||
			len(doc.Graph.Sources) != e.SourceCount || doc.Graph.DatasetName == "" {
			t.Errorf("content has %d nodes, %d edges, manifest %+v", len(doc.Nodes), len(doc.Edges), doc.Graph.Counts)
		}

		c.ok(q, map[string]any{"f": "CSV"}, &out)
		if out.ExportSubgraph.ContentBase64 == nil || out.ExportSubgraph.Content != nil {
			t.Fatalf("CSV export = %+v", out.ExportSubgraph)
		}
		raw, err := base64.StdEncoding.DecodeString(*out.ExportSubgraph.ContentBase64)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw))); err != nil {
			t.Errorf("CSV content is not a zip: %v", err)
		}

		res := c.post(`{ exportSubgraph(seeds: ["no-such-node"], format: GEXF) { nodeCount } }`, nil)
		if res.code() != "NOT_FOUND" {
			t.Errorf("unknown seed: %+v", res.Errors)
		}
		res = c.post(`{ exportSubgraph(seeds: ["act-up"], depth: 9, format: GEXF) { nodeCount } }`, nil)
		if res.code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "depth") {
			t.Errorf("depth 9: %+v", res.Errors)
		}
		res = c.post(`{ exportSubgraph(format: DOT) { nodeCount } }`, nil)
		if len(res.Errors) == 0 {
			t.Error("format DOT accepted")
		}
	})
}

func TestExportHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := exportServer(s)
		rec := get(h, "/export?format=graphml&seed=act-up&depth=2&type=CHALLENGED&type=PART_OF&asOf=1995")
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="hmkg-act-up-d2-asof1995.graphml"` {
			t.Errorf("Content-Disposition = %q", got)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/graphml+xml" {
			t.Errorf("Content-Type = %q", got)
		}
		var doc struct {
			Nodes []struct {
				ID string `xml:"id,attr"`
			} `xml:"graph>node"`
			Edges []struct {
				Data []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"data"`
			} `xml:"graph>edge"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if len(doc.Nodes) == 0 || rec.Header().Get("X-Hmkg-Nodes") != itoa(len(doc.Nodes)) {
			t.Errorf("%d nodes, header says %s", len(doc.Nodes), rec.Header().Get("X-Hmkg-Nodes"))
		}
		for _, e := range doc.Edges {
			for _, d := range e.Data {
				if d.Key == "e_type" && d.Value != "CHALLENGED" && d.Value != "PART_OF" {
					t.Errorf("edge of type %s in a CHALLENGED/PART_OF export", d.Value)
				}
			}
		}

		for _, tc := range []struct {
			target, code, msg string
			status            int
		}{
			{"/export?format=dot&seed=act-up", "BAD_USER_INPUT", "json, graphml, gexf, csv, cypher", 400},
			{"/export?seed=act-up", "BAD_USER_INPUT", "format is required", 400},
			{"/export?format=json&seed=no-such-node", "NOT_FOUND", "no-such-node", 404},
			{"/export?format=json&seed=act-up&depth=5", "BAD_USER_INPUT", "depth", 400},
			{"/export?format=json&seed=act-up&depth=two", "BAD_USER_INPUT", "depth", 400},
			{"/export?format=json&seeds=act-up", "BAD_USER_INPUT", `unknown parameter "seeds"`, 400},
			{"/export?format=json&seed=act-up&type=LIKED", "BAD_USER_INPUT", "LIKED", 400},
			{"/export?format=json&seed=act-up&asOf=soon", "BAD_USER_INPUT", "asOf", 400},
		} {
			rec := get(h, tc.target)
			var body struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
				t.Errorf("%s: body %q", tc.target, rec.Body)
				continue
			}
			if rec.Code != tc.status || body.Errors[0].Extensions.Code != tc.code || !strings.Contains(body.Errors[0].Message, tc.msg) ||
				rec.Header().Get("Content-Disposition") != "" {
				t.Errorf("%s: %d %+v", tc.target, rec.Code, body.Errors[0])
			}
		}
	})
}

func TestExportCap(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := resolvers.NewExportHandler(s, 10, slog.Default())
		for _, target := range []string{"/export?format=json", "/export?format=json&seed=nhs-england&depth=2"} {
			rec := get(h, target)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "export cap of 10") {
				t.Errorf("%s: %d %s", target, rec.Code, rec.Body)
			}
		}
		// Under the cap the whole graph exports, with every node.
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rec := get(resolvers.NewExportHandler(s, 0, slog.Default()), "/export?format=json")
		if rec.Code != http.StatusOK || rec.Header().Get("X-Hmkg-Nodes") != itoa(st.Nodes) ||
			rec.Header().Get("X-Hmkg-Relationships") != itoa(st.Relationships) {
			t.Errorf("whole graph: %d, %s nodes (store has %d), %s relationships (store has %d)", rec.Code,
				rec.Header().Get("X-Hmkg-Nodes"), st.Nodes, rec.Header().Get("X-Hmkg-Relationships"), st.Relationships)
		}
	})
}

// brokenWriter is a response whose connection fails after the headers.
type brokenWriter struct {
	httptest.ResponseRecorder
	wrote int
}

func (w *brokenWriter) Write(p []byte) (int, error) {
	w.wrote += len(p)
	return 0, errors.New("connection reset")
}

func TestExportAbortsMidStream(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *client, s graph.Store) {
		h := resolvers.NewExportHandler(s, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
		w := &brokenWriter{ResponseRecorder: *httptest.NewRecorder()}
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", p)
			}
		}()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/export?format=gexf", nil))
		t.Error("handler returned normally after a failed write")
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
