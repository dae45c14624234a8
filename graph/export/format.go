// Package export writes a subgraph in the formats analysts load into their
// tools: node-link JSON (networkx), GraphML (networkx, igraph, R), GEXF 1.3
// (Gephi), a neo4j-admin import CSV bundle, a Cypher script, Kumu and
// Cytoscape files, and the sources behind a selection as citations
// (CSL-JSON, BibTeX, RIS). Encoders are
// pure functions of a Document: deterministic (nodes, relationships and
// sources sorted by id), streamed to an io.Writer as they go, and each
// carries a Manifest saying what was exported, from what, and why.
package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// Format is an export format. Its values match the GraphQL ExportFormat enum.
type Format string

// Formats.
const (
	JSON    Format = "JSON"
	GraphML Format = "GRAPHML"
	GEXF    Format = "GEXF"
	CSV     Format = "CSV"
	Cypher  Format = "CYPHER"
	// Kumu is Kumu's JSON blueprint (also read by PRSM).
	Kumu Format = "KUMU"
	// KumuXLSX is the Elements/Connections workbook Kumu imports.
	KumuXLSX Format = "KUMU_XLSX"
	// GephiCSV is a zip of the nodes/edges CSV pair of Gephi's spreadsheet import.
	GephiCSV Format = "GEPHI_CSV"
	// Cytoscape is Cytoscape.js / Cytoscape desktop JSON.
	Cytoscape Format = "CYTOSCAPE"
	// CSLJSON is the sources behind the selection as CSL-JSON (citeproc-js, Zotero, Pandoc).
	CSLJSON Format = "CSL_JSON"
	// BibTeX is the sources behind the selection as a BibTeX database.
	BibTeX Format = "BIBTEX"
	// RIS is the sources behind the selection as RIS records.
	RIS Format = "RIS"
)

// formatInfo is everything hmkg knows about one format.
type formatInfo struct {
	format      Format
	contentType string
	// extension is the file name extension of the output, with its dot.
	extension string
	// binary is true when the output is not text (zips, workbooks).
	binary bool
	encode func(io.Writer, *Document) error
}

// formats is the one list of export formats, in schema order: adding a
// format is one entry here plus its value in schema.graphqls's ExportFormat
// (a test checks that the two agree).
var formats = []formatInfo{
	{JSON, "application/json", ".json", false, EncodeJSON},
	{GraphML, "application/graphml+xml", ".graphml", false, EncodeGraphML},
	{GEXF, "application/gexf+xml", ".gexf", false, EncodeGEXF},
	{CSV, "application/zip", ".zip", true, EncodeCSV},
	{Cypher, "application/x-cypher-query; charset=utf-8", ".cypher", false, EncodeCypher},
	{Kumu, "application/json", ".kumu.json", false, EncodeKumu},
	{KumuXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", true, EncodeKumuXLSX},
	{GephiCSV, "application/zip", ".gephi.zip", true, EncodeGephiCSV},
	{Cytoscape, "application/json", ".cyjs", false, EncodeCytoscape},
	{CSLJSON, "application/vnd.citationstyles.csl+json", ".csl.json", false, EncodeCSLJSON},
	{BibTeX, "application/x-bibtex; charset=utf-8", ".bib", false, EncodeBibTeX},
	{RIS, "application/x-research-info-systems", ".ris", false, EncodeRIS},
}

// Formats lists every format in schema order.
var Formats = func() []Format {
	fs := make([]Format, len(formats))
	for i, f := range formats {
		fs[i] = f.format
	}
	return fs
}()

// info returns the table entry of f, or false for an unknown format.
func (f Format) info() (formatInfo, bool) {
	for _, fi := range formats {
		if fi.format == f {
			return fi, true
		}
	}
	return formatInfo{}, false
}

// ParseFormat returns the format named s, ignoring case, "-" and "_"
// (kumu-xlsx, kumu_xlsx and kumuxlsx are KUMU_XLSX; csljson is CSL_JSON).
// An unknown name is an EINVALID error that lists the valid ones.
func ParseFormat(s string) (Format, error) {
	squash := strings.NewReplacer("-", "", "_", "")
	for _, f := range Formats {
		if s != "" && strings.EqualFold(squash.Replace(s), squash.Replace(string(f))) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = strings.ToLower(string(f))
	}
	return "", graph.Errorf(graph.EINVALID, "unknown export format %q: use one of %s", s, strings.Join(names, ", "))
}

// Valid reports whether f is a known format (spelled exactly).
func (f Format) Valid() bool {
	_, ok := f.info()
	return ok
}

// ContentType is the media type of the format's output.
func (f Format) ContentType() string {
	if fi, ok := f.info(); ok {
		return fi.contentType
	}
	return "application/octet-stream"
}

// Extension is the file name extension of the format's output, with its dot.
func (f Format) Extension() string {
	if fi, ok := f.info(); ok {
		return fi.extension
	}
	return ".bin"
}

// Binary reports whether the output is not text (the CSV bundles are zips,
// the Kumu workbook an XLSX file).
func (f Format) Binary() bool {
	fi, _ := f.info()
	return fi.binary
}

// Encode writes d to w in format f.
func Encode(w io.Writer, f Format, d *Document) error {
	fi, ok := f.info()
	if !ok {
		_, err := ParseFormat(string(f))
		if err == nil {
			err = graph.Errorf(graph.EINVALID, "export format %q must be written in capitals (%s)", f, strings.ToUpper(string(f)))
		}
		return err
	}
	return fi.encode(w, d)
}

// Filename suggests a file name for an export of d in format f, such as
// "hmkg-act-up-d2.gexf" or "hmkg-all.zip".
func Filename(f Format, sel Selection) string {
	name := "hmkg-all"
	if len(sel.Seeds) > 0 {
		name = "hmkg-" + sel.Seeds[0]
		if len(sel.Seeds) > 1 {
			name += fmt.Sprintf("-and-%d", len(sel.Seeds)-1)
		}
		name += fmt.Sprintf("-d%d", sel.Depth)
	}
	if sel.AsOf != nil {
		name += fmt.Sprintf("-asof%d", *sel.AsOf)
	}
	return safeFilename(name) + f.Extension()
}

// safeFilename keeps a name to characters that are safe in a
// Content-Disposition header and on every file system.
func safeFilename(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
