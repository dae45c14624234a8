package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hmkg/hmkg/graph"
)

// KumuDirection is the direction every exported connection has: hmkg's
// relationships are directed.
const KumuDirection = "directed"

// fieldName is the display name under which Kumu, Gephi's spreadsheet and
// the XLSX export show a property: "startYear" becomes "Start Year", "url"
// "URL". The map importer (loader/mapimport) folds case and spaces, so
// either spelling reads back.
func fieldName(prop string) string {
	if prop == "url" {
		return "URL"
	}
	var b strings.Builder
	for i, r := range prop {
		switch {
		case i == 0:
			b.WriteString(strings.ToUpper(string(r)))
		case r >= 'A' && r <= 'Z':
			b.WriteByte(' ')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Columns of the Kumu and Gephi exports that hmkg adds besides each
// property: the URLs of the cited sources, so that a reader of the map can
// follow them without the Sources sheet.
const (
	kumuSourceURLs = "Source URLs"
)

// kumuNodeProps are the node properties written as Kumu fields; kind, name
// and summary are the element's type, label and description.
var kumuNodeProps = func() []prop[*graph.Node] {
	var ps []prop[*graph.Node]
	for _, p := range nodeProps {
		switch p.name {
		case "kind", "name", "summary":
			continue
		}
		ps = append(ps, p)
	}
	return ps
}()

// kumuRelProps are the relationship properties written as Kumu fields; the
// type and summary are the connection's type and description.
var kumuRelProps = func() []prop[*graph.Relationship] {
	var ps []prop[*graph.Relationship]
	for _, p := range relProps {
		switch p.name {
		case "type", "summary":
			continue
		}
		ps = append(ps, p)
	}
	return ps
}()

// kumuTags are an element's tags: its category, which is how Kumu users
// usually slice a map.
func kumuTags(n *graph.Node) []string {
	if n.Category == "" {
		return nil
	}
	return []string{n.Category}
}

// urlIndex finds the URL of a cited source by id.
type urlIndex map[string]string

func newURLIndex(ss []*graph.Source) urlIndex {
	u := make(urlIndex, len(ss))
	for _, s := range ss {
		u[s.ID] = s.URL
	}
	return u
}

// of lists the URLs of the sources ids cites, in the order cited.
func (u urlIndex) of(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if s := u[id]; s != "" {
			out = append(out, s)
		}
	}
	return out
}

// EncodeKumu writes d as a Kumu JSON blueprint, which Kumu and PRSM import:
//
//	{"elements": [{"id", "label", "type", "description", "tags", fields...}],
//	 "connections": [{"id", "from", "to", "type", "direction", "description", fields...}],
//	 "hmkg": {manifest}}
//
// An element's type is its kind's label ("Movement"), its description the
// summary and its tags the category; a connection's type is the
// relationship type ("CHALLENGED") and its direction "directed". Every
// other property is a Kumu field named for display ("Start Year",
// "Aliases", "Sources") and left out when missing; "Source URLs" lists the
// URLs of the cited sources. Ids are hmkg ids (Kumu requires them unique
// across elements and connections; relationship ids contain ':' and node
// ids do not), so re-importing the blueprint updates the map instead of
// duplicating it. Kumu ignores the "hmkg" key.
func EncodeKumu(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m, err := d.manifestJSON()
	if err != nil {
		return fmt.Errorf("kumu: manifest: %w", err)
	}
	urls := newURLIndex(d.Sources)
	bw.WriteString(`{"elements":[`)
	var b []byte
	for i, n := range sortedNodes(d.Subgraph) {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"id\":"...)
		b = appendJSONString(b, n.ID)
		b = append(b, `,"label":`...)
		b = appendJSONString(b, n.Name)
		b = append(b, `,"type":`...)
		b = appendJSONString(b, n.Kind.Label())
		b = append(b, `,"description":`...)
		b = appendJSONString(b, n.Summary)
		b = appendJSONField(b, "tags", tList, value{list: kumuTags(n)}, true)
		for _, p := range kumuNodeProps {
			b = appendJSONField(b, fieldName(p.name), p.typ, p.get(n), false)
		}
		b = appendJSONField(b, kumuSourceURLs, tList, value{list: urls.of(n.SourceIDs)}, false)
		b = append(b, '}')
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("kumu: %w", err)
		}
	}
	bw.WriteString("],\n\"connections\":[")
	for i, r := range sortedRels(d.Subgraph) {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"id\":"...)
		b = appendJSONString(b, r.ID)
		b = append(b, `,"from":`...)
		b = appendJSONString(b, r.From)
		b = append(b, `,"to":`...)
		b = appendJSONString(b, r.To)
		b = append(b, `,"type":`...)
		b = appendJSONString(b, string(r.Type))
		b = append(b, `,"direction":"`+KumuDirection+`","description":`...)
		b = appendJSONString(b, r.Summary)
		for _, p := range kumuRelProps {
			b = appendJSONField(b, fieldName(p.name), p.typ, p.get(r), false)
		}
		b = appendJSONField(b, kumuSourceURLs, tList, value{list: urls.of(r.SourceIDs)}, false)
		b = append(b, '}')
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("kumu: %w", err)
		}
	}
	bw.WriteString("],\n\"hmkg\":")
	bw.Write(m)
	bw.WriteString("}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("kumu: %w", err)
	}
	return nil
}

// appendJSONField appends ,"name":value, leaving a missing value out unless
// always is set (then a missing list is []).
func appendJSONField(b []byte, name string, t propType, v value, always bool) []byte {
	if v.missing(t) && !always {
		return b
	}
	b = append(b, ',')
	b = appendJSONString(b, name)
	b = append(b, ':')
	switch t {
	case tList:
		b = append(b, '[')
		for i, s := range v.list {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		return append(b, ']')
	case tInt:
		if v.num == nil {
			return append(b, "null"...)
		}
		return strconv.AppendInt(b, int64(*v.num), 10)
	}
	return appendJSONString(b, v.str)
}
