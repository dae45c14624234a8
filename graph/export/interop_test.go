package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/data"
	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
	"github.com/hmkg/hmkg/graph/memstore"
)

// interopDir is scripts/interop, the node package with the pinned
// Cytoscape.js the CYTOSCAPE export is checked with.
var interopDir = filepath.Join("..", "..", "scripts", "interop")

// nodeChecker returns the node binary with scripts/interop's packages
// installed (npm ci when node_modules is missing). Without HMKG_PYCHECK=1
// (make test sets it), HMKG_INTEROP=1 or CI the test is skipped; with them
// a missing node or npm fails it.
func nodeChecker(t *testing.T) string {
	t.Helper()
	if os.Getenv("HMKG_PYCHECK") != "1" && os.Getenv("HMKG_INTEROP") != "1" && os.Getenv("CI") == "" {
		t.Skip("set HMKG_INTEROP=1 (or HMKG_PYCHECK=1, as make test does) to load exports into Cytoscape.js with node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required for the Cytoscape.js check: %v", err)
	}
	_, errCy := os.Stat(filepath.Join(interopDir, "node_modules", "cytoscape", "package.json"))
	_, errCite := os.Stat(filepath.Join(interopDir, "node_modules", "citeproc", "package.json"))
	if errCy != nil || errCite != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatalf("npm is required to install scripts/interop: %v", err)
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = interopDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in scripts/interop: %v\n%s", err, out)
		}
	}
	return node
}

// curatedExports are the selections the interop checks export.
func curatedExports(t *testing.T) (graph.Store, map[string]export.Selection) {
	t.Helper()
	d, err := data.Curated()
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	t.Cleanup(func() { store.Close() })
	if err := store.Import(context.Background(), d, "test"); err != nil {
		t.Fatal(err)
	}
	return store, map[string]export.Selection{
		"whole graph":    {},
		"act-up depth 2": {Seeds: []string{"act-up"}, Depth: 2},
	}
}

func writeExport(t *testing.T, path string, f export.Format, doc *export.Document) {
	t.Helper()
	var buf bytes.Buffer
	doc.Manifest.Format = f
	if err := export.Encode(&buf, f, doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCytoscapeJSLoadsExport loads CYTOSCAPE exports into headless
// Cytoscape.js (cytoscape({headless: true, elements})) and compares ids,
// endpoints, kinds and types with what the store returned.
func TestCytoscapeJSLoadsExport(t *testing.T) {
	node := nodeChecker(t)
	store, sels := curatedExports(t)
	for name, sel := range sels {
		t.Run(name, func(t *testing.T) {
			doc, err := export.Prepare(context.Background(), store, export.Cytoscape, sel, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			writeExport(t, filepath.Join(dir, "export.cyjs"), export.Cytoscape, doc)
			type n struct {
				ID   string `json:"id"`
				Kind string `json:"kind"`
				Name string `json:"name"`
			}
			type e struct {
				ID     string `json:"id"`
				Source string `json:"source"`
				Target string `json:"target"`
				Type   string `json:"type"`
			}
			want := struct {
				Nodes []n `json:"nodes"`
				Edges []e `json:"edges"`
			}{}
			for _, x := range doc.Subgraph.Nodes {
				want.Nodes = append(want.Nodes, n{x.ID, string(x.Kind), x.Name})
			}
			for _, r := range doc.Subgraph.Relationships {
				want.Edges = append(want.Edges, e{r.ID, r.From, r.To, string(r.Type)})
			}
			b, _ := json.Marshal(want)
			if err := os.WriteFile(filepath.Join(dir, "expected.json"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			script, _ := filepath.Abs(filepath.Join(interopDir, "check_cytoscape.mjs"))
			cmd := exec.Command(node, script, filepath.Join(dir, "export.cyjs"), filepath.Join(dir, "expected.json"))
			cmd.Dir = interopDir
			out, err := cmd.CombinedOutput()
			t.Logf("%s", out)
			if err != nil || !strings.Contains(string(out), ": ok") {
				t.Fatalf("check_cytoscape.mjs: %v", err)
			}
		})
	}
}

// TestOpenpyxlReadsKumuXLSX opens KUMU_XLSX exports with Python's openpyxl
// and compares every element, connection and source with the store.
func TestOpenpyxlReadsKumuXLSX(t *testing.T) {
	py := pycheckPython(t)
	store, sels := curatedExports(t)
	for name, sel := range sels {
		t.Run(name, func(t *testing.T) {
			doc, err := export.Prepare(context.Background(), store, export.KumuXLSX, sel, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "export.xlsx")
			writeExport(t, path, export.KumuXLSX, doc)
			writeExpected(t, dir, doc.Subgraph, doc.Sources, nil)
			cmd := exec.Command(py, filepath.Join("..", "..", "scripts", "pycheck", "check_xlsx.py"), path, filepath.Join(dir, "expected.json"))
			out, err := cmd.CombinedOutput()
			t.Logf("%s", out)
			if err != nil || !strings.Contains(string(out), ": ok") {
				t.Fatalf("check_xlsx.py: %v", err)
			}
		})
	}
}
