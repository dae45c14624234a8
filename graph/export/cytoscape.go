package export

import (
	"bufio"
	"fmt"
	"io"
)

// CytoscapeJSVersion is the Cytoscape.js version range the export is
// written for (it is checked against cytoscape 3.34 in scripts/interop).
const CytoscapeJSVersion = "~3.34"

// EncodeCytoscape writes d as Cytoscape.js / Cytoscape desktop JSON:
//
//	{"format_version": "1.0", "generated_by": "hmkg", "target_cytoscapejs_version": "~3.34",
//	 "data": {"name": ...},
//	 "elements": {"nodes": [{"data": {"id", "name", "label", "kind", properties...}}],
//	              "edges": [{"data": {"id", "source", "target", "interaction", "type", properties...}}]},
//	 "hmkg": {manifest}}
//
// cytoscape({elements: doc.elements}) loads it, and Cytoscape desktop
// imports it with File > Import > Network from File. Node data holds every
// property under its hmkg name (label repeats the name for styles);
// edge data has the relationship type as both interaction (Cytoscape's
// edge type column) and type. Missing values are left out; lists are
// arrays.
func EncodeCytoscape(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("cytoscape: manifest: %w", err)
	}
	name := "hmkg"
	if d.Manifest.DatasetName != "" {
		name += " " + d.Manifest.DatasetName
	}
	b := []byte(`{"format_version":"1.0","generated_by":"hmkg","target_cytoscapejs_version":"` + CytoscapeJSVersion + `","data":{"name":`)
	b = appendJSONString(b, name)
	b = append(b, "},\n\"elements\":{\"nodes\":["...)
	bw.Write(b)
	for i, n := range sortedNodes(d.Subgraph) {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"data\":{\"id\":"...)
		b = appendJSONString(b, n.ID)
		b = append(b, `,"label":`...)
		b = appendJSONString(b, n.Name)
		for _, p := range nodeProps {
			b = appendJSONField(b, p.name, p.typ, p.get(n), false)
		}
		b = append(b, "}}"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("cytoscape: %w", err)
		}
	}
	bw.WriteString("],\n\"edges\":[")
	for i, r := range sortedRels(d.Subgraph) {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"data\":{\"id\":"...)
		b = appendJSONString(b, r.ID)
		b = append(b, `,"source":`...)
		b = appendJSONString(b, r.From)
		b = append(b, `,"target":`...)
		b = appendJSONString(b, r.To)
		b = append(b, `,"interaction":`...)
		b = appendJSONString(b, string(r.Type))
		for _, p := range relProps {
			b = appendJSONField(b, p.name, p.typ, p.get(r), false)
		}
		b = append(b, "}}"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("cytoscape: %w", err)
		}
	}
	bw.WriteString("]},\n\"hmkg\":")
	bw.Write(m)
	bw.WriteString("}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cytoscape: %w", err)
	}
	return nil
}
