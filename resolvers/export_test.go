package resolvers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
)

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
		c.OK(q, map[string]any{"f": "JSON"}, &out)
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

		c.OK(q, map[string]any{"f": "CSV"}, &out)
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

		res := c.Post(`{ exportSubgraph(seeds: ["no-such-node"], format: GEXF) { nodeCount } }`, nil)
		if res.Code() != "NOT_FOUND" {
			t.Errorf("unknown seed: %+v", res.Errors)
		}
		res = c.Post(`{ exportSubgraph(seeds: ["act-up"], depth: 9, format: GEXF) { nodeCount } }`, nil)
		if res.Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "depth") {
			t.Errorf("depth 9: %+v", res.Errors)
		}
		res = c.Post(`{ exportSubgraph(format: DOT) { nodeCount } }`, nil)
		if len(res.Errors) == 0 {
			t.Error("format DOT accepted")
		}
	})
}
