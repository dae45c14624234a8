package export

import (
	"bufio"
	"fmt"
	"io"
)

const graphmlHeader = `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
<!-- hmkg export. List properties (aliases, tensions, sources) are JSON arrays in strings. The graph's manifest data is JSON. -->
`

// EncodeGraphML writes d as GraphML, read by networkx.read_graphml (use
// force_multigraph=True to keep parallel relationships apart), igraph and
// yEd. Each property has a typed <key> (years are "int", the rest
// "string"); the node kind and relationship type are the "kind" and
// "type" attributes. A missing value has no <data> element. List
// properties hold a JSON array, e.g. ["a","b"]. The graph's "manifest"
// attribute holds the manifest as JSON. Nodes and edges carry the hmkg id
// in their id attribute.
func EncodeGraphML(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("graphml: manifest: %w", err)
	}
	bw.WriteString(graphmlHeader)
	bw.WriteString(`<key id="g_manifest" for="graph" attr.name="manifest" attr.type="string"/>` + "\n")
	for _, p := range nodeProps {
		fmt.Fprintf(bw, `<key id="n_%s" for="node" attr.name="%s" attr.type="%s"/>`+"\n", p.name, p.name, graphmlType(p.typ))
	}
	metrics := d.metricCols()
	for _, p := range metrics {
		fmt.Fprintf(bw, `<key id="n_%s" for="node" attr.name="%s" attr.type="%s"/>`+"\n", p.name, p.name, graphmlType(p.typ))
	}
	for _, p := range relProps {
		fmt.Fprintf(bw, `<key id="e_%s" for="edge" attr.name="%s" attr.type="%s"/>`+"\n", p.name, p.name, graphmlType(p.typ))
	}
	bw.WriteString(`<graph id="hmkg" edgedefault="directed">` + "\n" + `<data key="g_manifest">`)
	bw.Write(appendXML(nil, string(m)))
	bw.WriteString("</data>\n")
	var b []byte
	for _, n := range sortedNodes(d.Subgraph) {
		b = append(b[:0], `<node id="`...)
		b = appendXML(b, n.ID)
		b = append(b, "\">"...)
		for _, p := range nodeProps {
			b = appendGraphMLData(b, "n_", p.name, p.typ, p.get(n))
		}
		for _, p := range metrics {
			b = appendGraphMLData(b, "n_", p.name, p.typ, d.metricValue(p, n.ID))
		}
		b = append(b, "</node>\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("graphml: %w", err)
		}
	}
	for _, r := range sortedRels(d.Subgraph) {
		b = append(b[:0], `<edge id="`...)
		b = appendXML(b, r.ID)
		b = append(b, `" source="`...)
		b = appendXML(b, r.From)
		b = append(b, `" target="`...)
		b = appendXML(b, r.To)
		b = append(b, "\">"...)
		for _, p := range relProps {
			b = appendGraphMLData(b, "e_", p.name, p.typ, p.get(r))
		}
		b = append(b, "</edge>\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("graphml: %w", err)
		}
	}
	bw.WriteString("</graph>\n</graphml>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("graphml: %w", err)
	}
	return nil
}

func graphmlType(t propType) string {
	switch t {
	case tInt:
		return "int"
	case tFloat:
		return "double"
	}
	return "string"
}

func appendGraphMLData(b []byte, prefix, name string, t propType, v value) []byte {
	if v.missing(t) {
		return b
	}
	b = append(b, `<data key="`...)
	b = append(b, prefix...)
	b = append(b, name...)
	b = append(b, "\">"...)
	b = appendXMLValue(b, t, v)
	return append(b, "</data>"...)
}
