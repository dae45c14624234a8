package export_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hmkg/hmkg/graph"
	"github.com/hmkg/hmkg/graph/export"
)

// citationDocs are the documents the citation checks export: selections of
// the curated dataset and a few sources with every awkward character.
func citationDocs(t *testing.T) map[string]*export.Document {
	t.Helper()
	store, sels := curatedExports(t)
	docs := map[string]*export.Document{}
	for name, sel := range sels {
		doc, err := export.Prepare(context.Background(), store, export.CSLJSON, sel, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Sources) < 5 {
			t.Fatalf("%s: only %d sources to check", name, len(doc.Sources))
		}
		docs[name] = doc
	}
	y := 2004
	docs["awkward characters"] = export.NewDocument(export.CSLJSON,
		&graph.Subgraph{Nodes: []*graph.Node{{ID: "a", Kind: graph.KindMovement, Name: "A", SourceIDs: []string{"s1", "s2", "s3"}}}},
		[]*graph.Source{
			{ID: "s1", Title: `50% of {costs} & $5 #1 a_b ~x^2 C:\path — Zoë's “quote”`, URL: "https://example.org/p?a=1&b=%20#frag", Publisher: "Ünïcødé & Sons_Ltd", Year: &y},
			{ID: "s2", Title: "Activists 'die-in' at NHS offices", URL: "https://www.theguardian.com/society/2019/x", Publisher: "The Guardian"},
			{ID: "s3", Title: "Title with\nnewline\tand tab", URL: "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/", Publisher: "BMJ (via PMC)"},
		}, export.Selection{}, nil, time.Now())
	return docs
}

// writeCitations writes doc as export.csl.json, export.bib and export.ris
// in dir, with expected.json listing the sources the store returned.
func writeCitations(t *testing.T, dir string, doc *export.Document) {
	t.Helper()
	for _, f := range []export.Format{export.CSLJSON, export.BibTeX, export.RIS} {
		writeExport(t, filepath.Join(dir, "export"+f.Extension()), f, doc)
	}
	type src struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		URL       string `json:"url"`
		Publisher string `json:"publisher,omitempty"`
		Year      *int   `json:"year,omitempty"`
	}
	want := []src{}
	for _, s := range doc.Sources {
		want = append(want, src{s.ID, s.Title, s.URL, s.Publisher, s.Year})
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "expected.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCiteprocRendersCSLJSON renders CSL_JSON exports with citeproc-js in
// APA and checks every source's entry for its title, URL, publisher and year.
func TestCiteprocRendersCSLJSON(t *testing.T) {
	node := nodeChecker(t)
	for name, doc := range citationDocs(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeCitations(t, dir, doc)
			script, _ := filepath.Abs(filepath.Join(interopDir, "check_citeproc.mjs"))
			cmd := exec.Command(node, script, filepath.Join(dir, "export.csl.json"), filepath.Join(dir, "expected.json"))
			cmd.Dir = interopDir
			out, err := cmd.CombinedOutput()
			t.Logf("%s", out)
			if err != nil || !strings.Contains(string(out), ": ok") {
				t.Fatalf("check_citeproc.mjs: %v", err)
			}
		})
	}
}

// TestBibtexparserAndRispyReadCitations reads BIBTEX exports with Python's
// bibtexparser (LaTeX decoded with pylatexenc) and RIS exports with rispy,
// and checks that every source's title, URL, publisher, year and id
// round-trip exactly.
func TestBibtexparserAndRispyReadCitations(t *testing.T) {
	py := pycheckPython(t)
	for name, doc := range citationDocs(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeCitations(t, dir, doc)
			cmd := exec.Command(py, filepath.Join("..", "..", "scripts", "pycheck", "check_citations.py"),
				filepath.Join(dir, "export.bib"), filepath.Join(dir, "export.ris"), filepath.Join(dir, "expected.json"))
			out, err := cmd.CombinedOutput()
			t.Logf("%s", out)
			if err != nil || !strings.Contains(string(out), "bibtexparser") || !strings.Contains(string(out), "rispy") {
				t.Fatalf("check_citations.py: %v", err)
			}
		})
	}
}
