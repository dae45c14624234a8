package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// EncodeGEXF writes d as GEXF 1.3, valid against the official schema and
// opened by Gephi and networkx.read_gexf. The graph is dynamic with integer
// time: a node lives from its year (graph.Node.Since) to its end year and a
// relationship from its year, so Gephi's timeline replays the graph; undated
// elements are always present. Node labels are names and edge labels and
// kinds are relationship types; every property is also a static attribute
// (years "integer", lists JSON arrays in a "string"). The manifest is the
// JSON text of <meta><description>.
func EncodeGEXF(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("gexf: manifest: %w", err)
	}
	man := d.Manifest
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">
`)
	fmt.Fprintf(bw, `<meta lastmodifieddate="%s"><creator>hmkg</creator><keywords>`, man.GeneratedAt.UTC().Format("2006-01-02"))
	bw.Write(appendXML(nil, man.DatasetName+" "+man.DatasetVersion))
	bw.WriteString("</keywords><description>")
	bw.Write(appendXML(nil, string(m)))
	bw.WriteString("</description></meta>\n")
	bw.WriteString(`<graph defaultedgetype="directed" mode="dynamic" timeformat="integer" timerepresentation="interval" idtype="string">` + "\n")
	bw.WriteString(`<attributes class="node" mode="static">` + "\n")
	for _, p := range nodeProps {
		fmt.Fprintf(bw, `<attribute id="%s" title="%s" type="%s"/>`+"\n", p.name, p.name, gexfType(p.typ))
	}
	metrics := d.metricCols()
	for _, p := range metrics {
		fmt.Fprintf(bw, `<attribute id="%s" title="%s" type="%s"/>`+"\n", p.name, p.name, gexfType(p.typ))
	}
	bw.WriteString("</attributes>\n" + `<attributes class="edge" mode="static">` + "\n")
	for _, p := range relProps {
		fmt.Fprintf(bw, `<attribute id="%s" title="%s" type="%s"/>`+"\n", p.name, p.name, gexfType(p.typ))
	}
	bw.WriteString("</attributes>\n")
	fmt.Fprintf(bw, "<nodes count=\"%d\">\n", len(d.Subgraph.Nodes))
	var b []byte
	for _, n := range sortedNodes(d.Subgraph) {
		b = append(b[:0], `<node id="`...)
		b = appendXML(b, n.ID)
		b = append(b, `" label="`...)
		b = appendXML(b, n.Name)
		b = append(b, '"')
		b = appendTime(b, "start", n.Since())
		b = appendTime(b, "end", n.EndYear)
		b = append(b, "><attvalues>"...)
		for _, p := range nodeProps {
			b = appendAttValue(b, p.name, p.typ, p.get(n))
		}
		for _, p := range metrics {
			b = appendAttValue(b, p.name, p.typ, d.metricValue(p, n.ID))
		}
		b = append(b, "</attvalues></node>\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("gexf: %w", err)
		}
	}
	fmt.Fprintf(bw, "</nodes>\n<edges count=\"%d\">\n", len(d.Subgraph.Relationships))
	for _, r := range sortedRels(d.Subgraph) {
		b = append(b[:0], `<edge id="`...)
		b = appendXML(b, r.ID)
		b = append(b, `" source="`...)
		b = appendXML(b, r.From)
		b = append(b, `" target="`...)
		b = appendXML(b, r.To)
		b = append(b, `" label="`...)
		b = appendXML(b, string(r.Type))
		b = append(b, `" kind="`...)
		b = appendXML(b, string(r.Type))
		b = append(b, '"')
		b = appendTime(b, "start", r.Year)
		b = append(b, "><attvalues>"...)
		for _, p := range relProps {
			b = appendAttValue(b, p.name, p.typ, p.get(r))
		}
		b = append(b, "</attvalues></edge>\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("gexf: %w", err)
		}
	}
	bw.WriteString("</edges>\n</graph>\n</gexf>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gexf: %w", err)
	}
	return nil
}

func gexfType(t propType) string {
	switch t {
	case tInt:
		return "integer"
	case tFloat:
		return "double"
	}
	return "string"
}

func appendTime(b []byte, attr string, year *int) []byte {
	if year == nil {
		return b
	}
	b = append(b, ' ')
	b = append(b, attr...)
	b = append(b, '=', '"')
	b = strconv.AppendInt(b, int64(*year), 10)
	return append(b, '"')
}

func appendAttValue(b []byte, name string, t propType, v value) []byte {
	if v.missing(t) {
		return b
	}
	b = append(b, `<attvalue for="`...)
	b = append(b, name...)
	b = append(b, `" value="`...)
	b = appendXMLValue(b, t, v)
	return append(b, "\"/>"...)
}
