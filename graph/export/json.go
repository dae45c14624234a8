package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// EncodeJSON writes d as node-link JSON:
//
//	{"directed": true, "multigraph": true, "graph": {manifest},
//	 "nodes": [{"id": ..., properties...}],
//	 "edges": [{"source": from, "target": to, "key": id, "id": id, properties...}]}
//
// networkx reads it with json_graph.node_link_graph(data), whose default
// since networkx 3.4 is edges="edges"; older versions need
// node_link_graph(data, edges="edges") (their default was "links").
// Every node and relationship carries every property, null (or [] for a
// list) when it has no value, and "sources" lists the ids of the sources
// it cites; graph.sources in the manifest describes each of them (with its
// kind). A relationship's "status" is ASSERTED, DISPUTED or RETRACTED;
// "disputes" holds the contested claims in full (claim, positions with
// their source ids, note). "stories" lists the stories that travel with
// the export (see Document.AddStories) in the shape of a dataset file's
// stories section, so that `hmkg load` reads the file back whole.
func EncodeJSON(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("json: manifest: %w", err)
	}
	bw.WriteString(`{"directed":true,"multigraph":true,"graph":`)
	bw.Write(m)
	bw.WriteString(",\n\"nodes\":[")
	var b []byte
	for i, n := range sortedNodes(d.Subgraph) {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"id\":"...)
		b = appendJSONString(b, n.ID)
		for _, p := range nodeProps {
			b = appendJSONProp(b, p.name, p.typ, p.get(n))
		}
		b = append(b, '}')
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("json: %w", err)
		}
	}
	bw.WriteString("],\n\"edges\":[")
	for i, r := range sortedRels(d.Subgraph) {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"source\":"...)
		b = appendJSONString(b, r.From)
		b = append(b, `,"target":`...)
		b = appendJSONString(b, r.To)
		b = append(b, `,"key":`...)
		b = appendJSONString(b, r.ID)
		b = append(b, `,"id":`...)
		b = appendJSONString(b, r.ID)
		for _, p := range relProps {
			b = appendJSONProp(b, p.name, p.typ, p.get(r))
		}
		b = append(b, '}')
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("json: %w", err)
		}
	}
	bw.WriteByte(']')
	if d.Manifest.Format.CarriesStories() {
		stories, err := d.storiesJSON()
		if err != nil {
			return fmt.Errorf("json: %w", err)
		}
		bw.WriteString(",\n\"stories\":")
		bw.Write(stories)
	}
	bw.WriteString("}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("json: %w", err)
	}
	return nil
}

func appendJSONProp(b []byte, name string, t propType, v value) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	switch {
	case t == tList:
		b = append(b, '[')
		for i, s := range v.list {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		return append(b, ']')
	case t == tJSON && v.str == "":
		return append(b, "[]"...)
	case t == tJSON:
		return append(b, v.str...)
	case v.missing(t):
		return append(b, "null"...)
	case t == tInt:
		return strconv.AppendInt(b, int64(*v.num), 10)
	}
	return appendJSONString(b, v.str)
}
