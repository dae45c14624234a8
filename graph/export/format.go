// Package export writes a subgraph in the formats analysts load into their
// tools: node-link JSON (networkx), GraphML (networkx, igraph, R), GEXF 1.3
// (Gephi), a neo4j-admin import CSV bundle and a Cypher script. Encoders are
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
)

// Formats lists every format in schema order.
var Formats = []Format{JSON, GraphML, GEXF, CSV, Cypher, Kumu, KumuXLSX, GephiCSV, Cytoscape}

// ParseFormat returns the format named s, ignoring case ("-" may stand for
// "_", as in kumu-xlsx). An unknown name is an EINVALID error that lists the
// valid ones.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(strings.ReplaceAll(s, "-", "_"), string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = strings.ToLower(string(f))
	}
	return "", graph.Errorf(graph.EINVALID, "unknown export format %q: use one of %s", s, strings.Join(names, ", "))
}

// Valid reports whether f is a known format.
func (f Format) Valid() bool {
	_, err := ParseFormat(string(f))
	return err == nil && strings.ToUpper(string(f)) == string(f)
}

// ContentType is the media type of the format's output.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json"
	case GraphML:
		return "application/graphml+xml"
	case GEXF:
		return "application/gexf+xml"
	case CSV:
		return "application/zip"
	case Cypher:
		return "application/x-cypher-query; charset=utf-8"
	case Kumu, Cytoscape:
		return "application/json"
	case KumuXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case GephiCSV:
		return "application/zip"
	}
	return "application/octet-stream"
}

// Extension is the file name extension of the format's output, with its dot.
func (f Format) Extension() string {
	switch f {
	case JSON:
		return ".json"
	case GraphML:
		return ".graphml"
	case GEXF:
		return ".gexf"
	case CSV:
		return ".zip"
	case Cypher:
		return ".cypher"
	case Kumu:
		return ".kumu.json"
	case KumuXLSX:
		return ".xlsx"
	case GephiCSV:
		return ".gephi.zip"
	case Cytoscape:
		return ".cyjs"
	}
	return ".bin"
}

// Binary reports whether the output is not text (the CSV bundles are zips,
// the Kumu workbook an XLSX file).
func (f Format) Binary() bool { return f == CSV || f == KumuXLSX || f == GephiCSV }

// Encode writes d to w in format f.
func Encode(w io.Writer, f Format, d *Document) error {
	switch f {
	case JSON:
		return EncodeJSON(w, d)
	case GraphML:
		return EncodeGraphML(w, d)
	case GEXF:
		return EncodeGEXF(w, d)
	case CSV:
		return EncodeCSV(w, d)
	case Cypher:
		return EncodeCypher(w, d)
	case Kumu:
		return EncodeKumu(w, d)
	case KumuXLSX:
		return EncodeKumuXLSX(w, d)
	case GephiCSV:
		return EncodeGephiCSV(w, d)
	case Cytoscape:
		return EncodeCytoscape(w, d)
	}
	_, err := ParseFormat(string(f))
	return err
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
