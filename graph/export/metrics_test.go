package export_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/bench/synth"
	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/graph/memstore"
	"github.com/hmkg/hmkg/graph/neo4jstore/neo4jtest"
)

// metricsStores returns the embedded store and, when NEO4J_URI is set, a
// Neo4j store, each loaded with d.
func metricsStores(t *testing.T, d *graph.Dataset) map[string]graph.Store {
	t.Helper()
	ctx := context.Background()
	mem := memstore.New()
	t.Cleanup(func() { mem.Close() })
	stores := map[string]graph.Store{"memstore": mem}
	if s := neo4jtest.Open(t); s != nil {
		stores["neo4j"] = s
	} else {
		t.Log("NEO4J_URI not set: the embedded store only")
	}
	for name, s := range stores {
		if err := s.Import(ctx, d, "test"); err != nil {
			t.Fatalf("%s: import: %v", name, err)
		}
	}
	return stores
}

// TestExportedMetricsMatchNetworkx exports selections of the curated graph
// and of a synthetic one as GraphML and GEXF from every store, has networkx
// read each file, recompute every metric from the file's own nodes and
// relationships and compare it with the file's attributes within 1e-9
// (scripts/pycheck/check_metrics.py: also the modularity of the file's
// communities, and networkx's Louvain within 0.02). Every store writes the
// same bytes for the same selection.
func TestExportedMetricsMatchNetworkx(t *testing.T) {
	py := pycheckPython(t)
	curated, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	asOf := 1995
	for _, c := range []struct {
		name string
		data *graph.Dataset
		sels map[string]export.Selection
	}{
		{"curated", curated, map[string]export.Selection{
			"whole":      {},
			"aids-d2":    {Seeds: []string{"aids-movement"}, Depth: 2},
			"whole-1995": {AsOf: &asOf},
		}},
		{"synthetic", synth.Generate(600, 6, 11), map[string]export.Selection{"whole": {}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string][]byte{}
			var paths []string
			start := time.Now()
			for storeName, s := range metricsStores(t, c.data) {
				for selName, sel := range c.sels {
					for _, f := range []export.Format{export.GraphML, export.GEXF} {
						doc, err := export.Prepare(context.Background(), s, f, sel, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
						if err != nil {
							t.Fatalf("%s %s %s: %v", storeName, selName, f, err)
						}
						if doc.Metrics == nil || doc.Manifest.Metrics == nil || !doc.Manifest.Metrics.Computed {
							t.Fatalf("%s %s %s: no metrics", storeName, selName, f)
						}
						var buf bytes.Buffer
						if err := export.Encode(&buf, f, doc); err != nil {
							t.Fatal(err)
						}
						// The stores must write the same bytes, so networkx
						// checks one copy of each file.
						key := selName + f.Extension()
						if prev, ok := files[key]; ok {
							if !bytes.Equal(prev, buf.Bytes()) {
								t.Errorf("%s: the stores write different files", key)
							}
							continue
						}
						files[key] = buf.Bytes()
						path := filepath.Join(dir, key)
						if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
							t.Fatal(err)
						}
						paths = append(paths, path)
					}
				}
			}
			t.Logf("exports from every store in %v", time.Since(start))
			xsd, err := filepath.Abs(filepath.Join("testdata", "gexf-1.3", "gexf.xsd"))
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{filepath.Join("..", "..", "scripts", "pycheck", "check_metrics.py"), "--xsd", xsd}, paths...)
			out, err := exec.Command(py, args...).CombinedOutput()
			t.Logf("check_metrics.py:\n%s", out)
			if err != nil {
				t.Fatalf("check_metrics.py: %v", err)
			}
			if n := strings.Count(string(out), "every metric within 1e-09"); n != len(paths) {
				t.Fatalf("checked %d files of %d", n, len(paths))
			}
		})
	}
}

// A selection over MetricsMaxNodes is exported without metrics, and the
// manifest says so; formats that carry no metrics say nothing.
func TestMetricsOmittedOverTheCap(t *testing.T) {
	d := synth.Generate(export.MetricsMaxNodes+50, 2, 3)
	sub := &graph.Subgraph{Nodes: d.Nodes, Relationships: d.Relationships}
	doc := export.NewDocument(export.GraphML, sub, d.Sources, export.Selection{}, nil, time.Unix(0, 0))
	if err := doc.AddMetrics(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.Metrics != nil || doc.Manifest.Metrics == nil || doc.Manifest.Metrics.Computed || !strings.Contains(doc.Manifest.Metrics.Omitted, "at most 5000") {
		t.Fatalf("over the cap: metrics %v, note %+v", doc.Metrics != nil, doc.Manifest.Metrics)
	}
	var buf bytes.Buffer
	if err := export.Encode(&buf, export.GraphML, doc); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(`attr.name="pageRank"`)) || !bytes.Contains(buf.Bytes(), []byte(`omitted`)) {
		t.Error("the GraphML over the cap carries metric keys or does not say they were omitted")
	}
	small := &graph.Subgraph{Nodes: d.Nodes[:10]}
	doc = export.NewDocument(export.JSON, small, nil, export.Selection{}, nil, time.Unix(0, 0))
	if err := doc.AddMetrics(context.Background()); err != nil || doc.Metrics != nil || doc.Manifest.Metrics != nil {
		t.Errorf("JSON carries no metrics: %v %v %v", err, doc.Metrics, doc.Manifest.Metrics)
	}
}
